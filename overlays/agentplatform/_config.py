"""Settings resolution: explicit arguments, then environment variables, then a profile file.

`gather` resolves every setting it can and records where each came from and what is
wrong, without raising (for `agentplatform validate-config`); `resolve` raises the first
problem. Every message names the source of the bad value: argument, environment
variable, or profile and file.
"""

from __future__ import annotations

import logging
import os
import re
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, TypedDict, Unpack

import attrs

from ._checks import (
    DEFAULT_BASE_URL,
    DEFAULT_MAX_RETRIES,
    DEFAULT_TIMEOUT,
    check_api_key,
    check_base_url,
    check_max_retries,
    check_optional_id,
    check_timeout,
)
from .errors import ConfigurationError

__all__ = [
    "DEFAULT_BASE_URL",
    "DEFAULT_MAX_RETRIES",
    "DEFAULT_TIMEOUT",
    "Arguments",
    "Origin",
    "Resolution",
    "Settings",
    "check_api_key",
    "check_base_url",
    "check_max_retries",
    "check_optional_id",
    "check_timeout",
    "config_file_path",
    "gather",
    "load_profiles",
    "resolve",
    "resolve_settings",
]

DEFAULT_PROFILE = "default"

ENV_API_KEY = "AGENTPLATFORM_API_KEY"
ENV_BASE_URL = "AGENTPLATFORM_BASE_URL"
ENV_PROFILE = "AGENTPLATFORM_PROFILE"
ENV_TIMEOUT = "AGENTPLATFORM_TIMEOUT"
ENV_MAX_RETRIES = "AGENTPLATFORM_MAX_RETRIES"
ENV_CONFIG_FILE = "AGENTPLATFORM_CONFIG_FILE"

_DEFAULTS = ("base_url", "timeout", "max_retries")
_ENV_NAMES = {
    "api_key": ENV_API_KEY,
    "base_url": ENV_BASE_URL,
    "timeout": ENV_TIMEOUT,
    "max_retries": ENV_MAX_RETRIES,
}


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


class Arguments(TypedDict, total=False):
    """What a caller passes to `gather`/`resolve` (None means: not given)."""

    api_key: str | None
    base_url: str | None
    timeout: float | None
    max_retries: int | None
    tenant_id: str | None
    workspace_id: str | None
    profile: str | None
    env: Mapping[str, str] | None
    config_file: Path | None


@attrs.frozen
class Origin:
    """Where a setting's value came from: `label` for tables, `where` for messages."""

    label: str
    where: str


DEFAULT = Origin("default", "the default")
NOT_SET = Origin("not set", "nowhere")
NO_DEFAULT_PROFILE = Origin(
    f"none (needed, but the file has no {DEFAULT_PROFILE!r} profile)", "no profile"
)


def argument(name: str) -> Origin:
    """The origin of a value passed as the `name` argument."""
    return Origin("argument", f"the {name} argument")


def environment(variable: str) -> Origin:
    """The origin of a value read from an environment variable."""
    return Origin(f"env {variable}", f"environment variable {variable}")


def from_profile(name: str, path: Path) -> Origin:
    """The origin of a value read from a profile of a config file."""
    return Origin(f"profile {name!r}", f"profile {name!r} of {path}")


_TOML_POSITION = r"\s*\(at (line \d+, column \d+)\)\s*$"  # compiled when first needed


def load_profiles(path: Path) -> dict[str, dict[str, Any]]:
    """Read every profile of a config file; a missing file has none.

    Raises:
        ConfigurationError: the file cannot be read, is not TOML (the message names the
            line and column), or is not made of `[profiles.<name>]` tables.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigurationError(f"Cannot read config file {path}: {exc}") from None
    import tomllib  # only when there is a file to read

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        reason = str(exc)
        match = re.search(_TOML_POSITION, reason)
        at = f" at {match.group(1)}" if match else ""
        reason = reason[: match.start()] if match else reason
        raise ConfigurationError(
            f"Config file {path} is not valid TOML{at}: {reason}. "
            "Fix it, or point AGENTPLATFORM_CONFIG_FILE at another file."
        ) from None
    profiles = data.get("profiles", {})
    if not isinstance(profiles, dict) or not all(isinstance(p, dict) for p in profiles.values()):
        raise ConfigurationError(
            f"Config file {path}: expected tables [profiles.<name>], e.g. [profiles.default]."
        )
    return profiles


@attrs.frozen
class Resolution:
    """Every setting as far as it could be resolved, where each came from, and what is wrong.

    `values` holds the checked values (absent when a value is bad), `origins` the source of
    every setting, `problems` a message per bad setting (or per `profile`/`config_file`
    that could not be used); `ignored` says why an optional config file was skipped.
    """

    values: Mapping[str, Any]
    origins: Mapping[str, Origin]
    problems: Mapping[str, str]
    profile: str | None
    profile_origin: Origin
    config_file: Path
    ignored: str | None = None

    def settings(self) -> Settings:
        """The settings; raises `ConfigurationError` with the first problem."""
        if self.problems:
            raise ConfigurationError(next(iter(self.problems.values())))
        return Settings(**self.values, profile=self.profile)


class _Profile:
    """The profile a resolution reads: its settings, or why it could not be used."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.name: str | None = None
        self.settings: dict[str, Any] = {}
        self.problems: dict[str, str] = {}
        self.ignored: str | None = None
        self.needed = False

    def load(self, named: str | None, origin: Origin, *, needed: bool) -> None:
        """Read profile `named` (else the default one, if the file has it).

        A file that is not `needed` and cannot be read is skipped with a warning.
        """
        self.needed = needed
        try:
            profiles = load_profiles(self.path)
        except ConfigurationError as exc:
            profiles = {}
            if needed:
                self.problems["config_file"] = str(exc)
            else:
                self.ignored = f"{exc} It was skipped: api_key and base_url were given."
                logging.getLogger("agentplatform").warning("%s", self.ignored)
        name = named or DEFAULT_PROFILE
        if name in profiles:
            self.name, self.settings = name, profiles[name]
            unknown = sorted(set(self.settings) - set(_CHECKS))
            if unknown:
                self.problems["profile"] = (
                    f"Config file {self.path}, profile {name!r}: unknown setting(s) "
                    f"{', '.join(unknown)}; known: {', '.join(sorted(_CHECKS))}."
                )
        elif named is not None and not self.problems:
            known = ", ".join(sorted(profiles)) or "none"
            self.problems["profile"] = (
                f"Profile {named!r} not found in {self.path} (profiles there: {known}; "
                f"named by {origin.where}). "
                "Create it with `agentplatform configure --profile NAME`."
            )


