"""Typed, resumable event streams: what `client.chat.stream(...)` returns.

```python
with client.chat.stream("Who wrote the first program?") as stream:
    for text in stream.text_deltas():
        print(text, end="", flush=True)
    reply = stream.final_response()
```

The body is parsed by `agentplatform.sse` and each event is turned into its model:
`message.delta` into a `ChatDelta`, `message.completed` into a `ChatResponse`; an `error`
event raises `StreamError`, and an event name this version does not know is yielded as
an `UnknownStreamEvent`. A connection that drops (or ends before `message.completed`) is
resumed: the same request, with the same `Idempotency-Key`, is sent again with
`Last-Event-ID`, and events the server repeats are skipped, so none is lost or doubled.
The request is sent when the `with` block starts (or at the first iteration); leaving
the block, breaking out of a loop over the stream, or `close()` closes the connection.
"""

from __future__ import annotations

import inspect
import time
import uuid
from collections import deque
from collections.abc import AsyncGenerator, AsyncIterator, Callable, Generator, Iterator
from types import TracebackType
from typing import TYPE_CHECKING, Any, Generic, NoReturn, Self, TypeAlias, TypeVar

import attrs
import httpx
from agentplatform_api.models import ChatDelta, ChatResponse, Problem

from . import _retry, _transport
from ._operation import Call, RequestOptions
from ._validation import checker_for, validate
from .errors import (
    AgentPlatformError,
    APIConnectionError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    InvalidParameterError,
    StreamError,
)
from .sse import ServerSentEvent, SSEDecoder, SSEProtocolError

if TYPE_CHECKING:
    from ._runners import AsyncCore, SyncCore

__all__ = [
    "AsyncChatStream",
    "ChatStream",
    "ChatStreamEvent",
    "StreamCall",
    "UnknownStreamEvent",
]

SyncStreamT = TypeVar("SyncStreamT")
AsyncStreamT = TypeVar("AsyncStreamT")

_MAX_RESUME_DELAY_S = 30.0
_DELTA = "message.delta"
_COMPLETED = "message.completed"
_ERROR = "error"
_CLOSED_EARLY = (
    "The stream was closed before its message.completed event arrived; read it to the end "
    "(or call final_response()) before leaving the with-block or breaking out of the loop."
)


@attrs.frozen
class UnknownStreamEvent:
    """An event whose name this version of the SDK does not know; yielded, never an error.

    Attributes:
        name: the event name (``"message"`` when the server sent none).
        data: the raw data of the event.
        id: the event id (``""`` when the server sent none).
    """

    name: str
    data: str
    id: str

    def json(self) -> Any:
        """The data parsed as JSON (`APIResponseValidationError` when it is not JSON)."""
        return ServerSentEvent(self.name, self.data, self.id).json()


ChatStreamEvent: TypeAlias = ChatDelta | ChatResponse | UnknownStreamEvent
"""What iterating a chat stream yields."""


@attrs.frozen
class StreamCall(Generic[SyncStreamT, AsyncStreamT]):
    """A streamed request and the stream classes that serve it sync and async.

    Built by a resource method decorated with `_operation.streamed`; the runner opens it.
    """

    call: Call[Any]
    sync_stream: Callable[[SyncCore, StreamCall[Any, Any]], SyncStreamT]
    async_stream: Callable[[AsyncCore, StreamCall[Any, Any]], AsyncStreamT]
    max_resume_attempts: int = 3
    idle_timeout: float | None = None


