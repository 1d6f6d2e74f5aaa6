"""agentplatform.sse against the WHATWG HTML rules for interpreting an event stream."""

from __future__ import annotations

import asyncio
import functools
import itertools
import pickle
from collections.abc import AsyncIterator, Iterable, Sequence
from dataclasses import dataclass

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
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

BOM = b"\xef\xbb\xbf"


def ev(
    data: str, event: str = "message", id: str = "", retry: int | None = None
) -> ServerSentEvent:
    return ServerSentEvent(event, data, id, retry)


def parse(stream: bytes | Sequence[bytes]) -> list[ServerSentEvent]:
    chunks = [stream] if isinstance(stream, bytes) else stream
    return list(iter_events(chunks))


def split_at(data: bytes, points: Iterable[int]) -> list[bytes]:
    cuts = sorted({p for p in points if 0 < p < len(data)})
    edges = [0, *cuts, len(data)]
    return [data[a:b] for a, b in itertools.pairwise(edges)]


# --- the examples of the standard itself (HTML 9.2.1 and 9.2.6) ----------------------

SPEC_EXAMPLES = [
    pytest.param(
        b"data: This is the first message.\n\n"
        b"data: This is the second message, it\ndata: has two lines.\n\n"
        b"data: This is the third message.\n\n",
        [
            ev("This is the first message."),
            ev("This is the second message, it\nhas two lines."),
            ev("This is the third message."),
        ],
        id="intro-three-messages",
    ),
    pytest.param(
        b"event: add\ndata: 73857293\n\nevent: remove\ndata: 2153\n\nevent: add\ndata: 113411\n\n",
        [ev("73857293", "add"), ev("2153", "remove"), ev("113411", "add")],
        id="intro-event-types",
    ),
    pytest.param(
        b"data: YHOO\ndata: +2\ndata: 10\n\n",
        [ev("YHOO\n+2\n10")],
        id="stock-ticker",
    ),
    pytest.param(
        b": test stream\n\ndata: first event\nid: 1\n\ndata:second event\nid\n\n"
        b"data:  third event\n\n",
        [ev("first event", id="1"), ev("second event", id=""), ev(" third event", id="")],
        id="comment-ids-and-one-space",
    ),
    pytest.param(
        b"data\n\ndata\ndata\n\ndata:",
        [ev(""), ev("\n")],
        id="empty-data-and-discarded-last-block",
    ),
    pytest.param(
        b"data:test\n\ndata: test\n\n",
        [ev("test"), ev("test")],
        id="space-after-colon-optional",
    ),
    pytest.param(
        b": keep-alive\n\n: keep-alive\n\ndata: x\n: keep-alive\n\n:\n\n",
        [ev("x")],
        id="keep-alive-comments",
    ),
]


@pytest.mark.parametrize(("stream", "expected"), SPEC_EXAMPLES)
def test_examples_of_the_standard(stream: bytes, expected: list[ServerSentEvent]) -> None:
    assert parse(stream) == expected


@pytest.mark.parametrize(("stream", "expected"), SPEC_EXAMPLES)
def test_examples_of_the_standard_byte_by_byte(
    stream: bytes, expected: list[ServerSentEvent]
) -> None:
    assert parse([stream[i : i + 1] for i in range(len(stream))]) == expected


# --- every rule, one case each ---------------------------------------------------------