def gather(*, flags: Mapping[str, Origin] | None = None, **given: Unpack[Arguments]) -> Resolution:
    """Resolve each setting from arguments, then environment, then the profile; never raise.

    The config file is read only when a setting is still missing. It is *needed* when a
    profile is named (argument or `AGENTPLATFORM_PROFILE`) or the API key or base URL must
    come from it: then a broken file is a problem. Otherwise a broken file is skipped with
    a warning, and only the profile in use is checked. `flags` renames the origin of
    given arguments (the command line says `--base-url`).
    """
    env = given.get("env")
    env = os.environ if env is None else env
    path = given.get("config_file") or config_file_path(env)
    named = flags or {}
    found: dict[str, tuple[Any, Origin]] = {}
    for name in _CHECKS:
        value, variable = given.get(name), _ENV_NAMES.get(name)
        if value is not None:
            found[name] = (value, named.get(name) or argument(name))
        elif variable is not None and _env(env, variable) is not None:
            found[name] = (_env(env, variable), environment(variable))
    profile_name = given.get("profile")
    profile_origin = named.get("profile") or argument("profile")
    if profile_name is None and _env(env, ENV_PROFILE) is not None:
        profile_name, profile_origin = _env(env, ENV_PROFILE), environment(ENV_PROFILE)
    chosen = _Profile(path)
    if profile_name is not None or len(found) < len(_CHECKS):
        needed = profile_name is not None or not {"api_key", "base_url"} <= set(found)
        chosen.load(profile_name, profile_origin, needed=needed)
    problems = chosen.problems
    values: dict[str, Any] = {}
    origins: dict[str, Origin] = {}
    for name, check in _CHECKS.items():
        if name in found:
            raw, origin = found[name]
        elif chosen.settings.get(name) is not None:
            raw, origin = chosen.settings[name], from_profile(str(chosen.name), path)
        else:
            raw, origin = None, DEFAULT if name in _DEFAULTS else NOT_SET
        origins[name] = origin
        try:
            values[name] = check(raw, origin.where)
        except ConfigurationError as exc:
            problems[name] = str(exc)
    if chosen.name is None and profile_name is None:
        profile_origin = NO_DEFAULT_PROFILE if chosen.needed else NOT_SET
    elif profile_name is None:
        profile_origin = DEFAULT
    return Resolution(
        values=values,
        origins=origins,
        problems=problems,
        profile=chosen.name or profile_name,
        profile_origin=profile_origin,
        config_file=path,
        ignored=chosen.ignored,
    )


def resolve_settings(**arguments: Unpack[Arguments]) -> Settings:
    """Resolve each setting from arguments, then environment, then the chosen profile.

    Raises:
        ConfigurationError: the first problem `gather` found, naming where the value came from.
    """
    return resolve(**arguments)[0]


def resolve(**arguments: Unpack[Arguments]) -> tuple[Settings, frozenset[str]]:
    """Like `resolve_settings`, also naming the settings that were configured, not defaulted."""
    resolution = gather(**arguments)
    settings = resolution.settings()
    configured = frozenset(
        name for name, origin in resolution.origins.items() if origin not in (DEFAULT, NOT_SET)
    )
    return settings, configured


def _env(env: Mapping[str, str], name: str) -> str | None:
    value = env.get(name, "").strip()
    return value or None


_CHECKS: dict[str, Callable[[Any, str], Any]] = {
    "api_key": check_api_key,
    "base_url": check_base_url,
    "timeout": check_timeout,
    "max_retries": check_max_retries,
    "tenant_id": lambda value, where: check_optional_id("tenant_id", value, where),
    "workspace_id": lambda value, where: check_optional_id("workspace_id", value, where),
}
