"""`agentplatform configure`: a private TOML profile; the key is never shown."""

from __future__ import annotations

import io
import os
import stat
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest
from agentplatform._config import load_profiles
from agentplatform.cli import _profiles
from hypothesis import given
from hypothesis import strategies as st

from .conftest import Cli

KEY = "sk_live_abcdefghijklmnopqrstuvwxyz0123"


@pytest.fixture
def stdin(monkeypatch: pytest.MonkeyPatch) -> Any:
    """Replace stdin with text; `isatty` answers as asked."""

    def feed(text: str, *, tty: bool = False) -> None:
        stream = io.StringIO(text)
        stream.isatty = lambda: tty  # type: ignore[method-assign]
        monkeypatch.setattr(sys, "stdin", stream)

    return feed


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_writes_a_private_profile_from_stdin(cli: Cli, stdin: Any, config_file: Path) -> None:
    stdin(KEY + "\n")
    result = cli("configure", "--api-key-stdin", "--base-url", "http://127.0.0.1:8080/")
    assert result.code == 0, result.err
    assert mode(config_file) == 0o600
    assert mode(config_file.parent) == 0o700
    profile = tomllib.loads(config_file.read_text())["profiles"]["default"]
    assert profile == {"api_key": KEY, "base_url": "http://127.0.0.1:8080"}
    assert KEY not in result.out + result.err
    assert "sk_live_****" in result.out
    assert str(config_file) in result.out
    assert "agentplatform test-connection\n" in result.out