RULES = [
    # UTF-8 decoding and the byte order mark
    pytest.param(BOM + b"data: a\n\n", [ev("a")], id="bom-stripped"),
    pytest.param(BOM + BOM + b"data: a\n\ndata: b\n\n", [ev("b")], id="second-bom-kept"),
    pytest.param(b"data: a\n\n" + BOM + b"data: b\n\n", [ev("a")], id="bom-later-kept"),
    pytest.param(b"data: \xef\xbb\xbfa\n\n", [ev("\ufeffa")], id="bom-in-value-kept"),
    pytest.param(b"data: a\xffb\n\n", [ev("a\ufffdb")], id="invalid-byte"),
    pytest.param(b"data: \xe2\x82\n\n", [ev("\ufffd")], id="truncated-sequence-one-fffd"),
    pytest.param(b"data: \xf0\x80\x80x\n\n", [ev("\ufffd\ufffd\ufffdx")], id="overlong"),
    pytest.param(b"data: \xed\xa0\x80\n\n", [ev("\ufffd\ufffd\ufffd")], id="surrogate"),
    pytest.param(b"data: \xc3\xa9\xf0\x9f\x9a\x80\n\n", [ev("é🚀")], id="multibyte"),
    # line ends
    pytest.param(b"data: a\r\rdata: b\r\r", [ev("a"), ev("b")], id="cr"),
    pytest.param(b"data: a\r\n\r\ndata: b\r\n\r\n", [ev("a"), ev("b")], id="crlf"),
    pytest.param(b"data: a\ndata: b\r\ndata: c\r\r\n", [ev("a\nb\nc")], id="mixed"),
    pytest.param(b"data: a\n\rdata: b\n\n", [ev("a"), ev("b")], id="lf-cr-is-two-ends"),
    pytest.param(b"data: a\r\n\ndata: b\r\r\n", [ev("a"), ev("b")], id="crlf-then-lf"),
    pytest.param(
        "data: a\u2028b\x85c\x0bd\x0ce\x1cf\u2029\n\n".encode(),
        [ev("a\u2028b\x85c\x0bd\x0ce\x1cf\u2029")],
        id="only-cr-and-lf-end-lines",
    ),
    # fields
    pytest.param(b"data:   x\n\n", [ev("  x")], id="one-space-stripped"),
    pytest.param(b"data:\tx\n\n", [ev("\tx")], id="tab-kept"),
    pytest.param(b"data: a: b:c\n\n", [ev("a: b:c")], id="first-colon-splits"),
    pytest.param(b"data\n\n", [ev("")], id="no-colon-empty-value"),
    pytest.param(b"event\ndata: x\n\n", [ev("x")], id="no-colon-event-is-empty"),
    pytest.param(b"Data: x\n\nDATA: y\n\n", [], id="names-case-sensitive"),
    pytest.param(b"data : x\n\n", [], id="space-before-colon-other-field"),
    pytest.param(b"foo: bar\nfoo\ndata: x\n\n", [ev("x")], id="unknown-field-ignored"),
    pytest.param(b":data: x\n\n", [], id="comment-not-field"),
    pytest.param(b"data: a\n:comment\ndata: b\n\n", [ev("a\nb")], id="comment-mid-event"),
    pytest.param(b"data: \ndata:\n\n", [ev("\n")], id="empty-data-lines"),
    pytest.param(b"data: a\n\n\n\n\ndata: b\n\n", [ev("a"), ev("b")], id="extra-blank-lines"),
    # event type
    pytest.param(b"event: a\ndata: 1\n\ndata: 2\n\n", [ev("1", "a"), ev("2")], id="type-reset"),
    pytest.param(b"event: a\nevent: b\ndata: 1\n\n", [ev("1", "b")], id="last-type-wins"),
    pytest.param(b"event:\ndata: 1\n\n", [ev("1")], id="empty-type-is-message"),
    pytest.param(b"event: a\n\ndata: 1\n\n", [ev("1")], id="undispatched-resets-type"),
    pytest.param(b"event: a\nid: 1\nretry: 5\n\n", [], id="no-data-no-event"),
    # id
    pytest.param(
        b"id: 1\ndata: a\n\ndata: b\n\n", [ev("a", id="1"), ev("b", id="1")], id="id-persists"
    ),
    pytest.param(
        b"id: 1\ndata: a\n\nid: 2\x00\ndata: b\n\nid: \x00\ndata: c\n\n",
        [ev("a", id="1"), ev("b", id="1"), ev("c", id="1")],
        id="id-with-nul-ignored",
    ),
    pytest.param(
        b"id: 1\ndata: a\n\nid\ndata: b\n\nid: 3\ndata: c\n\nid:\ndata: d\n\n",
        [ev("a", id="1"), ev("b"), ev("c", id="3"), ev("d")],
        id="empty-id-resets",
    ),
    pytest.param(b"id: 7\n\ndata: a\n\n", [ev("a", id="7")], id="id-only-block-counts"),
    pytest.param(b"data: a\nid: 7\n\n", [ev("a", id="7")], id="id-after-data"),
    pytest.param(b"id:  x y \ndata: a\n\n", [ev("a", id=" x y ")], id="id-kept-verbatim"),
    # retry
    pytest.param(b"retry: 5000\ndata: a\n\n", [ev("a", retry=5000)], id="retry"),
    pytest.param(b"retry: 0010\ndata: a\n\n", [ev("a", retry=10)], id="retry-leading-zeros"),
    pytest.param(
        b"retry: 5000\nretry: 1a\nretry: -1\nretry: 1.5\nretry: +1\nretry:  10\nretry: 10 \n"
        b"retry:\nretry\nretry: 1_000\nretry: \xd9\xa1\xd9\xa2\ndata: a\n\n",
        [ev("a", retry=5000)],
        id="retry-not-all-ascii-digits-ignored",
    ),
    pytest.param(
        b"retry: 1\ndata: a\n\ndata: b\n\nretry: 2\n\ndata: c\n\n",
        [ev("a", retry=1), ev("b", retry=1), ev("c", retry=2)],
        id="retry-persists",
    ),
    # the end of the stream
    pytest.param(b"data: a\n\ndata: b", [ev("a")], id="unfinished-line-discarded"),
    pytest.param(b"data: a\n\ndata: b\n", [ev("a")], id="unfinished-event-discarded"),
    pytest.param(b"data: a\n\ndata: b\r", [ev("a")], id="unfinished-event-cr"),
]


