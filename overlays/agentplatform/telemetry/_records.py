"""Record payloads: field checks that name the field, and the JSON encoding of records.

A queued record is a tuple `(payload, event_id, created)`: the checked fields, the id
and the enqueue time (`time.time()`). The id and timestamp are set at enqueue; turning
the tuple into JSON waits for the exporter, off the caller's thread.

With orjson installed (`pip install 'agentplatform[speedups]'`), `encode` makes each line
with it, about ten times faster, and keeps the result only where it is the same bytes as
the standard library's: when orjson refuses the record, or its line holds `null` (NaN and
infinity become `null` in orjson, the standard encoder refuses them), or a float it spells
differently (below 1e-4), the standard encoder makes the line (or raises) as without it.
"""

from __future__ import annotations

import dataclasses
import datetime
import enum
import json
import math
import re
import uuid
from collections.abc import Callable, Mapping
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
    """JSON for common non-JSON values: datetimes, enums, sets, paths, UUIDs, models,
    numpy scalars."""
    if isinstance(value, (datetime.datetime, datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    if isinstance(value, (PurePath, uuid.UUID)):
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


def _as_standard(line: bytes) -> bool:
    """Whether an orjson line is surely the standard encoder's: no `null` (it may be NaN
    or infinity) and no float below 1e-4 (orjson writes 1e-5 as 0.00001 and 1e-7 as
    1e-7, not 1e-05 and 1e-07). Text that looks like them only costs the slower path."""
    if b"null" in line or b"0.0000" in line:
        return False
    at = line.find(b"e-")
    while at > 0:
        if 48 <= line[at - 1] <= 57:  # a digit, then e-
            return False
        at = line.find(b"e-", at + 2)
    return True


_UNSET: Any = object()
_fast_dumps: Callable[[Any], bytes] | None = _UNSET


def _load_fast_dumps() -> Callable[[Any], bytes] | None:
    global _fast_dumps
    try:
        import orjson
    except ImportError:
        _fast_dumps = None
        return None
    dumps = orjson.dumps
    # Datetimes, dataclasses and subclasses of str/int/dict/list go through json_default,
    # whose failure sends the record to the standard encoder, as anything orjson refuses.
    option = (
        orjson.OPT_PASSTHROUGH_DATETIME
        | orjson.OPT_PASSTHROUGH_DATACLASS
        | orjson.OPT_PASSTHROUGH_SUBCLASS
    )

    def fast(value: Any) -> bytes:
        return dumps(value, default=json_default, option=option)

    _fast_dumps = fast
    return fast


def encode_standard(item: Item, defaults: Mapping[str, Any]) -> bytes:
    """`encode` with the standard library's encoder only (the reference bytes)."""
    return to_json(record(item, defaults)).encode()


def encode(item: Item, defaults: Mapping[str, Any]) -> bytes:
    """One record as a line of UTF-8 JSON (no newline): the bytes of `encode_standard`,
    made by orjson where it is installed and gives the same (see the module doc)."""
    data = record(item, defaults)
    fast = _fast_dumps
    if fast is _UNSET:
        fast = _load_fast_dumps()
    if fast is not None:
        try:
            line = fast(data)
        except (TypeError, ValueError):
            pass
        else:
            if _as_standard(line):
                return line
    return _encoder.encode(data).encode()
