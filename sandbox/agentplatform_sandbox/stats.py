"""Mean and standard deviation over a sliding window, updated in constant time."""

from __future__ import annotations

import math
from collections import deque


class RollingStats:
    """The last `size` values of a series, with their mean and population deviation."""

    def __init__(self, size: int = 1000) -> None:
        self.values: deque[float] = deque()
        self.size = size
        self.mean = 0.0
        self._m2 = 0.0

    def __len__(self) -> int:
        return len(self.values)

    @property
    def std(self) -> float:
        """The population standard deviation (0 for fewer than two values)."""
        return math.sqrt(max(self._m2, 0.0) / len(self.values)) if self.values else 0.0

    def add(self, value: float) -> None:
        """Append a value, forgetting the oldest one past `size` (Welford's update)."""
        self.values.append(value)
        delta = value - self.mean
        self.mean += delta / len(self.values)
        self._m2 += delta * (value - self.mean)
        if len(self.values) > self.size:
            self._remove(self.values.popleft())

    def _remove(self, value: float) -> None:
        count = len(self.values)
        delta = value - self.mean
        self.mean -= delta / count
        self._m2 -= delta * (value - self.mean)
