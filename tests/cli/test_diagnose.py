"""`agentplatform test-connection` and `agentplatform validate-config`."""

from __future__ import annotations

import json
import socket
from pathlib import Path
from typing import Any

import pytest
from agentplatform.cli import diagnose
from pytest_httpserver import HTTPServer

from .conftest import Cli

HEALTH = {"status": "ok", "version": "1.0.0", "uptime_s": 1.0}


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def write_profiles(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    path.chmod(0o600)


# test-connection ---------------------------------------------------------------------


def test_ok_against_the_sandbox(cli: Cli, use_sandbox: Any) -> None:
    result = cli("test-connection")
    assert result.code == 0, result.err
    assert f"Server:  {use_sandbox.url}\n" in result.out
    assert "Health:  ok, version" in result.out
    assert "API key: sk_tes****" in result.out
    assert result.out.endswith("Verdict: OK: the server answers and accepts the key\n")
    assert use_sandbox.api_key not in result.out + result.err


def test_ok_as_json(cli: Cli, use_sandbox: Any) -> None:
    result = cli("test-connection", "--json")
    assert result.code == 0
    report = json.loads(result.out)
    assert report["verdict"] == "ok"
    assert report["base_url"] == use_sandbox.url
    assert report["health"]["status"] == "ok"
    assert report["api_key"] == "sk_tes****"


def test_ok_with_a_profile(cli: Cli, sandbox: Any, config_file: Path) -> None:
    write_profiles(
        config_file,
        f'[profiles.local]\napi_key = "{sandbox.api_key}"\nbase_url = "{sandbox.url}"\n',
    )
    result = cli("test-connection", "--profile", "local")
    assert result.code == 0
    assert f"Server:  {sandbox.url} (profile 'local')" in result.out


def test_server_unreachable(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AGENTPLATFORM_API_KEY", "sk_test_x")
    url = f"http://127.0.0.1:{closed_port()}"
    result = cli("test-connection", "--base-url", url)
    assert result.code == 1
    assert result.err.startswith("agentplatform: error: Verdict: SERVER UNREACHABLE: ")
    assert len(result.err.splitlines()) == 1
    report = json.loads(cli("test-connection", "--base-url", url, "--json").out)
    assert report["verdict"] == "server unreachable"
    assert "health" not in report


def test_key_rejected(cli: Cli, sandbox: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AGENTPLATFORM_API_KEY", "sk_test_not_a_real_key")
    result = cli("test-connection", "--base-url", sandbox.url)
    assert result.code == 1
    assert "Health:  ok" in result.out
    assert result.err.startswith("agentplatform: error: Verdict: KEY REJECTED: 401 Unauthorized")
    assert "sk_test_not_a_real_key" not in result.out + result.err


def test_key_not_allowed_for_the_tenant(cli: Cli, use_sandbox: Any, config_file: Path) -> None:
    write_profiles(config_file, '[profiles.default]\ntenant_id = "tenant_other"\n')
    result = cli("test-connection", "--json")
    assert result.code == 1
    report = json.loads(result.out)
    assert report["verdict"] == "key not allowed"
    assert report["detail"].startswith("403 Forbidden")


def test_server_error_on_health(cli: Cli, use_sandbox: Any) -> None:
    use_sandbox.set_faults(apply_to_health=True)
    use_sandbox.fail_next(1, status=500, path="/v1/health")
    result = cli("test-connection")
    assert result.code == 1
    assert result.err.startswith("agentplatform: error: Verdict: SERVER ERROR: 500")


@pytest.mark.parametrize(
    ("status", "body", "verdict"),
    [
        (503, {"type": "about:blank", "title": "down", "status": 503}, "server error"),
        (200, {"unexpected": True}, "server error"),
    ],
)
def test_server_error_on_the_authenticated_call(
    cli: Cli,
    httpserver: HTTPServer,
    monkeypatch: pytest.MonkeyPatch,
    status: int,
    body: Any,
    verdict: str,
) -> None:
    monkeypatch.setenv("AGENTPLATFORM_API_KEY", "sk_test_x")
    httpserver.expect_request("/v1/health").respond_with_json(HEALTH)
    httpserver.expect_request("/v1/events").respond_with_json(body, status=status)
    result = cli("test-connection", "--base-url", httpserver.url_for("").rstrip("/"), "--json")
    assert result.code == 1
    assert json.loads(result.out)["verdict"] == verdict


def test_unreachable_on_the_authenticated_call(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AGENTPLATFORM_API_KEY", "sk_test_x")
    server = HTTPServer(host="127.0.0.1", port=0)
    server.expect_request("/v1/health").respond_with_json(HEALTH)
    server.start()
    original = diagnose._probe

    def probe(client: Any, report: dict[str, Any]) -> tuple[str, str]:
        health = client.health

        def health_then_stop(**options: Any) -> Any:
            result = health(**options)
            server.stop()
            return result

        client.health = health_then_stop
        return original(client, report)

    monkeypatch.setattr(diagnose, "_probe", probe)
    try:
        result = cli("test-connection", "--base-url", server.url_for("").rstrip("/"), "--json")
    finally:
        if server.is_running():
            server.stop()
    assert result.code == 1
    assert json.loads(result.out)["verdict"] == "server unreachable"


def test_a_missing_key_is_a_configuration_error(cli: Cli) -> None:
    result = cli("test-connection", "--base-url", "http://127.0.0.1:9")
    assert result.code == 2
    assert result.err.startswith("agentplatform: error: No API key")


# validate-config -----------------------------------------------------------------------


def test_sources_from_flag_env_profile_and_default(
    cli: Cli, config_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_profiles(
        config_file,
        '[profiles.default]\napi_key = "sk_profile_key_1"\ntimeout = 7.5\ntenant_id = "t1"\n',
    )
    monkeypatch.setenv("AGENTPLATFORM_MAX_RETRIES", "5")
    result = cli("validate-config", "--base-url", "http://127.0.0.1:8080", "--json")
    assert result.code == 0, result.err
    report = json.loads(result.out)
    assert report["valid"] is True
    assert report["config_file"] == {"path": str(config_file), "exists": True, "private": True}
    assert report["profile"] == {"name": "default", "source": "default ('default')"}
    assert report["settings"] == {
        "api_key": {"value": "sk_pr****", "source": "profile 'default'"},
        "base_url": {"value": "http://127.0.0.1:8080", "source": "--base-url"},
        "timeout": {"value": 7.5, "source": "profile 'default'"},
        "max_retries": {"value": 5, "source": "env AGENTPLATFORM_MAX_RETRIES"},
        "tenant_id": {"value": "t1", "source": "profile 'default'"},
        "workspace_id": {"value": None, "source": "not set"},
    }
    assert "sk_profile_key_1" not in result.out + result.err


def test_profile_named_by_flag_or_environment(
    cli: Cli, config_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_profiles(
        config_file,
        '[profiles.prod]\napi_key = "sk_prod_key_12"\nbase_url = "https://prod.example"\n',
    )
    by_flag = json.loads(cli("validate-config", "--profile", "prod", "--json").out)
    assert by_flag["profile"] == {"name": "prod", "source": "--profile"}
    assert by_flag["settings"]["base_url"]["source"] == "profile 'prod'"
    monkeypatch.setenv("AGENTPLATFORM_PROFILE", "prod")
    by_env = json.loads(cli("validate-config", "--json").out)
    assert by_env["profile"] == {"name": "prod", "source": "env AGENTPLATFORM_PROFILE"}


def test_environment_only(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AGENTPLATFORM_API_KEY", "sk_env_key_123")
    monkeypatch.setenv("AGENTPLATFORM_BASE_URL", "http://127.0.0.1:8080")
    result = cli("validate-config")
    assert result.code == 0
    lines = result.out.splitlines()
    assert lines[0].endswith("config.toml (not found)")
    assert lines[1] == "Profile:     none (not needed)"
    assert any(
        line.split() == ["api_key", "sk_e****", "env", "AGENTPLATFORM_API_KEY"] for line in lines
    )
    assert any(line.split() == ["timeout", "60.0", "default"] for line in lines)
    assert any(line.split() == ["workspace_id", "-", "not", "set"] for line in lines)
    assert lines[-1] == "Valid: a client would use these settings."
    assert "sk_env_key_123" not in result.out


def test_a_table_on_a_terminal(
    cli: Cli, monkeypatch: pytest.MonkeyPatch, config_file: Path
) -> None:
    write_profiles(config_file, '[profiles.default]\napi_key = "sk_profile_key_1"\n')
    monkeypatch.setattr(diagnose, "is_terminal", lambda: True)
    result = cli("validate-config")
    assert result.code == 0
    assert "┃ setting" in result.out
    assert "Profile:     'default'" in result.out
    assert "sk_profile_key_1" not in result.out


def test_invalid_settings_exit_2(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AGENTPLATFORM_API_KEY", "sk_env_key_123")
    monkeypatch.setenv("AGENTPLATFORM_TIMEOUT", "soon")
    result = cli("validate-config", "--json")
    assert result.code == 2
    assert json.loads(result.out)["valid"] is False
    assert "timeout must be a number" in json.loads(result.out)["error"]
    assert result.err.startswith("agentplatform: error: timeout must be a number")
    plain = cli("validate-config")
    assert plain.code == 2
    assert "Invalid: 1 problem(s), listed below." in plain.out


def test_a_missing_profile_exit_2(cli: Cli) -> None:
    result = cli("validate-config", "--profile", "nope")
    assert result.code == 2
    assert "Profile 'nope' not found" in result.err


def test_warns_about_a_readable_config_file(cli: Cli, config_file: Path) -> None:
    write_profiles(config_file, '[profiles.default]\napi_key = "sk_profile_key_1"\n')
    config_file.chmod(0o644)
    result = cli("validate-config", "--json")
    assert result.code == 0
    assert json.loads(result.out)["config_file"]["private"] is False
    assert result.err == (
        f"agentplatform: warning: {config_file} is readable by other users; "
        f"run: chmod 600 '{config_file}'\n"
    )


def test_every_bad_value_names_its_source_and_the_good_ones_are_shown(
    cli: Cli, config_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_profiles(
        config_file,
        '[profiles.default]\napi_key = "sk_profile_key_1"\nmax_retries = -2\n'
        'tenant_id = "t1"\nworkspace_id = "w 1"\n',
    )
    monkeypatch.setenv("AGENTPLATFORM_TIMEOUT", "soon")
    result = cli("validate-config", "--base-url", "http://127.0.0.1:8080/v1")
    assert result.code == 2
    lines = result.out.splitlines()
    assert ["api_key", "sk_pr****", "profile", "'default'"] in [line.split() for line in lines]
    assert ["tenant_id", "t1", "profile", "'default'"] in [line.split() for line in lines]
    assert ["timeout", "(invalid)", "env", "AGENTPLATFORM_TIMEOUT"] in [x.split() for x in lines]
    assert lines[-1] == "Invalid: 4 problem(s), listed below."
    errors = result.err.splitlines()
    assert len(errors) == 4
    assert any("from --base-url" in e and "drop the /v1" in e for e in errors)
    assert any("(from environment variable AGENTPLATFORM_TIMEOUT)" in e for e in errors)
    assert any(f"(from profile 'default' of {config_file})" in e for e in errors)
    assert sum(f"profile 'default' of {config_file}" in e for e in errors) == 2
    assert "sk_profile_key_1" not in result.out + result.err


def test_a_broken_file_and_missing_key_are_reported_with_the_values_that_resolved(
    cli: Cli, config_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_profiles(config_file, "[profiles.default\napi_key = 1\n")
    monkeypatch.setenv("AGENTPLATFORM_MAX_RETRIES", "4")
    result = cli("validate-config", "--json")
    assert result.code == 2
    report = json.loads(result.out)
    assert report["valid"] is False
    assert report["settings"]["max_retries"] == {
        "value": 4,
        "source": "env AGENTPLATFORM_MAX_RETRIES",
    }
    assert report["settings"]["api_key"]["source"] == "not set"
    assert "No API key" in report["settings"]["api_key"]["problem"]
    assert report["problems"][0].startswith(
        f"Config file {config_file} is not valid TOML at line 1"
    )
    plain = cli("validate-config")
    assert ["api_key", "(missing)", "not", "set"] in [x.split() for x in plain.out.splitlines()]
    config_file.unlink()
    absent = cli("validate-config")
    assert "Profile:     none (needed, but the file has no 'default' profile)" in absent.out


def test_a_broken_file_that_is_not_needed_is_shown_as_skipped(
    cli: Cli, config_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_profiles(config_file, "[profiles.default\n")
    monkeypatch.setenv("AGENTPLATFORM_API_KEY", "sk_env_key_123")
    result = cli("validate-config", "--base-url", "http://127.0.0.1:8080", "--json")
    assert result.code == 0, result.err
    report = json.loads(result.out)
    assert report["valid"] is True
    assert "It was skipped" in report["config_file"]["ignored"]


def test_problems_on_a_terminal(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(diagnose, "is_terminal", lambda: True)
    monkeypatch.setenv("AGENTPLATFORM_API_KEY", "sk_env_key_123")
    monkeypatch.setenv("AGENTPLATFORM_TIMEOUT", "-1")
    result = cli("validate-config")
    assert result.code == 2
    assert "┃ setting" in result.out
    assert "(invalid)" in result.out
    assert "Invalid: 1 problem(s), listed below." in result.out
    assert "(from environment variable AGENTPLATFORM_TIMEOUT)" in result.err
