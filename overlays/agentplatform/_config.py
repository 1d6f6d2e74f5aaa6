"""Settings resolution: explicit arguments, then environment variables, then a profile file."""

from __future__ import annotations

import os
import sys
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import attrs

from .errors import ConfigurationError

DEFAULT_BASE_URL = "https://api.agentplatform.dev"
DEFAULT_TIMEOUT = 60.0
DEFAULT_MAX_RETRIES = 2
DEFAULT_PROFILE = "default"

ENV_API_KEY = "AGENTPLATFORM_API_KEY"
ENV_BASE_URL = "AGENTPLATFORM_BASE_URL"
ENV_PROFILE = "AGENTPLATFORM_PROFILE"
ENV_TIMEOUT = "AGENTPLATFORM_TIMEOUT"
ENV_MAX_RETRIES = "AGENTPLATFORM_MAX_RETRIES"
ENV_CONFIG_FILE = "AGENTPLATFORM_CONFIG_FILE"

_PROFILE_KEYS = frozenset(
    {"api_key", "base_url", "timeout", "max_retries", "tenant_id", "workspace_id"}
)


def config_dir() -> Path:
    """The per-user configuration folder (the same one platformdirs chooses)."""
    try:
        import platformdirs
    except ImportError:
        return _fallback_config_dir()
    return Path(platformdirs.user_config_dir("agentplatform", appauthor=False))


def _fallback_config_dir() -> Path:
    if sys.platform == "win32":
        return Path(os.environ.get("APPDATA", Path.home() / "AppData" / "Roaming")) / (
            "agentplatform"
        )
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Application Support" / "agentplatform"
    xdg = os.environ.get("XDG_CONFIG_HOME", "").strip()
    return (Path(xdg) if xdg else Path.home() / ".config") / "agentplatform"


def config_file_path(env: Mapping[str, str] | None = None) -> Path:
    """The profile file: `$AGENTPLATFORM_CONFIG_FILE`, else `config.toml` in `config_dir()`."""
    env = os.environ if env is None else env
    override = env.get(ENV_CONFIG_FILE, "").strip()
    return Path(override).expanduser() if override else config_dir() / "config.toml"


@attrs.frozen(kw_only=True)
class Settings:
    """Resolved client settings. The API key never appears in the repr."""

    api_key: str = attrs.field(repr=False)
    base_url: str
    timeout: float
    max_retries: int
    tenant_id: str | None = None
    workspace_id: str | None = None
    profile: str | None = None


