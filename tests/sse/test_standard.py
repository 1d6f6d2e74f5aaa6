"""The examples of the standard and every rule of it, one case each, in any chunking."""

from __future__ import annotations

import functools

import pytest
from agentplatform.errors import ConfigurationError
from agentplatform.sse import (
    ServerSentEvent,
    SSEDecoder,
)

from ._support import BOM, ev, parse

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
