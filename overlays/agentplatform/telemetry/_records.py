"""Record payloads: field checks that name the field, and the JSON encoding of records.

A queued record is a tuple `(payload, event_id, created)`: the checked fields, the id
and the enqueue time (`time.time()`). The id and timestamp are set at enqueue; turning
the tuple into JSON waits for the exporter, off the caller's thread.
"""

from __future__ import annotations

import dataclasses
import datetime
import enum
import json
import math
import re
from collections.abc import Mapping
from pathlib import PurePath
from typing import Any

from ..errors import InvalidParameterError

MAX_TEXT = 100_000
_TRACE_ID = re.compile(r"[0-9a-f]{32}")
_SPAN_ID = re.compile(r"[0-9a-f]{16}")
_UTC = datetime.UTC

Payload = dict[str, Any]
Item = tuple[Payload, str, float]


def text(name: str, value: object, *, max_length: int = MAX_TEXT, empty: bool = False) -> str:
    """A string of at most `max_length` characters (non-blank unless `empty`)."""
    if type(value) is not str and not isinstance(value, str):
        raise InvalidParameterError(name, f"expected a string, got {type(value).__name__}.")
    if len(value) > max_length:
        raise InvalidParameterError(
            name, f"must be at most {max_length} characters, got {len(value)}."
        )
    if not empty and not value.strip():
        raise InvalidParameterError(name, "must not be empty.")
    return value


def non_negative(name: str, value: object) -> float:
    """A finite number >= 0."""
    kind = type(value)
    if (kind is not float and kind is not int) and (
        isinstance(value, bool) or not isinstance(value, (int, float))
    ):
        raise InvalidParameterError(name, f"expected a finite number, got {type(value).__name__}.")
    number: float = value  # type: ignore[assignment]
    if not math.isfinite(number) or number < 0:
        raise InvalidParameterError(name, f"must be a finite number >= 0, got {value!r}.")
    return number


def count(name: str, value: object) -> int:
    """A whole number >= 0."""
    if type(value) is not int and (isinstance(value, bool) or not isinstance(value, int)):
        raise InvalidParameterError(name, f"expected an integer, got {type(value).__name__}.")
    if value < 0:
        raise InvalidParameterError(name, f"must be >= 0, got {value}.")
    return value


def trace_id(name: str, value: object) -> str:
    """A W3C trace id: 32 lowercase hex digits."""
    if not isinstance(value, str) or not _TRACE_ID.fullmatch(value):
        raise InvalidParameterError(name, f"must be 32 lowercase hex digits, got {value!r}.")
    return value


def span_id(name: str, value: object) -> str:
    """A W3C span id: 16 lowercase hex digits."""
    if not isinstance(value, str) or not _SPAN_ID.fullmatch(value):
        raise InvalidParameterError(name, f"must be 16 lowercase hex digits, got {value!r}.")
    return value


def attributes(name: str, value: object) -> dict[str, Any]:
    """A mapping with string keys, copied (so later changes by the caller do not leak in)."""
    if type(value) is not dict and not isinstance(value, Mapping):
        raise InvalidParameterError(name, f"expected a mapping, got {type(value).__name__}.")
    copy = dict(value)
    for key in copy:
        if type(key) is not str:
            raise InvalidParameterError(name, f"keys must be strings, got {key!r}.")
    return copy


def instant(name: str, value: object) -> str:
    """A timezone-aware datetime, as RFC 3339 text."""
    if not isinstance(value, datetime.datetime):
        raise InvalidParameterError(name, f"expected a datetime, got {type(value).__name__}.")
    if value.tzinfo is None:
        raise InvalidParameterError(name, "must be timezone-aware, e.g. datetime.now(UTC).")
    return value.isoformat()


_second_text: tuple[int, str] = (-1, "")


def iso(created: float) -> str:
    """An enqueue time (`time.time()`) as RFC 3339 UTC text with microseconds.

    Records of one batch mostly share their second, so its text is cached (as one tuple,
    replaced whole, so threads never see half an update).
    """
    global _second_text
    second = int(created // 1)
    cached = _second_text
    if cached[0] != second:
        text = datetime.datetime.fromtimestamp(second, _UTC).strftime("%Y-%m-%dT%H:%M:%S")
        cached = _second_text = (second, text)
    micros = min(int((created - second) * 1_000_000), 999_999)
    return f"{cached[1]}.{micros:06d}Z"


def json_default(value: Any) -> Any:
    """JSON for common non-JSON values: datetimes, enums, sets, paths, models, numpy scalars."""
    if isinstance(value, (datetime.datetime, datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    if isinstance(value, PurePath):
        return str(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    to_dict = getattr(value, "to_dict", None)
    if callable(to_dict):
        return to_dict()
    item = getattr(value, "item", None)  # numpy scalars
    if callable(item):
        return item()
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


_encoder = json.JSONEncoder(
    ensure_ascii=False, allow_nan=False, separators=(",", ":"), default=json_default
)


def to_json(value: Any) -> str:
    """Compact JSON text; raises ValueError for NaN/infinity and TypeError for the unknown."""
    return _encoder.encode(value)


def record(item: Item, defaults: Mapping[str, Any]) -> dict[str, Any]:
    """The wire record of a queued item: its fields, id, timestamp and channel defaults."""
    payload, event_id, created = item
    data = dict(payload)
    if "event_id" not in data:
        data["event_id"] = event_id
    if "timestamp" not in data:
        data["timestamp"] = iso(created)
    for key, value in defaults.items():
        if key not in data:
            data[key] = value
    return data


def encode(item: Item, defaults: Mapping[str, Any]) -> bytes:
    """One record as a line of UTF-8 JSON (no newline)."""
    return to_json(record(item, defaults)).encode()