def chat_stream_call(
    call: Call[Any], *, max_resume_attempts: int, idle_timeout: float | None
) -> StreamCall[ChatStream, AsyncChatStream]:
    """A checked `StreamCall` for `streamChat`, with a fixed idempotency key for resumes."""
    if not isinstance(max_resume_attempts, int) or isinstance(max_resume_attempts, bool):
        raise InvalidParameterError(
            "max_resume_attempts", f"expected an integer, got {type(max_resume_attempts).__name__}."
        )
    if max_resume_attempts < 0:
        raise InvalidParameterError("max_resume_attempts", "must be >= 0.")
    if idle_timeout is not None and (
        not isinstance(idle_timeout, (int, float))
        or isinstance(idle_timeout, bool)
        or not 0 < idle_timeout < float("inf")
    ):
        raise InvalidParameterError(
            "idle_timeout", f"expected a positive number of seconds or None, got {idle_timeout!r}."
        )
    options: RequestOptions = {**call.options}
    options.setdefault("idempotency_key", str(uuid.uuid4()))
    options["extra_headers"] = {**options.get("extra_headers", {}), "Accept": "text/event-stream"}
    return StreamCall(
        attrs.evolve(call, options=options),
        ChatStream,
        AsyncChatStream,
        max_resume_attempts=max_resume_attempts,
        idle_timeout=None if idle_timeout is None else float(idle_timeout),
    )


class _Ended(Exception):
    """Internal: the body ended before `message.completed`."""


