"""Identifiers for stored objects and requests."""

from __future__ import annotations

import secrets


def new_id(prefix: str) -> str:
    """Return `prefix_` followed by 16 random hex digits, e.g. `ent_1f0c...`."""
    return f"{prefix}_{secrets.token_hex(8)}"
