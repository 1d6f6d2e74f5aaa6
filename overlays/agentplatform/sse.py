"""Server-sent events, parsed exactly as the WHATWG HTML standard says.

The rules are those of "Interpreting an event stream" (HTML, section 9.2.6):

- bytes are decoded as UTF-8 (invalid bytes become U+FFFD) and one leading
  byte order mark is stripped, at the very start of the stream only;
- lines end with CRLF, LF or CR, also when a CRLF is split between two chunks;
- a line starting with ``:`` is a comment; a line without a colon is a field
  with an empty value; one space after the colon is removed from the value;
- ``data`` lines are joined with LF; a blank line dispatches the event, unless
  no ``data`` line arrived since the last one (the event type is reset anyway);
- ``id`` sets the last event ID unless the value contains NUL; it persists
  from event to event, and an empty value resets it;
- ``retry`` sets the reconnection time when the value is only ASCII digits;
- other fields are ignored; an event not ended by a blank line when the stream
  ends is discarded.

One limit is added: a line longer than ``max_line_length`` characters (1 MiB by
default) raises `SSEProtocolError`, so a server cannot make the decoder buffer
without bound.

`SSEDecoder` is incremental (feed it chunks as they arrive); `iter_events` and
`aiter_events` wrap it around sync and async byte iterators::

    for event in iter_events(response.iter_bytes()):
        print(event.event, event.json())
"""

from __future__ import annotations

import codecs
import json
import sys
from collections.abc import AsyncIterable, AsyncIterator, Iterable, Iterator
from typing import Any, Final

from agentplatform.errors import APIResponseValidationError, ConfigurationError

__all__ = [
    "DEFAULT_MAX_LINE_LENGTH",
    "SSEDecoder",
    "SSEProtocolError",
    "ServerSentEvent",
    "aiter_events",
    "iter_events",
]

DEFAULT_MAX_LINE_LENGTH: Final = 1024 * 1024
"""The longest line `SSEDecoder` accepts by default, in characters (1 MiB of ASCII)."""

_DIGITS: Final = frozenset("0123456789")


class SSEProtocolError(APIResponseValidationError):
    """The event stream breaks a limit of the decoder, such as the line length cap.

    Attributes:
        events: the events that the chunk being fed completed before the offending
            line; `iter_events` and `aiter_events` yield them before raising.
    """

    def __init__(
        self,
        message: str,
        *,
        events: list[ServerSentEvent] | None = None,
        status_code: int | None = None,
        request_id: str | None = None,
    ) -> None:
        super().__init__(message, status_code=status_code, request_id=request_id)
        self.events: list[ServerSentEvent] = events or []


class ServerSentEvent:
    """One dispatched event. Immutable.

    Attributes:
        event: the event type; ``"message"`` when the server sent no ``event`` field.
        data: the ``data`` lines of the event, joined with ``"\\n"``.
        id: the last event ID of the stream when the event was dispatched; it
            persists across events, so an event without ``id`` keeps the one before.
        retry: the reconnection time of the stream in milliseconds when the event
            was dispatched, or ``None`` while the server has not set one.
    """

    __slots__ = ("_data", "_event", "_id", "_retry")

    def __init__(
        self, event: str = "message", data: str = "", id: str = "", retry: int | None = None
    ) -> None:
        self._event = event
        self._data = data
        self._id = id
        self._retry = retry

    @property
    def event(self) -> str:
        """The event type (``"message"`` by default)."""
        return self._event

    @property
    def data(self) -> str:
        """The event's data."""
        return self._data

    @property
    def id(self) -> str:
        """The last event ID in force at dispatch (``""`` when none was set)."""
        return self._id

    @property
    def retry(self) -> int | None:
        """The reconnection time in milliseconds in force at dispatch, if any."""
        return self._retry

    def json(self) -> Any:
        """The data parsed as JSON.

        Raises:
            APIResponseValidationError: the data is not valid JSON.
        """
        try:
            return json.loads(self._data)
        except ValueError as exc:
            raise APIResponseValidationError(
                f"the data of a {self._event!r} event is not valid JSON ({exc}); "
                "read the raw text from `event.data` instead",
                field="data",
            ) from exc

    def _key(self) -> tuple[str, str, str, int | None]:
        return (self._event, self._data, self._id, self._retry)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ServerSentEvent):
            return NotImplemented
        return self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        return (
            f"ServerSentEvent(event={self._event!r}, data={self._data!r}, "
            f"id={self._id!r}, retry={self._retry!r})"
        )

    def __reduce__(self) -> tuple[Any, ...]:
        return (ServerSentEvent, self._key())