class _Session:
    """The I/O-free part of a chat stream, shared by the sync and async classes.

    It builds each request, decodes and de-duplicates events, and decides whether a
    dropped connection is resumed (and after how long) or its error is raised.
    """

    def __init__(
        self, stream_call: StreamCall[Any, Any], config_timeout: float | None, client: httpx.Timeout
    ) -> None:
        call = stream_call.call
        chosen = call.options.get("timeout", config_timeout)
        if chosen is None:
            base = client
        elif isinstance(chosen, httpx.Timeout):
            base = chosen
        else:
            base = httpx.Timeout(chosen)
        idle = stream_call.idle_timeout if stream_call.idle_timeout is not None else base.read
        self.idle = idle
        timeout = httpx.Timeout(connect=base.connect, read=idle, write=base.write, pool=base.pool)
        self.call: Call[Any] = attrs.evolve(call, options={**call.options, "timeout": timeout})
        self.max_resume_attempts = stream_call.max_resume_attempts
        self.decoder = SSEDecoder()
        self.last_id = ""
        self.delivered = 0
        self.connections = 0
        self.failures = 0  # reconnections in a row that brought no new event
        self.resuming = False
        self.completed: ChatResponse | None = None
        # An error event that came in the same chunk as events before it: raised once
        # those are delivered.
        self.deferred: AgentPlatformError | None = None
        self.request_ids: list[str] = []
        self.status_code: int | None = None
        self.last_event_at = 0.0

    @property
    def request_id(self) -> str | None:
        return self.request_ids[-1] if self.request_ids else None

    def request(self) -> Call[Any]:
        """The call for the next connection: resumed after the last event delivered."""
        if not self.last_id:
            return self.call
        return attrs.evolve(self.call, kwargs={**self.call.kwargs, "last_event_id": self.last_id})

    def opened(self, response: httpx.Response) -> None:
        """Check a new connection's response before reading events from it."""
        self.connections += 1
        self.status_code = response.status_code
        request_id = response.headers.get("x-request-id")
        if request_id:
            self.request_ids.append(request_id)
        if response.status_code != 200:
            raise self._invalid(
                f"Status {response.status_code} is not a documented answer to streamChat."
            )
        media_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
        if media_type != "text/event-stream":
            raise self._invalid(
                f"The stream came back as {media_type or 'no content type'!r}, "
                "not 'text/event-stream'."
            )
        self.last_event_at = time.monotonic()

    def feed(self, chunk: bytes) -> list[ChatStreamEvent]:
        """The typed events a chunk completes; raises on an `error` event or a bad payload."""
        try:
            dispatched = self.decoder.feed(chunk)
        except SSEProtocolError as exc:
            exc.status_code = self.status_code
            exc.request_id = self.request_id
            raise
        now = time.monotonic()
        if dispatched:
            self.last_event_at = now
        elif self.idle is not None and now - self.last_event_at > self.idle:
            raise APITimeoutError(self._idle_message(), request_id=self.request_id)
        events: list[ChatStreamEvent] = []
        for sse in dispatched:
            try:
                event = self._accept(sse)
            except AgentPlatformError as error:
                if not events:
                    raise
                self.deferred = error
                break
            if event is not None:
                events.append(event)
            if self.completed is not None:
                break
        return events

    def _accept(self, sse: ServerSentEvent) -> ChatStreamEvent | None:
        if self.resuming:
            if _already_seen(sse.id, self.last_id):
                return None
            self.resuming = False
        event = self._decode(sse)
        self.last_id = sse.id
        self.delivered += 1
        self.failures = 0
        if isinstance(event, ChatResponse):
            self.completed = event
        return event

    def _decode(self, sse: ServerSentEvent) -> ChatStreamEvent:
        if sse.event == _DELTA:
            return self._model(ChatDelta, sse)
        if sse.event == _COMPLETED:
            return self._model(ChatResponse, sse)
        if sse.event == _ERROR:
            raise self._stream_error(sse)
        return UnknownStreamEvent(sse.event, sse.data, sse.id)

    def _model(
        self, cls: type[ChatDelta] | type[ChatResponse], sse: ServerSentEvent
    ) -> ChatDelta | ChatResponse:
        where = f"The data of the {sse.event!r} event" + (f" (id {sse.id})" if sse.id else "")
        try:
            payload = sse.json()
        except APIResponseValidationError:
            raise self._invalid(f"{where} is not valid JSON: {sse.data[:100]!r}.") from None
        if not isinstance(payload, dict):
            raise self._invalid(f"{where} should be a JSON object ({cls.__name__}).")
        try:
            model = cls.from_dict(payload)
        except KeyError as exc:
            field = str(exc.args[0]) if exc.args else None
            raise self._invalid(
                f"{where} does not match the API spec: required field {field!r} is missing.",
                field=field,
            ) from None
        except (TypeError, ValueError, AttributeError) as exc:
            raise self._invalid(f"{where} does not match the API spec: {exc}") from None
        mismatch = checker_for(cls)(model, "")
        if mismatch is not None:
            field, expected = mismatch
            raise self._invalid(
                f"{where} does not match the API spec: field {field!r} should be {expected}.",
                field=field,
            )
        return model

    def _stream_error(self, sse: ServerSentEvent) -> StreamError:
        problem: Problem | None
        try:
            problem = Problem.from_dict(sse.json())
            validate(problem)
        except (KeyError, TypeError, ValueError, AttributeError, APIResponseValidationError):
            problem = None
        if problem is None:
            detail = f"its data is not a problem document: {sse.data[:200]!r}"
            retryable = False
        else:
            detail = (problem.detail if isinstance(problem.detail, str) else "") or problem.title
            flag = problem.additional_properties.get("retryable")
            retryable = (
                flag
                if isinstance(flag, bool)
                else problem.status >= 500 or problem.status in _retry.RETRYABLE_STATUSES
            )
        message = f"The stream reported an error: {detail.rstrip('.')}."
        if problem is None:
            message += " Send the message again if it persists, report it with the request id."
        if self.request_id:
            message += f" Request id: {self.request_id}."
        return StreamError(message, problem=problem, retryable=retryable)

    def _invalid(self, message: str, *, field: str | None = None) -> APIResponseValidationError:
        return APIResponseValidationError(
            message, field=field, status_code=self.status_code, request_id=self.request_id
        )

    def _idle_message(self) -> str:
        waited = "too long" if self.idle is None else f"{self.idle:g} s"
        return f"No event arrived on the stream for {waited}; raise idle_timeout= if it is slow."

    def dropped(self, cause: BaseException) -> float:
        """The wait before resuming after `cause`, or raise the error that ends the stream.

        `cause` is a transport error, an `APIConnectionError` from reconnecting, or
        `_Ended` (the body ended before `message.completed`).
        """
        self.decoder.close()
        error = self._error_for(cause)
        if self.failures >= self.max_resume_attempts:
            raise error
        if self.delivered and not (self.last_id and self.last_id.isascii()):
            raise self._described(
                APIConnectionError(
                    f"{error} The server sent no event ids (or ids that cannot go in a "
                    "Last-Event-ID header), so the stream cannot be resumed.",
                    request_id=self.request_id,
                )
            ) from cause
        self.failures += 1
        self.resuming = True
        if isinstance(cause, APIStatusError):  # a resume the server refused for now
            wait = _retry.retry_after_seconds(httpx.Headers(cause.headers))
            if wait is not None:
                if wait > _retry.MAX_RETRY_AFTER_S:
                    raise cause
                return wait
        retry_ms = self.decoder.retry
        if retry_ms is not None:
            return min(retry_ms / 1000.0, _MAX_RESUME_DELAY_S)
        return _retry.backoff_delay(self.failures - 1)

    def _error_for(self, cause: BaseException) -> AgentPlatformError:
        if isinstance(cause, AgentPlatformError):
            return cause
        if isinstance(cause, _Ended):
            return self._invalid(
                "The stream ended before its message.completed event "
                f"(after {self.max_resume_attempts} resume attempt(s))."
            )
        if isinstance(cause, httpx.TimeoutException):
            return self._described(
                APITimeoutError(self._idle_message(), request_id=self.request_id)
            )
        return self._described(
            APIConnectionError(
                f"The stream's connection failed ({type(cause).__name__}: {cause}) "
                f"after {self.max_resume_attempts} resume attempt(s); check the network.",
                request_id=self.request_id,
            )
        )

    def _described(self, error: APIConnectionError) -> APIConnectionError:
        """The error with the stream request's method, path and idempotency key."""
        error.method = "POST"
        error.path = self.call.endpoint._get_kwargs(**self.call.kwargs)["url"]
        error.idempotency_key = self.call.options.get("idempotency_key")
        return error


