"""Console sign-in: one-time login codes and session ids, each mapped to an API key.

Neither a code nor a session id is derived from the key: both are random, live only
in this process, and expire. A session names the API key it was opened with, so a
key that is deleted or expires ends its sessions too.
"""

from __future__ import annotations

import secrets
import threading
import time
from dataclasses import dataclass

CODE_TTL_S = 300.0
"""How long a one-time login code may wait to be used."""
SESSION_TTL_S = 12 * 3600.0
"""How long a console session lasts after sign-in."""
COOKIE_NAME = "agentplatform_console"


@dataclass(frozen=True)
class _Grant:
    key_id: str
    expires: float


class ConsoleSessions:
    """Thread-safe store of login codes and sessions (session id -> API key id)."""

    def __init__(self, code_ttl_s: float = CODE_TTL_S, session_ttl_s: float = SESSION_TTL_S):
        self._lock = threading.Lock()
        self._codes: dict[str, _Grant] = {}
        self._sessions: dict[str, _Grant] = {}
        self.code_ttl_s = code_ttl_s
        self.session_ttl_s = session_ttl_s

    def _grant(self, table: dict[str, _Grant], key_id: str, ttl_s: float, size: int) -> str:
        token = secrets.token_urlsafe(size)
        with self._lock:
            table[token] = _Grant(key_id, time.monotonic() + ttl_s)
        return token

    def issue_code(self, key_id: str) -> str:
        """A one-time code that `redeem` exchanges for a session of `key_id`."""
        return self._grant(self._codes, key_id, self.code_ttl_s, 24)

    def redeem(self, code: str) -> str | None:
        """A new session id for a valid unused code (the code is spent), else None."""
        with self._lock:
            grant = self._codes.pop(code, None)
        if grant is None or grant.expires <= time.monotonic():
            return None
        return self.open(grant.key_id)

    def open(self, key_id: str) -> str:
        """A new session id for `key_id`."""
        return self._grant(self._sessions, key_id, self.session_ttl_s, 32)

    def key_id(self, session_id: str) -> str | None:
        """The API key id of a live session, else None (an expired one is forgotten)."""
        with self._lock:
            grant = self._sessions.get(session_id)
            if grant is not None and grant.expires <= time.monotonic():
                del self._sessions[session_id]
                grant = None
        return grant.key_id if grant else None

    def close(self, session_id: str) -> None:
        """End a session (sign out)."""
        with self._lock:
            self._sessions.pop(session_id, None)


def session_cookie(session_id: str, max_age_s: float = SESSION_TTL_S) -> str:
    """The `Set-Cookie` value of a session: HttpOnly, SameSite=Strict, path /console."""
    return (
        f"{COOKIE_NAME}={session_id}; Path=/console; HttpOnly; SameSite=Strict; "
        f"Max-Age={int(max_age_s)}"
    )


def cleared_cookie() -> str:
    """A `Set-Cookie` value that removes the session cookie."""
    return f"{COOKIE_NAME}=; Path=/console; HttpOnly; SameSite=Strict; Max-Age=0"
