"""Generated streams and arbitrary bytes: what the standard says, for any chunking."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from agentplatform.sse import (
    ServerSentEvent,
    SSEDecoder,
    aiter_events,
    iter_events,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ._support import BOM, agen, ev, parse, split_at

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
        return [event async for event in aiter_events(agen(chunks))]

    assert asyncio.run(collect()) == list(iter_events(chunks))