@pytest.mark.parametrize(("stream", "expected"), RULES)
def test_rules(stream: bytes, expected: list[ServerSentEvent]) -> None:
    assert parse(stream) == expected


@pytest.mark.parametrize(("stream", "expected"), RULES)
def test_rules_byte_by_byte(stream: bytes, expected: list[ServerSentEvent]) -> None:
    assert parse([stream[i : i + 1] for i in range(len(stream))]) == expected


def test_crlf_split_across_chunks_is_one_line_end() -> None:
    # Were the CR and the LF two line ends, the LF would be a blank line dispatching "a".
    assert parse([b"data: a\r", b"\ndata: b\r", b"\n\r", b"\n"]) == [ev("a\nb")]


def test_cr_at_chunk_end_dispatches_without_waiting() -> None:
    decoder = SSEDecoder()
    assert decoder.feed(b"data: a\r\r") == [ev("a")]
    assert decoder.feed(b"\ndata: b\n\n") == [ev("b")]


def test_bom_split_across_chunks_is_stripped() -> None:
    assert parse([b"\xef", b"\xbb", b"\xbfdata: a\n\n"]) == [ev("a")]


def test_every_two_chunk_split() -> None:
    stream = (
        BOM
        + "id: é1\r\nevent: ü\rdata: 🚀 a\r\n: c\n\r\ndata: \u2028".encode()
        + b"\xff\r\r\ndata: b\n\n"
    )
    expected = parse(stream)
    assert expected == [ev("🚀 a", "ü", "é1"), ev("\u2028\ufffd", id="é1"), ev("b", id="é1")]
    for cut in range(len(stream) + 1):
        assert parse([stream[:cut], stream[cut:]]) == expected, cut


def test_decoder_state_and_properties() -> None:
    decoder = SSEDecoder()
    assert (decoder.last_event_id, decoder.retry) == ("", None)
    assert decoder.feed(b"retry: 300\nid: 4\n") == []
    assert decoder.retry == 300  # takes effect at once
    assert decoder.last_event_id == ""  # only a blank line makes it the last event ID
    assert decoder.feed(b"\n") == []
    assert decoder.last_event_id == "4"
    assert decoder.feed(b"id: 5\ndata: x\n") == []
    assert decoder.close() == []  # the event is cut off: discarded, and its id too
    assert decoder.last_event_id == "4"


