"""Resolve settings like the client does, and say where each value came from."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs

from .._config import (
    DEFAULT_PROFILE,
    ENV_API_KEY,
    ENV_BASE_URL,
    ENV_MAX_RETRIES,
    ENV_PROFILE,
    ENV_TIMEOUT,
    Settings,
    config_file_path,
    load_profiles,
    resolve_settings,
)

SETTINGS = ("api_key", "base_url", "timeout", "max_retries", "tenant_id", "workspace_id")
_ENV_NAMES = {
    "api_key": ENV_API_KEY,
    "base_url": ENV_BASE_URL,
    "timeout": ENV_TIMEOUT,
    "max_retries": ENV_MAX_RETRIES,
}


@attrs.frozen
class Resolved:
    """Resolved settings, the source of each, and the config file consulted."""

    settings: Settings
    sources: Mapping[str, str]
    profile_source: str
    config_file: Path

    def public(self) -> dict[str, Any]:
        """Every setting with its source; the API key's value is never included."""
        rows: dict[str, Any] = {}
        for name in SETTINGS:
            value = None if name == "api_key" else getattr(self.settings, name)
            rows[name] = {"value": value, "source": self.sources[name]}
        rows["api_key"]["set"] = True
        return rows


def resolve(
    *,
    profile: str | None = None,
    base_url: str | None = None,
    env: Mapping[str, str] | None = None,
) -> Resolved:
    """Resolve as `Client(profile=..., base_url=...)` would, recording each source.

    Raises:
        ConfigurationError: what the client would raise for the same settings.
    """
    env = os.environ if env is None else env
    path = config_file_path(env)
    settings = resolve_settings(profile=profile, base_url=base_url, env=env, config_file=path)
    from_profile: Mapping[str, Any] = {}
    if settings.profile is not None:
        from_profile = load_profiles(path).get(settings.profile, {})
    given = {"base_url": base_url}
    sources = {}
    for name in SETTINGS:
        env_name = _ENV_NAMES.get(name)
        if given.get(name) is not None:
            sources[name] = f"--{name.replace('_', '-')}"
        elif env_name and env.get(env_name, "").strip():
            sources[name] = f"env {env_name}"
        elif from_profile.get(name) is not None:
            sources[name] = f"profile {settings.profile!r}"
        elif name in ("tenant_id", "workspace_id"):
            sources[name] = "not set"
        else:
            sources[name] = "default"
    if profile is not None:
        profile_source = "--profile"
    elif env.get(ENV_PROFILE, "").strip():
        profile_source = f"env {ENV_PROFILE}"
    elif settings.profile is not None:
        profile_source = f"default ({DEFAULT_PROFILE!r})"
    else:
        profile_source = "none (not needed)"
    return Resolved(
        settings=settings, sources=sources, profile_source=profile_source, config_file=path
    )
