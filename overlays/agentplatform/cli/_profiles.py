"""Write profiles to the config file: TOML, private (mode 0600) from the first byte.

The file is rewritten whole through a temporary file created with mode 0600 and then
renamed over the old one, so it is never readable by others, not even briefly, and a
crash never leaves half a file. Other profiles are kept; comments are not.
"""

from __future__ import annotations

import contextlib
import os
import re
import stat
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .._config import load_profiles
from ..errors import ConfigurationError

FILE_MODE = 0o600
DIR_MODE = 0o700
_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_ORDER = ("api_key", "base_url", "timeout", "max_retries", "tenant_id", "workspace_id")


def toml_string(text: str) -> str:
    """`text` as a TOML basic string."""
    out = []
    for char in text:
        if char in '"\\':
            out.append("\\" + char)
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            out.append(f"\\u{ord(char):04X}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def toml_key(name: str) -> str:
    """A table or key name: bare when it can be, quoted otherwise."""
    return name if _BARE_KEY.fullmatch(name) else toml_string(name)


def toml_value(value: Any) -> str:
    """A profile value (string, whole number or finite float) in TOML."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    return toml_string(str(value))


def render(profiles: Mapping[str, Mapping[str, Any]]) -> str:
    """The whole config file for `profiles`."""
    blocks = []
    for name, settings in profiles.items():
        keys = sorted(settings, key=lambda k: (_ORDER.index(k) if k in _ORDER else len(_ORDER), k))
        lines = [f"[profiles.{toml_key(name)}]"]
        lines += [f"{toml_key(key)} = {toml_value(settings[key])}" for key in keys]
        blocks.append("\n".join(lines) + "\n")
    return "# agentplatform profiles; written by `agentplatform configure`.\n\n" + "\n".join(blocks)


def save_profile(path: Path, name: str, values: Mapping[str, Any]) -> dict[str, Any]:
    """Merge `values` (None values ignored) into profile `name` of `path`; return the profile."""
    profiles = load_profiles(path)
    profile = dict(profiles.get(name, {}))
    profile.update({key: value for key, value in values.items() if value is not None})
    profiles[name] = profile
    write_private(path, render(profiles))
    return profile


def write_private(path: Path, text: str) -> None:
    """Replace `path` with `text`, through a temporary file created with mode 0600."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=DIR_MODE)
        temp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    except OSError as exc:
        raise ConfigurationError(f"Cannot write config file {path}: {exc.strerror}.") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as file:
            file.write(text)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise ConfigurationError(f"Cannot write config file {path}: {exc.strerror}.") from None


def loose_permissions(path: Path) -> bool:
    """Whether others than the owner may read or write `path` (False when it is missing)."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return False
    return os.name == "posix" and bool(stat.S_IMODE(mode) & 0o077)
