"""`AsyncChatStream`: the async twin of `ChatStream`."""

from __future__ import annotations

import inspect
from collections.abc import AsyncGenerator, AsyncIterator
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
    from .._runners import AsyncCore

__all__ = ["AsyncChatStream"]


class AsyncChatStream(StreamBase):
    """The async twin of `ChatStream`: `async with`, `async for`, `await final_response()`."""

    def __init__(self, core: AsyncCore, call: StreamCall[Any, Any]) -> None:
        super().__init__(Session(call, core.config.timeout, core.http.timeout))
        self._core = core
        self._chunks: AsyncIterator[bytes] | None = None

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
            if first or not resumable(error):
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
                await self._drop(Ended())
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
