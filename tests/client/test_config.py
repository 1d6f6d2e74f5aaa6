"""Settings: arguments beat environment variables, which beat the config file's profile."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import agentplatform as ap
import pytest
from agentplatform import _config
from agentplatform.errors import ConfigurationError

from ._support import API_KEY

PROFILE_FILE = """
[profiles.default]
api_key = "sk-from-profile-default"
base_url = "http://127.0.0.1:9001"
timeout = 12
max_retries = 4
tenant_id = "t_default"
workspace_id = "ws_default"

[profiles.staging]
api_key = "sk-from-profile-staging"
base_url = "https://staging.example.com/"
timeout = 7.5
max_retries = 0
"""


@pytest.fixture
def config_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(PROFILE_FILE, encoding="utf-8")
    monkeypatch.setenv("AGENTPLATFORM_CONFIG_FILE", str(path))
    return path


def bare(make_client: Any, **options: Any) -> Any:
    """A client whose key and URL come only from what the test sets up."""
    options.setdefault("api_key", None)
    options.setdefault("base_url", None)
    return make_client(**options)


def test_defaults_when_only_a_key_is_given(make_client: Any) -> None:
    settings = bare(make_client, api_key=API_KEY).settings
    assert settings.base_url == "https://api.agentplatform.dev"
    assert settings.timeout == 60.0
    assert settings.max_retries == 2
    assert settings.tenant_id is None
    assert settings.workspace_id is None


@pytest.mark.usefixtures("config_file")
def test_default_profile_supplies_every_setting(make_client: Any) -> None:
    client = bare(make_client)
    settings = client.settings
    assert client.api_key == "sk-from-profile-default"
    assert settings.base_url == "http://127.0.0.1:9001"
    assert settings.timeout == 12.0
    assert settings.max_retries == 4
    assert settings.tenant_id == "t_default"
    assert settings.workspace_id == "ws_default"
    assert settings.profile == "default"


@pytest.mark.usefixtures("config_file")
def test_environment_beats_profile_setting_by_setting(
    make_client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AGENTPLATFORM_API_KEY", "sk-from-env")
    monkeypatch.setenv("AGENTPLATFORM_TIMEOUT", "3.5")
    client = bare(make_client)
    assert client.api_key == "sk-from-env"
    assert client.settings.timeout == 3.5
    # Settings the environment does not give still come from the profile.
    assert client.base_url == "http://127.0.0.1:9001"
    assert client.settings.max_retries == 4
    assert client.settings.tenant_id == "t_default"


@pytest.mark.usefixtures("config_file")
def test_arguments_beat_environment(make_client: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AGENTPLATFORM_API_KEY", "sk-from-env")
    monkeypatch.setenv("AGENTPLATFORM_BASE_URL", "http://env.example.com")
    monkeypatch.setenv("AGENTPLATFORM_TIMEOUT", "3")
    monkeypatch.setenv("AGENTPLATFORM_MAX_RETRIES", "1")
    client = bare(
        make_client,
        api_key="sk-from-arg",
        base_url="http://arg.example.com",
        timeout=9,
        max_retries=5,
        tenant_id="t_arg",
    )
    assert client.api_key == "sk-from-arg"
    assert client.base_url == "http://arg.example.com"
    assert client.settings.timeout == 9.0
    assert client.settings.max_retries == 5
    assert client.settings.tenant_id == "t_arg"


def test_environment_alone(make_client: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AGENTPLATFORM_API_KEY", "sk-from-env")
    monkeypatch.setenv("AGENTPLATFORM_BASE_URL", "http://env.example.com:8080/")
    monkeypatch.setenv("AGENTPLATFORM_TIMEOUT", " 2.5 ")
    monkeypatch.setenv("AGENTPLATFORM_MAX_RETRIES", "0")
    client = bare(make_client)
    assert client.api_key == "sk-from-env"
    assert client.base_url == "http://env.example.com:8080"
    assert client.settings.timeout == 2.5
    assert client.settings.max_retries == 0


@pytest.mark.usefixtures("config_file")
def test_profile_chosen_by_environment(make_client: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AGENTPLATFORM_PROFILE", "staging")
    client = bare(make_client)
    assert client.api_key == "sk-from-profile-staging"
    assert client.base_url == "https://staging.example.com"
    assert client.settings.max_retries == 0
    assert client.settings.profile == "staging"
    assert client.settings.tenant_id is None


@pytest.mark.usefixtures("config_file")
def test_profile_argument_beats_profile_environment(
    make_client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AGENTPLATFORM_PROFILE", "nope")
    client = bare(make_client, profile="staging")
    assert client.api_key == "sk-from-profile-staging"


def test_config_file_argument(make_client: Any, tmp_path: Path) -> None:
    path = tmp_path / "other.toml"
    path.write_text(PROFILE_FILE, encoding="utf-8")
    client = bare(make_client, config_file=path, profile="staging")
    assert client.api_key == "sk-from-profile-staging"


def test_config_file_in_the_user_config_dir(
    make_client: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("AGENTPLATFORM_CONFIG_FILE")
    monkeypatch.setattr(_config, "config_dir", lambda: tmp_path)
    (tmp_path / "config.toml").write_text(PROFILE_FILE, encoding="utf-8")
    assert bare(make_client).api_key == "sk-from-profile-default"


def test_config_dir_follows_platformdirs(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    assert _config.config_dir() == tmp_path / "agentplatform"
    assert _config._fallback_config_dir() == tmp_path / "agentplatform"
    assert _config.config_file_path({}) == tmp_path / "agentplatform" / "config.toml"


@pytest.mark.usefixtures("config_file")
def test_unknown_profile_names_the_known_ones(make_client: Any) -> None:
    with pytest.raises(ConfigurationError) as info:
        bare(make_client, profile="prod")
    message = str(info.value)
    assert "'prod' not found" in message
    assert "default, staging" in message
    assert "agentplatform configure --profile" in message
    assert "sk-from-profile" not in message


def test_missing_key_says_what_to_do(make_client: Any) -> None:
    with pytest.raises(ConfigurationError) as info:
        bare(make_client)
    message = str(info.value)
    assert "api_key=" in message
    assert "AGENTPLATFORM_API_KEY" in message
    assert "agentplatform configure" in message


def test_missing_profile_file_with_named_profile(make_client: Any) -> None:
    with pytest.raises(ConfigurationError, match=r"profiles there: none"):
        bare(make_client, api_key=API_KEY, profile="staging")


BAD_ARGUMENTS: list[tuple[str, Any, str]] = [
    ("timeout", "abc", "timeout must be a number"),
    ("timeout", 0, "timeout must be a positive number"),
    ("timeout", -1.5, "timeout must be a positive number"),
    ("timeout", float("nan"), "timeout must be a positive number"),
    ("timeout", float("inf"), "timeout must be a positive number"),
    ("timeout", True, "timeout must be a number"),
    ("timeout", [1], "timeout must be a number"),
    ("max_retries", -1, "max_retries must be a whole number"),
    ("max_retries", 2.5, "max_retries must be a whole number"),
    ("max_retries", "x", "max_retries must be a whole number"),
    ("max_retries", True, "max_retries must be a whole number"),
    ("max_retries", object(), "max_retries must be a whole number"),
    ("base_url", "ftp://example.com", "not an http(s) URL"),
    ("base_url", "example.com", "not an http(s) URL"),
    ("base_url", "http://", "not an http(s) URL"),
    ("base_url", "http://example.com/?q=1", "must not have a query"),
    ("base_url", "http://example.com/#frag", "must not have a query"),
    ("base_url", "", "base_url must not be empty"),
    ("base_url", "   ", "base_url must not be empty"),
    ("base_url", 8080, "base_url must be a string"),
    ("tenant_id", "", "tenant_id must be"),
    ("tenant_id", "a b", "tenant_id must be"),
    ("tenant_id", 7, "tenant_id must be"),
    ("workspace_id", " ", "workspace_id must be"),
    ("traceparent", "not-a-traceparent", "traceparent must be"),
    ("traceparent", 5, "traceparent must be"),
    ("default_headers", {"X-API-Key": "other"}, "default_headers: may not set"),
    ("default_headers", {"host": "evil"}, "default_headers: may not set"),
    ("default_headers", {"X-Ok": 5}, "default_headers"),
    ("default_headers", "X-Ok: 1", "default_headers: must be a mapping"),
    ("before_request", "not callable", "Hooks must be callables"),
    ("on_error", [print, 3], "Hooks must be callables"),
]


@pytest.mark.parametrize(("name", "value", "fragment"), BAD_ARGUMENTS)
def test_bad_argument_is_a_configuration_error(
    make_client: Any, name: str, value: Any, fragment: str
) -> None:
    with pytest.raises(ConfigurationError) as info:
        make_client(**{name: value})
    message = str(info.value)
    assert fragment in message
    assert API_KEY not in message


@pytest.mark.parametrize(
    "api_key", ["", "   ", "sk live", "sk-\n", "sk-\x00", 42, b"sk-bytes"], ids=repr
)
def test_bad_api_key_is_refused_without_echoing_it(make_client: Any, api_key: Any) -> None:
    with pytest.raises(ConfigurationError) as info:
        make_client(api_key=api_key)
    message = str(info.value)
    assert "API key" in message
    if isinstance(api_key, str) and api_key.strip():
        assert api_key.strip() not in message


BAD_ENVIRONMENT = [
    ("AGENTPLATFORM_TIMEOUT", "soon"),
    ("AGENTPLATFORM_TIMEOUT", "-3"),
    ("AGENTPLATFORM_TIMEOUT", "nan"),
    ("AGENTPLATFORM_MAX_RETRIES", "-1"),
    ("AGENTPLATFORM_MAX_RETRIES", "2.5"),
    ("AGENTPLATFORM_MAX_RETRIES", "many"),
    ("AGENTPLATFORM_BASE_URL", "localhost:8080"),
    ("AGENTPLATFORM_PROFILE", "ghost"),
    ("AGENTPLATFORM_LOG", "verbose"),
]


@pytest.mark.parametrize(("variable", "value"), BAD_ENVIRONMENT)
def test_bad_environment_variable(
    make_client: Any, monkeypatch: pytest.MonkeyPatch, variable: str, value: str
) -> None:
    monkeypatch.setenv("AGENTPLATFORM_API_KEY", API_KEY)
    monkeypatch.setenv(variable, value)
    with pytest.raises(ConfigurationError) as info:
        bare(make_client)
    assert API_KEY not in str(info.value)


def test_whitespace_only_environment_is_unset(
    make_client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AGENTPLATFORM_API_KEY", API_KEY)
    monkeypatch.setenv("AGENTPLATFORM_TIMEOUT", "  ")
    monkeypatch.setenv("AGENTPLATFORM_BASE_URL", "")
    client = bare(make_client)
    assert client.settings.timeout == 60.0
    assert client.base_url == "https://api.agentplatform.dev"


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("[profiles.default\napi_key = 'x'", "not valid TOML"),
        ("profiles = 3", "expected tables"),
        ("[profiles]\ndefault = 3", "expected tables"),
        ("[profiles.default]\napi_kee = 'x'", "unknown setting(s) api_kee"),
        (f"[profiles.default]\napi_key = '{API_KEY}'\ntimeout = 'soon'", "timeout"),
        (f"[profiles.default]\napi_key = '{API_KEY}'\nmax_retries = -2", "max_retries"),
        (f"[profiles.default]\napi_key = '{API_KEY}'\nbase_url = 'nope'", "base_url"),
        ("[profiles.default]\napi_key = 12", "API key"),
        ("[profiles.default]\napi_key = ''", "API key"),
    ],
)
def test_bad_config_file(
    make_client: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, content: str, expected: str
) -> None:
    path = tmp_path / "config.toml"
    path.write_text(content, encoding="utf-8")
    monkeypatch.setenv("AGENTPLATFORM_CONFIG_FILE", str(path))
    with pytest.raises(ConfigurationError) as info:
        bare(make_client)
    assert expected in str(info.value)
    assert API_KEY not in str(info.value)


def test_unreadable_config_file(
    make_client: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AGENTPLATFORM_CONFIG_FILE", str(tmp_path))  # a folder
    with pytest.raises(ConfigurationError, match="Cannot read config file"):
        bare(make_client)
    (tmp_path / "bin.toml").write_bytes(b"\xff\xfe\x00")
    monkeypatch.setenv("AGENTPLATFORM_CONFIG_FILE", str(tmp_path / "bin.toml"))
    with pytest.raises(ConfigurationError, match="Cannot read config file"):
        bare(make_client)


def test_unknown_option_is_refused(make_client: Any) -> None:
    with pytest.raises(ConfigurationError, match=r"Unknown client option\(s\): max_retry"):
        make_client(max_retry=3)


def test_settings_and_client_reprs_hide_the_key(make_client: Any) -> None:
    client = make_client()
    for text in (repr(client), str(client), repr(client.settings), repr(client._setup)):
        assert API_KEY not in text
    assert "api_key=<hidden>" in repr(client)
    assert client.api_key == API_KEY


def test_settings_objects_are_plain_values() -> None:
    a = _config.resolve_settings(api_key=API_KEY, env={})
    b = _config.resolve_settings(api_key=API_KEY, env={})
    assert a == b
    assert isinstance(a, _config.Settings)
    assert a.profile is None


def test_client_class_is_the_right_one(client: Any, mode: str) -> None:
    assert isinstance(client, ap.Client if mode == "sync" else ap.AsyncClient)


# A broken config file fails only the clients that need it ------------------------------

BROKEN_TOML = '[profiles.default]\napi_key = "sk-x"\ntimeout = = 3\n'


@pytest.fixture
def broken_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(BROKEN_TOML, encoding="utf-8")
    monkeypatch.setenv("AGENTPLATFORM_CONFIG_FILE", str(path))
    return path


def test_a_broken_file_is_skipped_when_key_and_url_are_given(
    make_client: Any, broken_file: Path, caplog: pytest.LogCaptureFixture
) -> None:
    client = make_client()  # api_key and base_url as arguments
    assert client.settings.timeout == 60.0
    assert client.settings.profile is None
    (record,) = [r for r in caplog.records if r.name == "agentplatform"]
    assert record.levelname == "WARNING"
    assert str(broken_file) in record.getMessage()
    assert "line 3" in record.getMessage()
    assert "skipped" in record.getMessage()


def test_a_broken_file_is_skipped_when_key_and_url_come_from_the_environment(
    make_client: Any, broken_file: Path, monkeypatch: pytest.MonkeyPatch, base_url: str
) -> None:
    monkeypatch.setenv("AGENTPLATFORM_API_KEY", API_KEY)
    monkeypatch.setenv("AGENTPLATFORM_BASE_URL", base_url)
    assert bare(make_client).api_key == API_KEY


def test_a_broken_file_that_is_needed_names_the_file_and_line(
    make_client: Any, broken_file: Path
) -> None:
    with pytest.raises(ConfigurationError) as info:
        bare(make_client)  # the key must come from the file
    message = str(info.value)
    assert f"Config file {broken_file} is not valid TOML at line 3, column " in message
    with pytest.raises(ConfigurationError, match="line 3"):
        make_client(profile="default")  # a named profile needs the file
    with pytest.raises(ConfigurationError, match="line 3"):
        bare(make_client, api_key=API_KEY)  # the base URL may come from the file


def test_only_the_profile_in_use_is_checked(
    make_client: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "config.toml"
    path.write_text(
        f'[profiles.default]\napi_key = "{API_KEY}"\n\n[profiles.old]\napi_kee = "x"\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("AGENTPLATFORM_CONFIG_FILE", str(path))
    assert bare(make_client).api_key == API_KEY
    with pytest.raises(ConfigurationError, match=r"profile 'old': unknown setting\(s\) api_kee"):
        bare(make_client, profile="old")


def test_bad_values_name_their_source(
    make_client: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(ConfigurationError, match=r"\(from the timeout argument\)"):
        make_client(timeout=-1)
    monkeypatch.setenv("AGENTPLATFORM_MAX_RETRIES", "many")
    with pytest.raises(
        ConfigurationError, match=r"\(from environment variable AGENTPLATFORM_MAX_RETRIES\)"
    ):
        make_client()
    monkeypatch.delenv("AGENTPLATFORM_MAX_RETRIES")
    path = tmp_path / "config.toml"
    path.write_text('[profiles.ci]\ntimeout = "soon"\n', encoding="utf-8")
    with pytest.raises(ConfigurationError) as info:
        make_client(profile="ci", config_file=path)
    assert f"got 'soon' (from profile 'ci' of {path})" in str(info.value)
    monkeypatch.setenv("AGENTPLATFORM_PROFILE", "ghost")
    with pytest.raises(ConfigurationError, match="named by environment variable"):
        make_client(config_file=path)


@pytest.mark.parametrize(
    ("url", "fixed"),
    [
        ("http://127.0.0.1:8080/v1", "http://127.0.0.1:8080"),
        ("http://127.0.0.1:8080/v1/", "http://127.0.0.1:8080"),
        ("https://gw.example.com/agents/V1", "https://gw.example.com/agents"),
    ],
)
def test_a_base_url_ending_in_v1_says_to_drop_it(make_client: Any, url: str, fixed: str) -> None:
    with pytest.raises(ConfigurationError) as info:
        make_client(base_url=url)
    message = str(info.value)
    assert "ends in /v1" in message
    assert "/v1/v1/" in message
    assert f"drop the /v1 and use {fixed!r}" in message


def test_a_base_url_with_another_path_prefix_is_kept(make_client: Any) -> None:
    client = make_client(base_url="https://gw.example.com/agents/v1beta/")
    assert client.base_url == "https://gw.example.com/agents/v1beta"


def test_gather_reports_every_problem_and_every_good_value(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('[profiles.default]\ntenant_id = "t 1"\nmax_retries = 3\n', encoding="utf-8")
    env = {"AGENTPLATFORM_TIMEOUT": "soon", "AGENTPLATFORM_API_KEY": API_KEY}
    resolution = _config.gather(base_url="http://h/v1", env=env, config_file=path)
    assert set(resolution.problems) == {"base_url", "timeout", "tenant_id"}
    assert resolution.values == {
        "api_key": API_KEY,
        "max_retries": 3,
        "workspace_id": None,
    }
    assert resolution.origins["max_retries"].label == "profile 'default'"
    assert resolution.origins["timeout"].label == "env AGENTPLATFORM_TIMEOUT"
    assert resolution.origins["base_url"].label == "argument"
    assert resolution.profile == "default"
    with pytest.raises(ConfigurationError, match="ends in /v1"):
        resolution.settings()
