"""The I/O-free machinery of a resumable stream, shared by the sync and async classes.

A `Session` builds each request (with `Last-Event-ID` when resuming), checks each
connection, decodes and de-duplicates events, enforces the idle timeout, and decides
whether a dropped connection is resumed (and after how long) or its error is raised.
"""

from __future__ import annotations

import time
from typing import Any

import attrs
import httpx
from agentplatform_api.models import ChatResponse

from .. import _retry
from .._operation import Call
from ..errors import (
    AgentPlatformError,
    APIConnectionError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
)
from ..sse import ServerSentEvent, SSEDecoder, SSEProtocolError
from ._call import StreamCall
from ._events import ChatStreamEvent, decode_event

__all__ = ["Ended", "Session", "resumable"]

_MAX_RESUME_DELAY_S = 30.0


class Ended(Exception):
    """Internal: the body ended before `message.completed`."""


class Session:
    """The state of one stream across its connections; no I/O of its own."""

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
        """The `X-Request-ID` of the latest connection that sent one."""
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
        event = decode_event(sse, self._invalid, self.request_id)
        self.last_id = sse.id
        self.delivered += 1
        self.failures = 0
        if isinstance(event, ChatResponse):
            self.completed = event
        return event

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
        `Ended` (the body ended before `message.completed`).
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
        if isinstance(cause, Ended):
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


def resumable(error: AgentPlatformError) -> bool:
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
