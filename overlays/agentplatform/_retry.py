"""When to retry, how long to wait, and a client-wide budget that stops retry storms."""

from __future__ import annotations

import random
import threading
import time
from email.utils import parsedate_to_datetime

import httpx

RETRYABLE_STATUSES = frozenset({408, 409, 429, 500, 502, 503, 504})
MAX_BACKOFF_S = 8.0
INITIAL_BACKOFF_S = 0.5
MAX_RETRY_AFTER_S = 60.0


def should_retry_status(response: httpx.Response) -> bool:
    """Whether an error response calls for a retry; `x-should-retry` overrides.

    A response below 400 is an answer, never retried whatever its headers say.
    """
    if response.status_code < 400:
        return False
    override = response.headers.get("x-should-retry")
    if override == "true":
        return True
    if override == "false":
        return False
    return response.status_code in RETRYABLE_STATUSES


def retry_after_seconds(headers: httpx.Headers, now: float | None = None) -> float | None:
    """The server's requested wait: `retry-after-ms`, else `Retry-After` (seconds or date)."""
    raw_ms = headers.get("retry-after-ms")
    if raw_ms is not None:
        try:
            ms = float(raw_ms)
        except ValueError:
            ms = -1.0
        if ms >= 0 and ms != float("inf"):
            return ms / 1000.0
    raw = headers.get("retry-after")
    if raw is None:
        return None
    raw = raw.strip()
    if raw.isdigit():
        return float(raw)
    try:
        when = parsedate_to_datetime(raw)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        return None
    wait = when.timestamp() - (time.time() if now is None else now)
    return max(wait, 0.0)


def backoff_delay(retry_number: int, rng: random.Random | None = None) -> float:
    """Full-jitter delay before retry `retry_number` (0-based): U(0, min(8, 0.5 * 2**n))."""
    cap = min(MAX_BACKOFF_S, INITIAL_BACKOFF_S * (2.0**retry_number))
    return (rng or random).uniform(0.0, cap)


class RetryBudget:
    """A token bucket shared by one client: each retry spends a token, each success earns
    a fraction back. When the service is down the bucket empties and retries stop, so a
    fleet of clients does not multiply the load on a failing service."""

    def __init__(self, capacity: float = 20.0, refill_per_success: float = 0.1) -> None:
        self.capacity = capacity
        self.refill_per_success = refill_per_success
        self._tokens = capacity
        self._lock = threading.Lock()

    @property
    def tokens(self) -> float:
        """Tokens left."""
        return self._tokens

    def try_spend(self) -> bool:
        """Take one token for a retry; False when the budget is exhausted."""
        with self._lock:
            if self._tokens < 1.0:
                return False
            self._tokens -= 1.0
            return True

    def record_success(self) -> None:
        """Earn back a fraction of a token."""
        with self._lock:
            self._tokens = min(self.capacity, self._tokens + self.refill_per_success)


def is_replayable(request: httpx.Request) -> bool:
    """Whether the request body can be sent again byte for byte (not a one-shot stream)."""
    return isinstance(request.stream, httpx.ByteStream)
