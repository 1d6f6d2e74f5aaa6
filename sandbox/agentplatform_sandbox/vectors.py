"""Cosine similarity that survives any JSON numbers (huge, tiny, mismatched)."""

from __future__ import annotations

import math
from collections.abc import Sequence


def as_floats(values: Sequence[object]) -> list[float] | None:
    """The values as finite floats, or None when one is not a finite number."""
    out: list[float] = []
    for value in values:
        if isinstance(value, bool) or not isinstance(value, int | float):
            return None
        try:
            number = float(value)
        except OverflowError:
            return None
        if not math.isfinite(number):
            return None
        out.append(number)
    return out


def _unit(vector: Sequence[float]) -> list[float] | None:
    scale = max((abs(x) for x in vector), default=0.0)
    if scale == 0.0:
        return None
    scaled = [x / scale for x in vector]
    norm = math.sqrt(math.fsum(x * x for x in scaled))
    return [x / norm for x in scaled]


def cosine(a: Sequence[float], b: Sequence[float]) -> float | None:
    """Cosine similarity in [-1, 1]; None for different lengths or a zero vector."""
    if len(a) != len(b):
        return None
    ua, ub = _unit(a), _unit(b)
    if ua is None or ub is None:
        return None
    return max(-1.0, min(1.0, math.fsum(x * y for x, y in zip(ua, ub, strict=True))))