def load_profiles(path: Path) -> dict[str, dict[str, Any]]:
    """Read every profile of a config file; a missing file has none."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigurationError(f"Cannot read config file {path}: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigurationError(f"Config file {path} is not valid TOML: {exc}") from None
    profiles = data.get("profiles", {})
    if not isinstance(profiles, dict) or not all(isinstance(p, dict) for p in profiles.values()):
        raise ConfigurationError(
            f"Config file {path}: expected tables [profiles.<name>], e.g. [profiles.default]."
        )
    for name, profile in profiles.items():
        unknown = sorted(set(profile) - _PROFILE_KEYS)
        if unknown:
            raise ConfigurationError(
                f"Config file {path}, profile {name!r}: unknown setting(s) {', '.join(unknown)}; "
                f"known: {', '.join(sorted(_PROFILE_KEYS))}."
            )
    return profiles


def resolve_settings(
    *,
    api_key: str | None = None,
    base_url: str | None = None,
    timeout: float | None = None,
    max_retries: int | None = None,
    tenant_id: str | None = None,
    workspace_id: str | None = None,
    profile: str | None = None,
    env: Mapping[str, str] | None = None,
    config_file: Path | None = None,
) -> Settings:
    """Resolve each setting from arguments, then environment, then the chosen profile.

    The profile file is read only when a setting is still missing or a profile was named.
    """
    settings, _ = resolve(
        api_key=api_key,
        base_url=base_url,
        timeout=timeout,
        max_retries=max_retries,
        tenant_id=tenant_id,
        workspace_id=workspace_id,
        profile=profile,
        env=env,
        config_file=config_file,
    )
    return settings


def resolve(
    *,
    api_key: str | None = None,
    base_url: str | None = None,
    timeout: float | None = None,
    max_retries: int | None = None,
    tenant_id: str | None = None,
    workspace_id: str | None = None,
    profile: str | None = None,
    env: Mapping[str, str] | None = None,
    config_file: Path | None = None,
) -> tuple[Settings, frozenset[str]]:
    """Like `resolve_settings`, also naming the settings that were configured, not defaulted."""
    env = os.environ if env is None else env
    profile_name = profile or _env(env, ENV_PROFILE)
    given = {
        "api_key": api_key if api_key is not None else _env(env, ENV_API_KEY),
        "base_url": base_url if base_url is not None else _env(env, ENV_BASE_URL),
        "timeout": timeout if timeout is not None else _env(env, ENV_TIMEOUT),
        "max_retries": max_retries if max_retries is not None else _env(env, ENV_MAX_RETRIES),
        "tenant_id": tenant_id,
        "workspace_id": workspace_id,
    }
    from_profile: dict[str, Any] = {}
    if profile_name is not None or any(value is None for value in given.values()):
        path = config_file or config_file_path(env)
        profiles = load_profiles(path)
        name = profile_name or DEFAULT_PROFILE
        if name in profiles:
            from_profile = profiles[name]
        elif profile_name is not None:
            known = ", ".join(sorted(profiles)) or "none"
            raise ConfigurationError(
                f"Profile {profile_name!r} not found in {path} (profiles there: {known}). "
                "Create it with `agentplatform configure --profile NAME`."
            )
        profile_name = name if from_profile else profile_name
    merged = {k: v if v is not None else from_profile.get(k) for k, v in given.items()}
    settings = Settings(
        api_key=_check_api_key(merged["api_key"]),
        base_url=DEFAULT_BASE_URL
        if merged["base_url"] is None
        else check_base_url(merged["base_url"]),
        timeout=check_timeout(merged["timeout"]),
        max_retries=check_max_retries(merged["max_retries"]),
        tenant_id=check_optional_id("tenant_id", merged["tenant_id"]),
        workspace_id=check_optional_id("workspace_id", merged["workspace_id"]),
        profile=profile_name,
    )
    return settings, frozenset(k for k, v in merged.items() if v is not None)


def _env(env: Mapping[str, str], name: str) -> str | None:
    value = env.get(name, "").strip()
    return value or None


def _check_api_key(value: object) -> str:
    if value is None:
        raise ConfigurationError(
            "No API key: pass api_key=..., set AGENTPLATFORM_API_KEY, "
            "or run `agentplatform configure` to store one in a profile."
        )
    if not isinstance(value, str) or not value.strip():
        raise ConfigurationError("The API key must be a non-empty string.")
    if any(c.isspace() or not c.isprintable() for c in value):
        raise ConfigurationError(
            "The API key contains whitespace or control characters; copy it again."
        )
    return value


def check_base_url(value: object) -> str:
    """A checked http(s) root URL, without a trailing slash."""
    if not isinstance(value, str):
        raise ConfigurationError(f"base_url must be a string, not {type(value).__name__}.")
    if not value.strip():
        raise ConfigurationError(
            f"base_url must not be empty; leave it out to use the default {DEFAULT_BASE_URL}."
        )
    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigurationError(
            f"base_url {value!r} is not an http(s) URL with a host, "
            "e.g. https://api.agentplatform.dev or http://127.0.0.1:8080."
        )
    if parts.query or parts.fragment:
        raise ConfigurationError(f"base_url {value!r} must not have a query or fragment.")
    return value.strip().rstrip("/")


def check_timeout(value: object) -> float:
    """Checked seconds (a positive finite number); None gives the default."""
    if value is None:
        return DEFAULT_TIMEOUT
    if isinstance(value, bool):
        raise ConfigurationError(f"timeout must be a number of seconds, got {value!r}.")
    try:
        timeout = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError, OverflowError):
        raise ConfigurationError(
            f"timeout must be a number of seconds, got {value!r} "
            f"(from the timeout argument, {ENV_TIMEOUT} or the profile)."
        ) from None
    if not timeout > 0 or timeout == float("inf"):
        raise ConfigurationError(f"timeout must be a positive number of seconds, got {value!r}.")
    return timeout


def check_max_retries(value: object) -> int:
    """A checked retry count (a whole number >= 0); None gives the default."""
    if value is None:
        return DEFAULT_MAX_RETRIES
    if isinstance(value, bool):
        raise ConfigurationError(f"max_retries must be a whole number >= 0, got {value!r}.")
    try:
        retries: int = int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError, OverflowError):
        retries = -1
    if retries < 0 or (isinstance(value, float) and not value.is_integer()):
        raise ConfigurationError(
            f"max_retries must be a whole number >= 0, got {value!r} "
            f"(from the max_retries argument, {ENV_MAX_RETRIES} or the profile)."
        )
    return retries


def check_optional_id(name: str, value: object) -> str | None:
    """A checked optional id: None, or a non-empty string without spaces."""
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip() or any(c.isspace() for c in value):
        raise ConfigurationError(f"{name} must be a non-empty string without spaces.")
    return value
