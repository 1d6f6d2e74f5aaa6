"""`ChatStream`: a chat reply read as events over a blocking connection."""

from __future__ import annotations

from collections.abc import Generator, Iterator
from types import TracebackType
from typing import TYPE_CHECKING, Any, NoReturn, Self

import httpx
from agentplatform_api.models import ChatDelta, ChatResponse

from .. import _transport
from ..errors import AgentPlatformError, APITimeoutError
from ._base import StreamBase
from ._call import StreamCall
from ._events import ChatStreamEvent
from ._session import Ended, Session, resumable

if TYPE_CHECKING:
    from .._runners import SyncCore

__all__ = ["ChatStream"]


class ChatStream(StreamBase):
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
        super().__init__(Session(call, core.config.timeout, core.http.timeout))
        self._core = core
        self._chunks: Iterator[bytes] | None = None

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
            if first or not resumable(error):
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
                self._drop(Ended())
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
