"""Injectable clocks: the sandbox reads time only through one of these."""

from __future__ import annotations

import threading
import time
from typing import Protocol


class Clock(Protocol):
    """Anything that tells the current time as Unix seconds."""

    def now(self) -> float:
        """Return the current time in seconds since the Unix epoch."""
        ...


class SystemClock:
    """The real wall clock."""

    def now(self) -> float:
        """Return `time.time()`."""
        return time.time()


class ManualClock:
    """A clock that moves only when told to, for tests of expiry and progress.

    ```python
    clock = ManualClock()
    state = SandboxState(clock=clock)
    clock.advance(3600)
    ```
    """

    def __init__(self, start: float | None = None) -> None:
        self._now = time.time() if start is None else float(start)
        self._lock = threading.Lock()

    def now(self) -> float:
        """Return the clock's current time."""
        with self._lock:
            return self._now

    def advance(self, seconds: float) -> None:
        """Move the clock forward by `seconds`."""
        with self._lock:
            self._now += seconds

    def set(self, timestamp: float) -> None:
        """Jump to `timestamp` (Unix seconds)."""
        with self._lock:
            self._now = float(timestamp)