def test_close_starts_a_new_stream_keeping_id_and_retry() -> None:
    decoder = SSEDecoder()
    decoder.feed(b"retry: 9\nid: 3\ndata: a\n\nevent: x\ndata: partial\n\xe2\x82")
    assert decoder.close() == []
    # A new stream: BOM stripped again; no leftover data, type or bytes.
    assert decoder.feed(BOM + b"data: b\n\n") == [ev("b", id="3", retry=9)]


def test_initial_last_event_id() -> None:
    decoder = SSEDecoder(last_event_id="41")
    assert decoder.last_event_id == "41"
    assert decoder.feed(b"data: a\n\n") == [ev("a", id="41")]
    with pytest.raises(ConfigurationError, match="last_event_id"):
        SSEDecoder(last_event_id="a\nb")


def test_huge_retry_is_exact() -> None:
    digits = "12345678901234567890" * 500  # beyond int()'s default 4300 digit limit
    expected = functools.reduce(lambda number, digit: number * 10 + int(digit), digits, 0)
    assert parse(f"retry: {digits}\ndata: a\n\n".encode())[0].retry == expected


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


async def _agen(chunks: Iterable[bytes]) -> AsyncIterator[bytes]:
    for chunk in chunks:
        await asyncio.sleep(0)
        yield chunk


async def test_aiter_events() -> None:
    stream = b"data: a\r\n\r\nid: 2\nevent: e\ndata: b\n\ndata: cut"
    events = [event async for event in aiter_events(_agen([stream[:8], stream[8:]]))]
    assert events == [ev("a"), ev("b", "e", "2")]


async def test_aiter_events_line_cap() -> None:
    received = []
    with pytest.raises(SSEProtocolError):
        async for event in aiter_events(_agen([b"data: a\n\n" + b"y" * 50]), max_line_length=40):
            received.append(event)
    assert received == [ev("a")]


# --- properties ------------------------------------------------------------------------


@dataclass
class Block:
    """One block of a generated stream: the fields a server would send."""

    data: list[str]
    event: str | None
    id: str | None
    retry: int | None
    comment: str | None


# Field values: any characters but CR and LF (and, for ids, occasionally a NUL).
_value = st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\r\n"), max_size=12)
_name = st.text(
    st.characters(exclude_categories=("Cs",), exclude_characters="\r\n:"), min_size=1, max_size=8
)
_blocks = st.lists(
    st.builds(
        Block,
        data=st.lists(_value, max_size=3),
        event=st.none() | _name,
        id=st.none() | _value,
        retry=st.none() | st.integers(0, 10**12),
        comment=st.none() | _value,
    ),
    max_size=8,
)
_line_end = st.sampled_from(["\n", "\r", "\r\n"])


def _serialize(
    blocks: list[Block], draw_end: st.DrawFn, bom: bool
) -> tuple[bytes, list[ServerSentEvent]]:
    """The stream of `blocks` with random line ends, and the events it must give."""
    lines: list[str] = []
    expected: list[ServerSentEvent] = []
    last_id, retry = "", None
    for block in blocks:
        fields: list[str] = []
        if block.comment is not None:
            fields.append(":" + block.comment)
        if block.event is not None:
            fields.append("event: " + block.event)
        if block.id is not None:
            fields.append("id: " + block.id)
            if "\0" not in block.id:
                last_id = block.id
        if block.retry is not None:
            fields.append(f"retry: {block.retry}")
            retry = block.retry
        fields.extend("data: " + line for line in block.data)
        lines.extend(fields)
        lines.append("")  # the blank line that ends the block
        if block.data:
            expected.append(ev("\n".join(block.data), block.event or "message", last_id, retry))
    pieces: list[str] = []
    end = ""
    for line in lines:
        after_cr = end == "\r"
        end = draw_end(_line_end)
        if after_cr and not line and end == "\n":
            end = "\r\n"  # CR then LF would read as one CRLF, merging two line ends
        pieces.append(line + end)
    text = "".join(pieces)
    return (BOM if bom else b"") + text.encode(), expected