class SSEDecoder:
    """An incremental event stream parser: bytes in, `ServerSentEvent` out.

    ``feed`` each chunk as it arrives and call ``close`` at the end of the stream.
    A chunk may end anywhere, even inside a UTF-8 character or a CRLF pair.

    After ``close`` the decoder is ready for a new stream (a reconnection): the
    last event ID and the reconnection time carry over, all else starts afresh.

    Args:
        max_line_length: the longest line accepted, in characters without the line
            end. A longer line raises `SSEProtocolError`, so a hostile or broken
            server cannot make the decoder buffer without bound. After that error
            the stream cannot be trusted: drop it (or ``close`` and reconnect).
        last_event_id: the last event ID to start from, e.g. the one sent in a
            ``Last-Event-ID`` header to resume a stream.
    """

    __slots__ = (
        "_bom",
        "_cr",
        "_data",
        "_decode",
        "_event",
        "_id_buffer",
        "_last_event_id",
        "_max_line_length",
        "_pending",
        "_pending_length",
        "_retry",
    )

    def __init__(
        self, max_line_length: int = DEFAULT_MAX_LINE_LENGTH, *, last_event_id: str = ""
    ) -> None:
        if max_line_length < 1:
            raise ConfigurationError(
                f"max_line_length must be a positive number of characters, not {max_line_length}"
            )
        if "\0" in last_event_id or "\n" in last_event_id or "\r" in last_event_id:
            raise ConfigurationError(
                "last_event_id must not contain NUL, LF or CR: pass the `last_event_id` "
                "of an earlier decoder or event"
            )
        self._max_line_length = max_line_length
        self._last_event_id = last_event_id
        self._retry: int | None = None
        self._start_stream()

    def _start_stream(self) -> None:
        self._decode = codecs.getincrementaldecoder("utf-8")("replace").decode
        self._bom = True  # the first character decoded may still be a BOM to strip
        self._cr = False  # the text so far ended with CR: a leading LF belongs to it
        self._pending: list[str] = []  # the unfinished line, in pieces
        self._pending_length = 0
        self._data: list[str] = []
        self._event = ""
        self._id_buffer = self._last_event_id

    @property
    def last_event_id(self) -> str:
        """The last event ID: what to send as ``Last-Event-ID`` when reconnecting.

        It changes when a blank line ends a block (dispatched or not), so an ``id``
        in an event cut off by the end of the stream does not count.
        """
        return self._last_event_id

    @property
    def retry(self) -> int | None:
        """The reconnection time in milliseconds set by the server, or ``None``."""
        return self._retry

    def feed(self, chunk: bytes) -> list[ServerSentEvent]:
        """Parse the next chunk of the stream and return the events it completes.

        Raises:
            SSEProtocolError: a line is longer than ``max_line_length``; the events
                the chunk completed before that line are on its ``events``.
        """
        text = self._decode(chunk)
        if not text:
            return []
        if self._bom:
            self._bom = False
            if text[0] == "\ufeff":
                text = text[1:]
                if not text:
                    return []
        if self._cr:
            self._cr = False
            if text[0] == "\n":
                text = text[1:]
                if not text:
                    return []
        if "\r" in text:
            # A CR at the very end is a complete line end; remember it so that an
            # LF at the start of the next chunk is not taken for a second one.
            self._cr = text[-1] == "\r"
            text = text.replace("\r\n", "\n").replace("\r", "\n")
        cap = self._max_line_length
        if "\n" not in text:
            self._pending.append(text)
            self._pending_length += len(text)
            if self._pending_length > cap:
                raise self._line_too_long([])
            return []
        if self._pending:
            self._pending.append(text)
            text = "".join(self._pending)
            self._pending = []
        lines = text.split("\n")
        rest = lines.pop()
        if len(text) > cap:
            for index, line in enumerate(lines):
                if len(line) > cap:
                    raise self._line_too_long(self._process(lines[:index]))
            if len(rest) > cap:
                raise self._line_too_long(self._process(lines))
        if rest:
            self._pending.append(rest)
        self._pending_length = len(rest)
        return self._process(lines)

    def close(self) -> list[ServerSentEvent]:
        """End the stream: an unfinished event is discarded, as the standard says.

        Returns the events still to dispatch, which is always none: an event is
        dispatched only by a blank line. The list is there for symmetry with
        `feed`. The decoder is then ready for a new stream.
        """
        self._decode(b"", True)
        self._start_stream()
        return []

    def _line_too_long(self, events: list[ServerSentEvent]) -> SSEProtocolError:
        self._pending = []
        self._pending_length = 0
        return SSEProtocolError(
            f"a server-sent event line is longer than {self._max_line_length} characters; "
            "the server is misbehaving, or raise max_line_length if such lines are expected",
            events=events,
        )

    def _process(self, lines: list[str]) -> list[ServerSentEvent]:
        events: list[ServerSentEvent] = []
        emit = events.append
        join = "\n".join
        new_event = ServerSentEvent
        data = self._data
        event = self._event
        id_buffer = self._id_buffer
        for line in lines:
            if not line:
                # A blank line: dispatch the event.
                self._last_event_id = id_buffer
                if data:
                    emit(new_event(event or "message", join(data), id_buffer, self._retry))
                    data = []
                event = ""
                continue
            # No colon: the whole line is the field name and the value is empty.
            field, _, value = line.partition(":")
            if not field:
                continue  # the line starts with a colon: a comment
            if value[:1] == " ":
                value = value[1:]
            if field == "data":
                data.append(value)
            elif field == "event":
                event = value
            elif field == "id":
                if "\0" not in value:
                    id_buffer = value
            elif field == "retry" and value and _DIGITS.issuperset(value):
                self._retry = _decimal(value)
            # Any other field is ignored.
        self._data = data
        self._event = event
        self._id_buffer = id_buffer
        return events