def _resumable(error: AgentPlatformError) -> bool:
    """Whether a failed resume may be tried again: a network failure or a retryable
    status (5xx, 429, ...), within the stream's resume attempts."""
    return isinstance(error, APIConnectionError) or (
        isinstance(error, APIStatusError) and error.retryable
    )


def _already_seen(event_id: str, last_id: str) -> bool:
    """Whether an event after a resume repeats one delivered before it."""
    if event_id == last_id:
        return True
    if event_id.isdecimal() and last_id.isdecimal():
        return int(event_id) <= int(last_id)
    return False


class _StreamBase:
    _session: _Session
    _response: httpx.Response | None
    _error: AgentPlatformError | None
    _closed: bool

    @property
    def request_id(self) -> str | None:
        """The `X-Request-ID` of the latest connection (None before the request is sent)."""
        return self._session.request_id

    @property
    def request_ids(self) -> list[str]:
        """The request ids of every connection, the first one and each resume."""
        return list(self._session.request_ids)

    @property
    def response(self) -> httpx.Response | None:
        """The `httpx.Response` of the current connection, if one is open."""
        return self._response

    @property
    def last_event_id(self) -> str:
        """The id of the last event delivered: where a resume starts."""
        return self._session.last_id

    @property
    def resumes(self) -> int:
        """How many times the stream was resumed after a dropped connection."""
        return max(0, self._session.connections - 1)

    @property
    def closed(self) -> bool:
        """Whether the stream is closed (completed, failed, or closed early)."""
        return self._closed

    def _final(self) -> ChatResponse:
        if self._session.completed is None:  # closed while being read
            raise StreamError(_CLOSED_EARLY)
        return self._session.completed

    def _check_open(self) -> None:
        if self._error is not None:
            raise self._error
        if self._closed and self._session.completed is None:
            raise StreamError(_CLOSED_EARLY)


