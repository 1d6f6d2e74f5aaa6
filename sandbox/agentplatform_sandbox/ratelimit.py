"""Per-key token buckets answering 429 with `Retry-After`."""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable


class RateLimiter:
    """`per_minute` requests per key per minute, with bursts up to the same number.

    Buckets refill on real (monotonic) time unless another time source is given.
    """

    def __init__(self, per_minute: int, now: Callable[[], float] = time.monotonic) -> None:
        self.per_minute = per_minute
        self._now = now
        self._lock = threading.Lock()
        self._buckets: dict[str, tuple[float, float]] = {}

    def acquire(self, key: str) -> int | None:
        """Take one token for `key`; return None, or the seconds to wait when empty."""
        rate = self.per_minute / 60.0
        now = self._now()
        with self._lock:
            tokens, last = self._buckets.get(key, (float(self.per_minute), now))
            tokens = min(float(self.per_minute), tokens + max(0.0, now - last) * rate)
            if tokens >= 1.0:
                self._buckets[key] = (tokens - 1.0, now)
                return None
            self._buckets[key] = (tokens, now)
            return max(1, math.ceil((1.0 - tokens) / rate))

    def reset(self) -> None:
        """Refill every bucket."""
        with self._lock:
            self._buckets.clear()