@st.composite
def streams(draw: st.DrawFn) -> tuple[bytes, list[ServerSentEvent]]:
    return _serialize(draw(_blocks), draw, draw(st.booleans()))


@st.composite
def chunkings(draw: st.DrawFn, data: bytes) -> list[bytes]:
    points = draw(st.lists(st.integers(0, len(data)), max_size=12))
    return split_at(data, points)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_generated_streams_give_their_events_for_any_chunking(data: st.DataObject) -> None:
    stream, expected = data.draw(streams())
    assert parse(stream) == expected
    assert parse(data.draw(chunkings(stream))) == expected
    assert parse([stream[i : i + 1] for i in range(len(stream))]) == expected


# Arbitrary bytes, weighted towards what matters: line ends, colons, field names, BOMs,
# multibyte characters and invalid UTF-8.
_piece = st.sampled_from(
    [b"\r", b"\n", b"\r\n", b":", b" ", b"data", b"event", b"id", b"retry", b"7", b"\x00",
     BOM, "é".encode(), "🚀".encode(), b"\xff", b"\xe2\x82", b"\xf0\x9f", b"x"]
)  # fmt: skip
_bytes = st.lists(_piece | st.binary(max_size=3), max_size=40).map(b"".join)


def _reference(stream: bytes) -> tuple[list[ServerSentEvent], str, int | None]:
    """A literal, character by character reading of HTML 9.2.6, for comparison."""
    text = stream.decode("utf-8", "replace")
    if text.startswith("\ufeff"):
        text = text[1:]
    lines, current, i = [], "", 0
    while i < len(text):
        char = text[i]
        if char == "\r":
            lines.append(current)
            current = ""
            if text[i + 1 : i + 2] == "\n":
                i += 1
        elif char == "\n":
            lines.append(current)
            current = ""
        else:
            current += char
        i += 1
    # `current` is an unfinished line: discarded at the end of the stream.
    events: list[ServerSentEvent] = []
    data_buffer, type_buffer, id_buffer, last_id, retry = "", "", "", "", None
    for line in lines:
        if line == "":
            last_id = id_buffer
            if data_buffer == "":
                type_buffer = ""
                continue
            if data_buffer.endswith("\n"):
                data_buffer = data_buffer[:-1]
            events.append(ev(data_buffer, type_buffer or "message", last_id, retry))
            data_buffer, type_buffer = "", ""
            continue
        if line.startswith(":"):
            continue
        if ":" in line:
            field, value = line.split(":", 1)
            if value.startswith(" "):
                value = value[1:]
        else:
            field, value = line, ""
        if field == "event":
            type_buffer = value
        elif field == "data":
            data_buffer += value + "\n"
        elif field == "id":
            if "\0" not in value:
                id_buffer = value
        elif field == "retry" and value and all(c in "0123456789" for c in value):
            retry = int(value)
    return events, last_id, retry


@settings(max_examples=500, deadline=None)
@given(st.data())
def test_arbitrary_bytes_match_a_literal_reading_of_the_standard(data: st.DataObject) -> None:
    stream = data.draw(_bytes)
    expected, last_id, retry = _reference(stream)
    decoder = SSEDecoder()
    got: list[ServerSentEvent] = []
    for chunk in data.draw(chunkings(stream)):
        got.extend(decoder.feed(chunk))
    got.extend(decoder.close())
    assert got == expected
    assert (decoder.last_event_id, decoder.retry) == (last_id, retry)


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_async_gives_the_same_as_sync(data: st.DataObject) -> None:
    stream = data.draw(_bytes | streams().map(lambda pair: pair[0]))
    chunks = data.draw(chunkings(stream))

    async def collect() -> list[ServerSentEvent]:
        return [event async for event in aiter_events(_agen(chunks))]

    assert asyncio.run(collect()) == list(iter_events(chunks))