class ChatStream(_StreamBase):
    """A chat reply arriving as events; iterate it inside a `with` block.

    Iterating yields `ChatDelta`, then the `ChatResponse` of `message.completed`, and
    `UnknownStreamEvent` for event names this SDK does not know.

    Raises (while iterating):
        StreamError: the server sent an `error` event (see `problem`, `retryable`).
        APIResponseValidationError: an event's data breaks the API spec, or the stream
            kept ending before `message.completed`.
        APIConnectionError, APITimeoutError: the connection failed (or no event arrived
            within `idle_timeout`) and resuming did not help.
        APIStatusError: the server refused the request (raised when the block starts).
    """

    def __init__(self, core: SyncCore, call: StreamCall[Any, Any]) -> None:
        self._core = core
        self._session = _Session(call, core.config.timeout, core.http.timeout)
        self._response = None
        self._chunks: Iterator[bytes] | None = None
        self._pending: deque[ChatStreamEvent] = deque()
        self._error = None
        self._closed = False

    def __enter__(self) -> Self:
        self._check_open()
        if self._session.connections == 0:
            self._open()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __iter__(self) -> Generator[ChatStreamEvent, None, None]:
        """Yield each event; leaving the loop early closes the stream."""
        self._check_open()
        try:
            while True:
                event = self._next()
                if event is None:
                    return
                yield event
        finally:
            self.close()

    def text_deltas(self) -> Iterator[str]:
        """Yield just the text of each `message.delta`."""
        events = self.__iter__()
        try:
            for event in events:
                if isinstance(event, ChatDelta):
                    yield event.content
        finally:
            events.close()

    def final_response(self) -> ChatResponse:
        """Read to the end and return the `message.completed` reply."""
        if self._session.completed is None:
            for _ in self:
                pass
        return self._final()

    def close(self) -> None:
        """Close the connection (idempotent)."""
        self._closed = True
        self._release()

    def _release(self) -> None:
        chunks, response = self._chunks, self._response
        self._chunks = self._response = None
        try:
            if chunks is not None:
                chunks.close()  # type: ignore[attr-defined]
            if response is not None:
                response.close()
        except httpx.HTTPError:  # pragma: no cover - closing a broken connection
            pass

    def _open(self) -> None:
        """Send the request (again, when resuming) and check the response."""
        first = self._session.connections == 0
        try:
            response = self._core.send(self._session.request(), stream=True)
        except AgentPlatformError as error:
            if first or not _resumable(error):
                self._stop(error)
            self._drop(error)
            return
        self._response = response
        self._chunks = response.iter_bytes()
        try:
            self._session.opened(response)
        except AgentPlatformError as error:
            self._fail(error)

    def _next(self) -> ChatStreamEvent | None:
        while not self._pending:
            if self._session.deferred is not None:
                self._fail(self._session.deferred)
            if self._closed or self._session.completed is not None:
                self.close()
                return None
            if self._chunks is None:
                self._open()
                continue
            try:
                chunk = next(self._chunks)
            except StopIteration:
                self._drop(_Ended())
                continue
            except httpx.HTTPError as exc:
                self._drop(exc)
                continue
            try:
                self._pending.extend(self._session.feed(chunk))
            except APITimeoutError as error:
                self._drop(error)
            except AgentPlatformError as error:
                self._fail(error)
            if self._session.completed is not None:
                self._release()
        return self._pending.popleft()

    def _drop(self, cause: BaseException) -> None:
        """Resume after a dropped connection, or fail when the attempts are used up."""
        self._release()
        try:
            delay = self._session.dropped(cause)
        except AgentPlatformError as error:
            if error is cause:  # raised by `core.send`, which ran the hooks
                self._stop(error)
            self._fail(error)
        _transport.sleep(delay)

    def _fail(self, error: AgentPlatformError) -> NoReturn:
        for hook in self._core.hooks.on_error:
            hook(error)
        self._stop(error)

    def _stop(self, error: AgentPlatformError) -> NoReturn:
        self._error = error
        self.close()
        raise error


