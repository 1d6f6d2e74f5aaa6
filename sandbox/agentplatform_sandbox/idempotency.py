"""Idempotency keys: replay the stored response of a repeated POST, 409 on a new body."""

from __future__ import annotations

import hashlib
import json
import threading
from dataclasses import dataclass
from typing import Any

from .problems import ApiError
from .replies import Reply, StreamReply

RETENTION_S = 24 * 3600


def fingerprint(method: str, path: str, body: Any) -> str:
    """A digest of what makes two requests "the same": method, path and JSON body."""
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(f"{method} {path}\n{canonical}".encode()).hexdigest()


@dataclass
class Saved:
    """A kept reply: the request's fingerprint, the reply, when it was kept."""

    fingerprint: str
    reply: Reply | StreamReply
    stored_at: float


class IdempotencyStore:
    """Responses by (tenant, key), kept for 24 hours."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._items: dict[tuple[str, str], Saved] = {}

    def lookup(self, tenant: str, key: str, digest: str, now: float) -> Reply | StreamReply | None:
        """The stored reply for a repeat, None for a new key; 409 for a reused key."""
        with self._lock:
            stored = self._items.get((tenant, key))
            if stored is None or now - stored.stored_at > RETENTION_S:
                return None
            if stored.fingerprint != digest:
                raise ApiError(
                    409,
                    "idempotency_key_reused",
                    "This Idempotency-Key was already used with another request; "
                    "use a new key for a new request.",
                    # Repeating the same request cannot succeed: tell clients not to retry.
                    headers={"x-should-retry": "false"},
                )
            return stored.reply

    def save(
        self, tenant: str, key: str, digest: str, reply: Reply | StreamReply, now: float
    ) -> None:
        """Remember the reply to a keyed request."""
        with self._lock:
            self._items[(tenant, key)] = Saved(digest, reply, now)

    def keys(self, tenant: str | None = None) -> list[str]:
        """The keys stored (for one tenant, when given)."""
        with self._lock:
            return [key for (owner, key) in self._items if tenant is None or owner == tenant]