def test_the_file_is_created_0600_even_with_a_permissive_umask(
    cli: Cli, stdin: Any, config_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[tuple[str, int, int]] = []
    real_open = os.open

    def spy(path: Any, flags: int, mode: int = 0o777, **kwargs: Any) -> int:
        opened.append((str(path), flags, mode))
        return real_open(path, flags, mode, **kwargs)

    monkeypatch.setattr(os, "open", spy)
    old = os.umask(0)
    try:
        stdin(KEY)
        assert cli("configure", "--api-key-stdin").code == 0
    finally:
        os.umask(old)
    assert mode(config_file) == 0o600
    writes = [entry for entry in opened if entry[1] & os.O_CREAT]
    assert len(writes) == 1
    path, flags, created_mode = writes[0]
    assert Path(path).parent == config_file.parent
    assert flags & os.O_EXCL
    assert created_mode == 0o600
    assert [p.name for p in config_file.parent.iterdir()] == ["config.toml"]


def test_a_loose_existing_file_becomes_private(cli: Cli, stdin: Any, config_file: Path) -> None:
    config_file.parent.mkdir(parents=True)
    config_file.write_text('[profiles.other]\napi_key = "sk_other"\n')
    config_file.chmod(0o644)
    stdin(KEY)
    assert cli("configure", "--api-key-stdin", "--profile", "work").code == 0
    assert mode(config_file) == 0o600
    profiles = load_profiles(config_file)
    assert profiles == {"other": {"api_key": "sk_other"}, "work": {"api_key": KEY}}


def test_updates_keep_other_settings_and_profiles(cli: Cli, stdin: Any, config_file: Path) -> None:
    stdin(KEY)
    assert cli("configure", "--api-key-stdin", "--timeout", "5", "--tenant-id", "t1").code == 0
    stdin("sk_second_key_0000")
    result = cli("configure", "--api-key-stdin", "--max-retries", "4", "--workspace-id", "w 1")
    assert result.code == 2
    assert "workspace_id" in result.err
    stdin("sk_second_key_0000")
    result = cli("configure", "--api-key-stdin", "--max-retries", "4", "--workspace-id", "w1")
    assert result.code == 0
    assert load_profiles(config_file)["default"] == {
        "api_key": "sk_second_key_0000",
        "timeout": 5.0,
        "max_retries": 4,
        "tenant_id": "t1",
        "workspace_id": "w1",
    }
    for line in ("  timeout: 5.0", "  max_retries: 4", "  tenant_id: t1", "  workspace_id: w1"):
        assert line in result.out


def test_interactive_prompt_is_hidden_and_enter_keeps_the_key(
    cli: Cli, stdin: Any, config_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    prompts: list[str] = []
    answers = iter([KEY, ""])

    def fake_getpass(prompt: str) -> str:
        prompts.append(prompt)
        return next(answers)

    monkeypatch.setattr("getpass.getpass", fake_getpass)
    stdin("", tty=True)
    assert cli("configure", "--profile", "dev").code == 0
    result = cli("configure", "--profile", "dev", "--base-url", "http://127.0.0.1:1")
    assert result.code == 0
    assert prompts == [
        "API key (input hidden): ",
        "API key (input hidden) [Enter keeps sk_live_****]: ",
    ]
    assert load_profiles(config_file)["dev"] == {"api_key": KEY, "base_url": "http://127.0.0.1:1"}
    assert "--profile dev" in result.out
    assert KEY not in result.out + result.err


def test_interactive_empty_key_without_a_stored_one_is_refused(
    cli: Cli, stdin: Any, config_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("getpass.getpass", lambda prompt: "  ")
    stdin("", tty=True)
    result = cli("configure")
    assert (result.code, result.err) == (2, "agentplatform: error: No API key entered.\n")
    assert not config_file.exists()


def test_no_terminal_and_no_stdin_flag_is_a_usage_error(
    cli: Cli, stdin: Any, config_file: Path
) -> None:
    stdin(KEY)
    result = cli("configure")
    assert result.code == 2
    assert "--api-key-stdin" in result.err
    assert KEY not in result.err
    assert not config_file.exists()


def test_empty_stdin_is_a_usage_error(cli: Cli, stdin: Any, config_file: Path) -> None:
    stdin("\n")
    result = cli("configure", "--api-key-stdin")
    assert result.code == 2
    assert "stdin holds no API key" in result.err
    assert not config_file.exists()


@pytest.mark.parametrize(
    ("args", "key", "fragment"),
    [
        (["--base-url", "ftp://x"], KEY, "base_url"),
        ([], "sk with space", "whitespace"),
        (["--tenant-id", "a b"], KEY, "tenant_id"),
    ],
)
def test_invalid_settings_are_refused_before_writing(
    cli: Cli, stdin: Any, config_file: Path, args: list[str], key: str, fragment: str
) -> None:
    stdin(key)
    result = cli("configure", "--api-key-stdin", *args)
    assert result.code == 2
    assert fragment in result.err
    assert key not in result.err
    assert not config_file.exists()


def test_an_invalid_existing_file_is_reported_not_overwritten(
    cli: Cli, stdin: Any, config_file: Path
) -> None:
    config_file.parent.mkdir(parents=True)
    config_file.write_text("not = [toml")
    stdin(KEY)
    result = cli("configure", "--api-key-stdin")
    assert result.code == 2
    assert "not valid TOML" in result.err
    assert config_file.read_text() == "not = [toml"


def test_the_profile_named_by_the_environment(
    cli: Cli, stdin: Any, config_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AGENTPLATFORM_PROFILE", "staging")
    stdin(KEY)
    result = cli("configure", "--api-key-stdin")
    assert result.code == 0
    assert list(load_profiles(config_file)) == ["staging"]
    assert "--profile staging" in result.out


def test_warns_when_the_environment_key_wins(
    cli: Cli, stdin: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AGENTPLATFORM_API_KEY", "sk_env_key_000")
    stdin(KEY)
    result = cli("configure", "--api-key-stdin")
    assert result.code == 0
    assert result.err == (
        "agentplatform: warning: AGENTPLATFORM_API_KEY is set and takes precedence "
        "over the profile's key.\n"
    )


def test_an_unwritable_location_is_a_configuration_error(
    cli: Cli, stdin: Any, config_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(path: Any, flags: int, mode: int = 0o777) -> int:
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(os, "open", refuse)
    stdin(KEY)
    result = cli("configure", "--api-key-stdin")
    assert result.code == 2
    assert result.err == (
        f"agentplatform: error: Cannot write config file {config_file}: Permission denied.\n"
    )


def test_a_failed_rename_leaves_no_temporary_file(
    cli: Cli, stdin: Any, config_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def failing_replace(src: Any, dst: Any) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", failing_replace)
    stdin(KEY)
    result = cli("configure", "--api-key-stdin")
    assert result.code == 2
    assert "No space left on device" in result.err
    assert list(config_file.parent.iterdir()) == []


def test_profile_names_and_values_that_need_quoting_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    values = {"api_key": 'sk_"quoted"\\', "base_url": "http://h", "timeout": 2.5, "max_retries": 0}
    _profiles.save_profile(path, "team one/ä", values)
    assert load_profiles(path) == {"team one/ä": values}


@given(st.text())
def test_toml_strings_round_trip(text: str) -> None:
    parsed = tomllib.loads(f"value = {_profiles.toml_string(text)}\n")
    assert parsed["value"] == text


@pytest.mark.parametrize(("value", "toml"), [(True, "true"), (False, "false"), (3, "3")])
def test_toml_values(value: object, toml: str) -> None:
    assert _profiles.toml_value(value) == toml


def test_loose_permissions(tmp_path: Path) -> None:
    path = tmp_path / "f"
    assert not _profiles.loose_permissions(path)
    path.write_text("")
    path.chmod(0o600)
    assert not _profiles.loose_permissions(path)
    path.chmod(0o640)
    assert _profiles.loose_permissions(path)


def test_the_key_as_an_argument_is_accepted_with_a_warning(
    cli: Cli, stdin: Any, config_file: Path
) -> None:
    stdin("", tty=False)  # no prompt is needed
    result = cli("configure", "--api-key", KEY, "--profile", "ci")
    assert result.code == 0, result.err
    assert load_profiles(config_file)["ci"] == {"api_key": KEY}
    assert result.err.startswith("agentplatform: warning: --api-key puts the key in your shell")
    assert "--api-key-stdin" in result.err
    assert KEY not in result.out + result.err
    assert "sk_live_****" in result.out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--api-key", KEY, "--api-key-stdin"), "not both"),
        (("--api-key", "  "), "empty key"),
        (("--api-key", "sk bad"), "whitespace"),
    ],
)
def test_bad_uses_of_the_key_argument(
    cli: Cli, stdin: Any, config_file: Path, args: tuple[str, ...], message: str
) -> None:
    stdin(KEY + "\n")
    result = cli("configure", *args)
    assert result.code == 2
    assert message in result.err
    assert not config_file.exists()
    assert KEY not in result.err


def test_configure_ignores_a_broken_file_elsewhere(
    cli: Cli, stdin: Any, config_file: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # the values are checked on their own, never against the user's real config dir
    monkeypatch.setattr("agentplatform._config.config_dir", lambda: tmp_path / "real")
    (tmp_path / "real").mkdir()
    (tmp_path / "real" / "config.toml").write_text("[broken\n")
    stdin(KEY + "\n")
    result = cli("configure", "--api-key-stdin")
    assert result.code == 0, result.err