def _decimal(digits: str) -> int:
    """The integer of a string of ASCII digits, however long.

    ``int()`` refuses strings longer than ``sys.get_int_max_str_digits()``; halving
    keeps each conversion under that limit and the whole in subquadratic time.
    """
    limit = sys.get_int_max_str_digits()
    if not limit or len(digits) <= limit:
        return int(digits)
    half = len(digits) // 2
    low = digits[half:]
    scale: int = 10 ** len(low)
    return _decimal(digits[:half]) * scale + _decimal(low)


def iter_events(
    chunks: Iterable[bytes], *, max_line_length: int = DEFAULT_MAX_LINE_LENGTH
) -> Iterator[ServerSentEvent]:
    """Yield the events of a byte stream, e.g. ``response.iter_bytes()``.

    Raises:
        SSEProtocolError: a line is longer than ``max_line_length``.
    """
    decoder = SSEDecoder(max_line_length)
    for chunk in chunks:
        try:
            events = decoder.feed(chunk)
        except SSEProtocolError as exc:
            yield from exc.events
            raise
        yield from events
    yield from decoder.close()


async def aiter_events(
    chunks: AsyncIterable[bytes], *, max_line_length: int = DEFAULT_MAX_LINE_LENGTH
) -> AsyncIterator[ServerSentEvent]:
    """Yield the events of an async byte stream, e.g. ``response.aiter_bytes()``.

    Raises:
        SSEProtocolError: a line is longer than ``max_line_length``.
    """
    decoder = SSEDecoder(max_line_length)
    async for chunk in chunks:
        try:
            events = decoder.feed(chunk)
        except SSEProtocolError as exc:
            for event in exc.events:
                yield event
            raise
        for event in events:
            yield event
    for event in decoder.close():
        yield event
