"""Record lines made with orjson are byte for byte the standard encoder's, or not made."""

from __future__ import annotations

import dataclasses
import datetime
import enum
import uuid
from collections import OrderedDict
from typing import Any

import orjson
import pytest
from agentplatform.telemetry import _records
from hypothesis import given, settings
from hypothesis import strategies as st

DEFAULTS = {"service_name": "svc"}
CREATED = 1_796_000_000.123456


class Tier(enum.Enum):
    PRO = "pro"


class Level(enum.IntEnum):
    HIGH = 3


class Tag(str):
    pass


@dataclasses.dataclass
class Point:
    x: float


def outcome(encode: Any, payload: dict[str, Any]) -> bytes | type[BaseException]:
    try:
        line: bytes = encode((payload, "evt_1", CREATED), DEFAULTS)
    except (TypeError, ValueError) as exc:
        return type(exc)
    return line


def assert_same(payload: dict[str, Any]) -> None:
    assert outcome(_records.encode, payload) == outcome(_records.encode_standard, payload)


floats = st.floats(allow_nan=True, allow_infinity=True) | st.sampled_from(
    [1e-5, -1e-7, 4.5e-9, 0.0001, 1e16, -0.0, 1.00001, 10.00001]
)
scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | floats
    | st.text(max_size=20)
)
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.tuples(inner, inner)
        | st.dictionaries(st.text(max_size=8), inner, max_size=4)
        | st.dictionaries(st.integers(0, 9), inner, max_size=2)
    ),
    max_leaves=12,
)


@settings(max_examples=400, deadline=None)
@given(st.dictionaries(st.text(max_size=10), values, max_size=5))
def test_random_records_encode_to_the_standard_bytes(payload: dict[str, Any]) -> None:
    assert_same(payload)


@pytest.mark.parametrize(
    "value",
    [
        float("nan"),
        [1.0, {"x": float("-inf")}],
        1e-5,
        2**64,
        {1: "int key"},
        "\ud800",
        "e-mail e-5 null 0.00001",
        Tier.PRO,
        Level.HIGH,
        Tag("t"),
        OrderedDict(a=1),
        Point(1e-6),
        datetime.datetime(2026, 1, 2, 3, 4, 5, 6, tzinfo=datetime.UTC),
        {1, 2},
        uuid.UUID(int=7),
        object(),
    ],
)
def test_values_orjson_writes_otherwise_take_the_standard_path(value: Any) -> None:
    assert_same({"kind": "llm_event", "metadata": {"v": value}})


def test_nan_is_still_refused_and_uuids_are_text() -> None:
    with pytest.raises(ValueError):
        _records.encode(({"metadata": {"v": float("nan")}}, "evt_1", CREATED), DEFAULTS)
    line = _records.encode(({"metadata": {"v": uuid.UUID(int=7)}}, "evt_1", CREATED), DEFAULTS)
    assert b'"v":"00000000-0000-0000-0000-000000000007"' in line


def test_a_plain_record_is_made_by_orjson(monkeypatch: pytest.MonkeyPatch) -> None:
    payload = {"kind": "llm_event", "latency_ms": 412.5, "prompt": {"text": "hi", "tokens": 1}}
    made: list[bytes] = []
    real = orjson.dumps

    def dumps(value: Any, **options: Any) -> bytes:
        made.append(real(value, **options))
        return made[-1]

    monkeypatch.setattr(_records, "_fast_dumps", _records._UNSET)
    monkeypatch.setattr(orjson, "dumps", dumps)
    item = (payload, "evt_1", CREATED)
    line = _records.encode(item, DEFAULTS)
    assert made == [line] and line == _records.encode_standard(item, DEFAULTS)