class AsyncChatStream(_StreamBase):
    """The async twin of `ChatStream`: `async with`, `async for`, `await final_response()`."""

    def __init__(self, core: AsyncCore, call: StreamCall[Any, Any]) -> None:
        self._core = core
        self._session = _Session(call, core.config.timeout, core.http.timeout)
        self._response = None
        self._chunks: AsyncIterator[bytes] | None = None
        self._pending: deque[ChatStreamEvent] = deque()
        self._error = None
        self._closed = False

    async def __aenter__(self) -> Self:
        self._check_open()
        if self._session.connections == 0:
            await self._open()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    async def __aiter__(self) -> AsyncGenerator[ChatStreamEvent, None]:
        """Yield each event; leaving the loop early closes the stream."""
        self._check_open()
        try:
            while True:
                event = await self._next()
                if event is None:
                    return
                yield event
        finally:
            await self.close()

    async def text_deltas(self) -> AsyncIterator[str]:
        """Yield just the text of each `message.delta`."""
        events = self.__aiter__()
        try:
            async for event in events:
                if isinstance(event, ChatDelta):
                    yield event.content
        finally:
            await events.aclose()

    async def final_response(self) -> ChatResponse:
        """Read to the end and return the `message.completed` reply."""
        if self._session.completed is None:
            async for _ in self:
                pass
        return self._final()

    async def close(self) -> None:
        """Close the connection (idempotent)."""
        self._closed = True
        await self._release()

    async def aclose(self) -> None:
        """Alias of `close()`."""
        await self.close()

    async def _release(self) -> None:
        chunks, response = self._chunks, self._response
        self._chunks = self._response = None
        try:
            if chunks is not None:
                await chunks.aclose()  # type: ignore[attr-defined]
            if response is not None:
                await response.aclose()
        except httpx.HTTPError:  # pragma: no cover - closing a broken connection
            pass

    async def _open(self) -> None:
        """Send the request (again, when resuming) and check the response."""
        first = self._session.connections == 0
        try:
            response = await self._core.send(self._session.request(), stream=True)
        except AgentPlatformError as error:
            if first or not _resumable(error):
                await self._stop(error)
            await self._drop(error)
            return
        self._response = response
        self._chunks = response.aiter_bytes()
        try:
            self._session.opened(response)
        except AgentPlatformError as error:
            await self._fail(error)

    async def _next(self) -> ChatStreamEvent | None:
        while not self._pending:
            if self._session.deferred is not None:
                await self._fail(self._session.deferred)
            if self._closed or self._session.completed is not None:
                await self.close()
                return None
            if self._chunks is None:
                await self._open()
                continue
            try:
                chunk = await anext(self._chunks)
            except StopAsyncIteration:
                await self._drop(_Ended())
                continue
            except httpx.HTTPError as exc:
                await self._drop(exc)
                continue
            try:
                self._pending.extend(self._session.feed(chunk))
            except APITimeoutError as error:
                await self._drop(error)
            except AgentPlatformError as error:
                await self._fail(error)
            if self._session.completed is not None:
                await self._release()
        return self._pending.popleft()

    async def _drop(self, cause: BaseException) -> None:
        """Resume after a dropped connection, or fail when the attempts are used up."""
        await self._release()
        try:
            delay = self._session.dropped(cause)
        except AgentPlatformError as error:
            if error is cause:  # raised by `core.send`, which ran the hooks
                await self._stop(error)
            await self._fail(error)
        await _transport.async_sleep(delay)

    async def _fail(self, error: AgentPlatformError) -> NoReturn:
        for hook in self._core.hooks.on_error:
            result = hook(error)
            if inspect.isawaitable(result):
                await result
        await self._stop(error)

    async def _stop(self, error: AgentPlatformError) -> NoReturn:
        self._error = error
        await self.close()
        raise error
