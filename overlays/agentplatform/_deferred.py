"""`Deferred`: a value built once, on first use, and shared (a client's telemetry)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class Deferred(Generic[T]):
    """Builds its value on the first `get()`, once even when threads race for it.

    `close(late)` is for an owner that closes before the value was ever built: a later
    `get()` still builds it, then hands it to `late` (which makes it behave as closed).
    """

    def __init__(self, build: Callable[[], T]) -> None:
        self._build = build
        self._value: T | None = None
        self._late: Callable[[T], None] | None = None
        self._lock = threading.Lock()

    def get(self) -> T:
        """The value, built now if it was not yet."""
        value = self._value
        if value is not None:
            return value
        with self._lock:
            if self._value is None:
                built = self._build()
                if self._late is not None:
                    self._late(built)
                self._value = built
            return self._value

    def built(self) -> T | None:
        """The value if it was built, else None (building nothing)."""
        return self._value

    def close(self, late: Callable[[T], None]) -> None:
        """Mark the owner closed: a value built from now on is first given to `late`."""
        with self._lock:
            self._late = late
