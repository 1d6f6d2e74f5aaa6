"""When to retry, how long to wait, and a client-wide budget that stops retry storms."""

from __future__ import annotations

import random
import threading
import time
from email.utils import parsedate_to_datetime

import httpx

from .errors import ConfigurationError

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
    """A token bucket shared by one client (and its `with_options` copies) that stops
    retry storms: each retry spends tokens, each successful response earns some back.

    The shape is that of the AWS SDKs' standard retry mode (capacity 500, a retry after
    an error response costs 5, after a timeout or connection error 10), with one change:
    every successful response refunds a retry's cost (5), not 1. With a refund of 1 the
    bucket only breaks even below about 17% failed attempts, so a burst of calls at a
    30% fault rate empties it after ~600 calls and `max_retries` stops meaning anything.
    With a refund of 5 it breaks even at 50% failed responses (33% when every failure is
    a dropped connection): a degraded service is retried through, while a service that
    is down (no successes) gets at most `capacity / retry_cost` retries from the whole
    client before it answers every call at once.

    A fixed capacity alone fails a concurrent burst: with 500 calls in flight at a 30%
    fault rate, the fast fault answers arrive before the slow successes, and their
    retries empty a bucket of 500 before a single refund (measured: 18 of 2,000 calls
    raised). So each call also lends `call_deposit` tokens (half a retry) while it is in
    flight, and the bucket may hold `capacity` plus the deposits of the calls in flight.
    The credit grows with the concurrency it must cover; in an outage it lets a client
    retry at most one call in two, and nothing more once its calls are done.

    Pass one to `Client(retry_budget=...)` to change the numbers, or `None` to turn the
    budget off. A denied retry is logged at info on `agentplatform`.
    """

    def __init__(
        self,
        capacity: float = 500.0,
        *,
        retry_cost: float = 5.0,
        timeout_cost: float = 10.0,
        success_refund: float = 5.0,
        call_deposit: float = 2.5,
    ) -> None:
        for name, value in (
            ("capacity", capacity),
            ("retry_cost", retry_cost),
            ("timeout_cost", timeout_cost),
            ("success_refund", success_refund),
            ("call_deposit", call_deposit),
        ):
            if (
                isinstance(value, bool)
                or not isinstance(value, (int, float))
                or not 0 <= value < float("inf")
            ):
                raise ConfigurationError(
                    f"RetryBudget {name} must be a finite number >= 0, got {value!r}."
                )
        self.capacity = float(capacity)
        self.retry_cost = float(retry_cost)
        self.timeout_cost = float(timeout_cost)
        self.success_refund = float(success_refund)
        self.call_deposit = float(call_deposit)
        self._tokens = self.capacity
        self._in_flight = 0
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return (
            f"RetryBudget(capacity={self.capacity:g}, retry_cost={self.retry_cost:g}, "
            f"timeout_cost={self.timeout_cost:g}, success_refund={self.success_refund:g}, "
            f"call_deposit={self.call_deposit:g}, tokens={self._tokens:g})"
        )

    @property
    def tokens(self) -> float:
        """Tokens left."""
        return self._tokens

    def try_spend(self, *, network_error: bool = False) -> bool:
        """Take the cost of one retry (a timeout or connection error costs more); False,
        and nothing taken, when too few tokens are left."""
        cost = self.timeout_cost if network_error else self.retry_cost
        with self._lock:
            if self._tokens < cost:
                return False
            self._tokens -= cost
            return True

    def record_success(self) -> None:
        """Earn tokens back for a successful response (up to the ceiling)."""
        with self._lock:
            tokens = self._tokens + self.success_refund
            ceiling = self.capacity + self.call_deposit * self._in_flight
            self._tokens = tokens if tokens < ceiling else ceiling

    def begin_call(self) -> None:
        """A call starts: it lends `call_deposit` tokens while it is in flight."""
        with self._lock:
            self._in_flight += 1
            tokens = self._tokens + self.call_deposit
            ceiling = self.capacity + self.call_deposit * self._in_flight
            self._tokens = tokens if tokens < ceiling else ceiling

    def end_call(self) -> None:
        """A call ended (answered or failed for good): its deposit is no longer held."""
        with self._lock:
            if self._in_flight > 0:
                self._in_flight -= 1
            ceiling = self.capacity + self.call_deposit * self._in_flight
            self._tokens = min(self._tokens, ceiling)


def is_replayable(request: httpx.Request) -> bool:
    """Whether the request body can be sent again byte for byte (not a one-shot stream)."""
    return isinstance(request.stream, httpx.ByteStream)
