"""Open enums of anomalies: `Severity` (ordered), `AnomalyType` and `DetectionMethod`.

Each is a `StrEnum` of the values the API documents today, and stays open: a value the
server adds later is kept, as a member-like instance of the enum, never an exception.
Known values are matched case-insensitively; anything but a non-empty string raises
`InvalidParameterError` (a `ValueError`).

```python
import agentplatform as ap

ap.Severity("high") > ap.Severity.MEDIUM     # True
ap.Severity("high") == "high"                # True: members are strings
ap.AnomalyType("queue_depth")                # a value this SDK does not know, kept
```
"""

from __future__ import annotations

import enum
from typing import Any

from .errors import InvalidParameterError

__all__ = ["AnomalyType", "DetectionMethod", "Severity"]


class _OpenEnum(enum.StrEnum):
    """A `StrEnum` that accepts any non-empty string: unknown values are kept as-is."""

    @classmethod
    def _missing_(cls, value: object) -> Any:
        if not isinstance(value, str) or not value.strip():
            raise InvalidParameterError(
                cls.__name__, f"expected a non-empty string, got {value!r}."
            )
        known = cls._value2member_map_.get(value.lower())
        if known is not None:
            return known
        pseudo = str.__new__(cls, value)
        pseudo._name_ = value
        pseudo._value_ = value
        return pseudo

    @property
    def known(self) -> bool:
        """Whether this SDK version knows the value (False: added by the server later)."""
        return self._value_ in type(self)._value2member_map_

    def __repr__(self) -> str:
        if self.known:
            return super().__repr__()
        return f"{type(self).__name__}({self._value_!r})"


class Severity(_OpenEnum):
    """How bad an anomaly is, ordered `LOW < MEDIUM < HIGH < CRITICAL`.

    Members compare with each other and with strings (`Severity.HIGH >= "medium"`).
    A severity this SDK does not know has no rank: ordering it raises
    `InvalidParameterError` (equality still works).
    """

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"

    @property
    def rank(self) -> int | None:
        """0 for `LOW` up to 3 for `CRITICAL`; None for a severity this SDK does not know."""
        return _RANKS.get(self._value_)

    def _ranks(self, other: object) -> tuple[int, int] | None:
        if not isinstance(other, str):
            return None
        theirs = other if isinstance(other, Severity) else Severity(other)
        mine, their_rank = self.rank, theirs.rank
        if mine is None or their_rank is None:
            unknown = self if mine is None else theirs
            raise InvalidParameterError(
                "severity",
                f"{unknown._value_!r} is not a severity this SDK knows "
                f"({', '.join(_RANKS)}), so it cannot be ordered.",
            )
        return mine, their_rank

    def __lt__(self, other: object) -> bool:
        ranks = self._ranks(other)
        return NotImplemented if ranks is None else ranks[0] < ranks[1]

    def __le__(self, other: object) -> bool:
        ranks = self._ranks(other)
        return NotImplemented if ranks is None else ranks[0] <= ranks[1]

    def __gt__(self, other: object) -> bool:
        ranks = self._ranks(other)
        return NotImplemented if ranks is None else ranks[0] > ranks[1]

    def __ge__(self, other: object) -> bool:
        ranks = self._ranks(other)
        return NotImplemented if ranks is None else ranks[0] >= ranks[1]

    __hash__ = str.__hash__


_RANKS = {"low": 0, "medium": 1, "high": 2, "critical": 3}


class AnomalyType(_OpenEnum):
    """The kind of an anomaly (open: the server may report others)."""

    LATENCY_SPIKE = "latency_spike"
    COST_SPIKE = "cost_spike"
    TOKEN_SPIKE = "token_spike"  # noqa: S105 - an anomaly type, not a secret
    ERROR_RATE = "error_rate"
    DRIFT = "drift"
    DATA_QUALITY = "data_quality"


class DetectionMethod(_OpenEnum):
    """How an anomaly was detected (open: the server may report others)."""

    ZSCORE = "zscore"
    IQR = "iqr"
    MAD = "mad"
    THRESHOLD = "threshold"
