"""`agentplatform configure`: store an API key and settings in a profile."""

from __future__ import annotations

import getpass
import os
import sys
from pathlib import Path
from typing import Any

from .._config import (
    DEFAULT_PROFILE,
    ENV_API_KEY,
    ENV_PROFILE,
    config_file_path,
    load_profiles,
    resolve_settings,
)
from . import EXIT_OK, EXIT_USAGE
from ._failures import Failure
from ._output import mask, warning
from ._profiles import save_profile


def read_key(*, from_stdin: bool, existing: str | None, given: str | None = None) -> str | None:
    """The API key: `given` (from `--api-key`), a line of stdin, or a hidden prompt
    (Enter keeps `existing`)."""
    if given is not None:
        if from_stdin:
            raise Failure(
                "Give the API key with --api-key or --api-key-stdin, not both.", EXIT_USAGE
            )
        warning(
            "--api-key puts the key in your shell history (and, while this runs, in the "
            "process list); the prompt or --api-key-stdin keep it out."
        )
        if not given.strip():
            raise Failure("--api-key was given an empty key.", EXIT_USAGE)
        return given.strip()
    if from_stdin:
        key = sys.stdin.readline().strip()
        if not key:
            raise Failure("--api-key-stdin was given but stdin holds no API key.", EXIT_USAGE)
        return key
    if not sys.stdin.isatty():
        raise Failure(
            "No terminal to ask for the API key: pipe it in with --api-key-stdin "
            "(e.g. `printenv MY_KEY | agentplatform configure --api-key-stdin`).",
            EXIT_USAGE,
        )
    hint = f" [Enter keeps {mask(existing)}]" if existing else ""
    key = getpass.getpass(f"API key (input hidden){hint}: ").strip()
    if key:
        return key
    if existing:
        return None
    raise Failure("No API key entered.", EXIT_USAGE)


def configure(
    *,
    profile: str | None,
    base_url: str | None,
    timeout: float | None,
    max_retries: int | None,
    tenant_id: str | None,
    workspace_id: str | None,
    api_key_stdin: bool,
    api_key: str | None = None,
) -> int:
    """Write (or update) a profile; the key is validated but never shown."""
    name = profile or os.environ.get(ENV_PROFILE, "").strip() or DEFAULT_PROFILE
    path = config_file_path()
    existing: dict[str, Any] = dict(load_profiles(path).get(name, {}))
    key = read_key(from_stdin=api_key_stdin, existing=existing.get("api_key"), given=api_key)
    changes: dict[str, Any] = {
        "api_key": key,
        "base_url": base_url,
        "timeout": timeout,
        "max_retries": max_retries,
        "tenant_id": tenant_id,
        "workspace_id": workspace_id,
    }
    merged = {**existing, **{k: v for k, v in changes.items() if v is not None}}
    checked = resolve_settings(
        api_key=merged["api_key"],
        base_url=merged.get("base_url"),
        timeout=merged.get("timeout"),
        max_retries=merged.get("max_retries"),
        tenant_id=merged.get("tenant_id"),
        workspace_id=merged.get("workspace_id"),
        env={},
        config_file=Path(os.devnull),  # check these values only
    )
    if "base_url" in merged:
        changes["base_url"] = checked.base_url
    saved = save_profile(path, name, changes)
    print(f"Saved profile {name!r} to {path} (readable only by you).")
    print(f"  api_key: {mask(saved['api_key'])}")
    for key_name, value in saved.items():
        if key_name != "api_key":
            print(f"  {key_name}: {value}")
    flag = "" if name == DEFAULT_PROFILE else f" --profile {name}"
    print(f"Check it with: agentplatform test-connection{flag}")
    if os.environ.get(ENV_API_KEY, "").strip():
        warning(f"{ENV_API_KEY} is set and takes precedence over the profile's key.")
    return EXIT_OK
