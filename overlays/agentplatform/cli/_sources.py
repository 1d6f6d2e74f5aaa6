"""Resolve settings like the client does, and say where each value came from."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from .._config import DEFAULT, DEFAULT_PROFILE, NOT_SET, Origin, Resolution, gather
from ._output import mask

SETTINGS = ("api_key", "base_url", "timeout", "max_retries", "tenant_id", "workspace_id")
_FLAGS = {
    "base_url": Origin("--base-url", "--base-url"),
    "profile": Origin("--profile", "--profile"),
}


def resolve(
    *,
    profile: str | None = None,
    base_url: str | None = None,
    env: Mapping[str, str] | None = None,
) -> Resolution:
    """Resolve as `Client(profile=..., base_url=...)` would, recording each source and
    every problem (never raises)."""
    return gather(
        profile=profile,
        base_url=base_url,
        env=os.environ if env is None else env,
        flags=_FLAGS,
    )


def profile_source(resolution: Resolution) -> str:
    """How the profile was chosen: a flag, an environment variable, the default, or not at all."""
    origin = resolution.profile_origin
    if origin == DEFAULT:
        return f"default ({DEFAULT_PROFILE!r})"
    if origin == NOT_SET:
        return "none (not needed)"
    return origin.label


def public(resolution: Resolution) -> dict[str, Any]:
    """Every setting with its source, and its problem when bad; the API key only masked."""
    rows: dict[str, Any] = {}
    for name in SETTINGS:
        value = resolution.values.get(name)
        row: dict[str, Any] = {
            "value": mask(value) if name == "api_key" and value else value,
            "source": resolution.origins[name].label,
        }
        if name in resolution.problems:
            row["problem"] = resolution.problems[name]
        rows[name] = row
    return rows
