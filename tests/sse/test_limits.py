"""The line length cap, the event class, and the async reader."""

from __future__ import annotations

import pickle

import pytest
from agentplatform.errors import APIResponseValidationError, ConfigurationError
from agentplatform.sse import (
    DEFAULT_MAX_LINE_LENGTH,
    ServerSentEvent,
    SSEDecoder,
    SSEProtocolError,
    aiter_events,
    iter_events,
)

from ._support import agen, ev, parse

# --- the line length cap ---------------------------------------------------------------


def test_line_cap_raises_protocol_error() -> None:
    decoder = SSEDecoder(max_line_length=10)
    assert decoder.feed(b"data: 1234\n\n") == [ev("1234")]  # exactly 10 characters
    with pytest.raises(SSEProtocolError, match="longer than 10") as info:
        decoder.feed(b"data: 12345\n\n")
    assert isinstance(info.value, APIResponseValidationError)
    assert issubclass(SSEProtocolError, APIResponseValidationError)


def test_line_cap_counts_characters_not_line_ends() -> None:
    decoder = SSEDecoder(max_line_length=10)
    assert decoder.feed("data: éé€€\r\n\r\n".encode()) == [ev("éé€€")]


def test_line_cap_on_an_unfinished_line() -> None:
    decoder = SSEDecoder(max_line_length=100)
    for _ in range(10):
        decoder.feed(b"0123456789")  # 100 characters, no line end yet
    with pytest.raises(SSEProtocolError):
        decoder.feed(b"x")


def test_line_cap_on_a_long_line_within_one_chunk() -> None:
    decoder = SSEDecoder(max_line_length=100)
    with pytest.raises(SSEProtocolError) as info:
        decoder.feed(b"data: a\n\n" + b"data: " + b"x" * 200 + b"\n\ndata: b\n\n")
    assert info.value.events == [ev("a")]  # the events before the offending line


def test_line_cap_on_an_unfinished_line_within_one_chunk() -> None:
    decoder = SSEDecoder(max_line_length=100)
    with pytest.raises(SSEProtocolError) as info:
        decoder.feed(b"data: a\n\n" + b"x" * 101)
    assert info.value.events == [ev("a")]


def test_line_cap_iter_events_yields_events_before_the_error() -> None:
    stream = b"data: a\n\n" + b"x" * 200 + b"\n\n"
    for chunks in (
        [stream],
        [stream[:5], stream[5:]],
        [stream[i : i + 7] for i in range(0, 300, 7)],
    ):
        received = []
        with pytest.raises(SSEProtocolError):
            for event in iter_events(chunks, max_line_length=100):
                received.append(event)
        assert received == [ev("a")]


def test_default_line_cap_is_one_mebibyte() -> None:
    assert DEFAULT_MAX_LINE_LENGTH == 1024 * 1024
    line = b"data: " + b"x" * (DEFAULT_MAX_LINE_LENGTH - 6)
    assert parse([line[:70_000], line[70_000:], b"\n\n"])[0].data == "x" * (2**20 - 6)
    with pytest.raises(SSEProtocolError):
        parse([line + b"x", b"\n\n"])


def test_line_cap_must_be_positive() -> None:
    with pytest.raises(ConfigurationError, match="max_line_length"):
        SSEDecoder(max_line_length=0)


# --- the event class -------------------------------------------------------------------


def test_server_sent_event_is_small_and_immutable() -> None:
    event = ev('{"a": [1, 2]}', "message.delta", "7", 100)
    assert (event.event, event.data, event.id, event.retry) == (
        "message.delta",
        '{"a": [1, 2]}',
        "7",
        100,
    )
    assert event.json() == {"a": [1, 2]}
    assert not hasattr(event, "__dict__")
    with pytest.raises(AttributeError):
        event.data = "other"  # type: ignore[misc]
    assert event == ev('{"a": [1, 2]}', "message.delta", "7", 100)
    assert event != ev('{"a": [1, 2]}', "message.delta", "8", 100)
    assert hash(event) == hash(ev('{"a": [1, 2]}', "message.delta", "7", 100))
    assert pickle.loads(pickle.dumps(event)) == event
    assert repr(event) == (
        "ServerSentEvent(event='message.delta', data='{\"a\": [1, 2]}', id='7', retry=100)"
    )
    assert ServerSentEvent() == ev("")


def test_json_of_invalid_data_raises_validation_error() -> None:
    with pytest.raises(APIResponseValidationError, match="not valid JSON") as info:
        ev("{oops").json()
    assert info.value.field == "data"


# --- async ---------------------------------------------------------------------------


async def test_aiter_events() -> None:
    stream = b"data: a\r\n\r\nid: 2\nevent: e\ndata: b\n\ndata: cut"
    events = [event async for event in aiter_events(agen([stream[:8], stream[8:]]))]
    assert events == [ev("a"), ev("b", "e", "2")]


async def test_aiter_events_line_cap() -> None:
    received = []
    with pytest.raises(SSEProtocolError):
        async for event in aiter_events(agen([b"data: a\n\n" + b"y" * 50]), max_line_length=40):
            received.append(event)
    assert received == [ev("a")]
