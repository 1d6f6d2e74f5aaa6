"""The cores that send calls (sync and async) and the runners that shape their results.

A core owns the httpx client, default headers and hooks; `send` turns transport
failures and error statuses into SDK errors. A runner decides what a call returns:
the parsed value, a coroutine of it, or a `RawResponse`.
"""

from __future__ import annotations

import inspect
import time
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

import attrs
import httpx

from ._http import (
    CoreConfig,
    RequestDefaults,
    build_request,
    connection_error,
    parse,
    status_error,
)
from ._logging import log_request
from ._operation import Call, PageCall
from .errors import AgentPlatformError, ClientClosedError

if TYPE_CHECKING:  # the modules of features not every program uses load on first use
    from ._progress import PollCall
    from .pagination import AsyncPaginator, Page, SyncPaginator
    from .raw_response import RawResponse
    from .streaming import StreamCall

T = TypeVar("T")
S = TypeVar("S")
A = TypeVar("A")

Hook = Callable[[Any], Any]


@attrs.frozen
class Hooks:
    """Callables run around every call: for tracing, metrics and logging.

    `before_request(httpx.Request)` runs before the first attempt,
    `after_response(httpx.Response)` after the final one, and
    `on_error(AgentPlatformError)` before an error is raised. On `AsyncClient` a hook may
    also be a coroutine function.
    """

    before_request: tuple[Hook, ...] = ()
    after_response: tuple[Hook, ...] = ()
    on_error: tuple[Hook, ...] = ()


class SyncCore:
    """Sends calls over one `httpx.Client` with the client's headers and hooks."""

    def __init__(
        self,
        http: httpx.Client,
        config: CoreConfig,
        hooks: Hooks,
        client_headers: Mapping[str, str] | None = None,
    ) -> None:
        """`client_headers`: the headers the SDK set on `http` when it built it."""
        self.http = http
        self.config = config
        self.hooks = hooks
        self.closed = False
        self.defaults = RequestDefaults(http, config, client_headers)

    def send(self, call: Call[Any], *, stream: bool = False) -> httpx.Response:
        """Send a call; raise an SDK error for transport failures and 4xx/5xx."""
        ensure_open(self)
        request = build_request(self.http, call, self.defaults)
        for hook in self.hooks.before_request:
            hook(request)
        started = time.perf_counter()
        try:
            try:
                response = self.http.send(request, stream=stream)
            except httpx.HTTPError as exc:
                log_request(request, started, error=exc)
                raise connection_error(exc, request) from exc
            log_request(request, started, response=response)
            if response.status_code >= 400:
                try:
                    response.read()
                except httpx.HTTPError as exc:
                    raise connection_error(exc, request) from exc
                finally:
                    response.close()
                raise status_error(response, request)
        except AgentPlatformError as error:
            for hook in self.hooks.on_error:
                hook(error)
            raise
        for hook in self.hooks.after_response:
            hook(response)
        return response

    def parse(self, call: Call[T], response: httpx.Response) -> T:
        """The response's typed value; `on_error` hooks see a validation error first."""
        try:
            return parse(call, response)
        except AgentPlatformError as error:
            for hook in self.hooks.on_error:
                hook(error)
            raise


class AsyncCore:
    """Sends calls over one `httpx.AsyncClient` with the client's headers and hooks."""

    def __init__(
        self,
        http: httpx.AsyncClient,
        config: CoreConfig,
        hooks: Hooks,
        client_headers: Mapping[str, str] | None = None,
    ) -> None:
        """`client_headers`: the headers the SDK set on `http` when it built it."""
        self.http = http
        self.config = config
        self.hooks = hooks
        self.closed = False
        self.defaults = RequestDefaults(http, config, client_headers)

    async def send(self, call: Call[Any], *, stream: bool = False) -> httpx.Response:
        """Send a call; raise an SDK error for transport failures and 4xx/5xx."""
        ensure_open(self)
        request = build_request(self.http, call, self.defaults)
        for hook in self.hooks.before_request:
            await _maybe_await(hook(request))
        started = time.perf_counter()
        try:
            try:
                response = await self.http.send(request, stream=stream)
            except httpx.HTTPError as exc:
                log_request(request, started, error=exc)
                raise connection_error(exc, request) from exc
            log_request(request, started, response=response)
            if response.status_code >= 400:
                try:
                    await response.aread()
                except httpx.HTTPError as exc:
                    raise connection_error(exc, request) from exc
                finally:
                    await response.aclose()
                raise status_error(response, request)
        except AgentPlatformError as error:
            for hook in self.hooks.on_error:
                await _maybe_await(hook(error))
            raise
        for hook in self.hooks.after_response:
            await _maybe_await(hook(response))
        return response

    async def parse(self, call: Call[T], response: httpx.Response) -> T:
        """The response's typed value; `on_error` hooks see a validation error first."""
        try:
            return parse(call, response)
        except AgentPlatformError as error:
            for hook in self.hooks.on_error:
                await _maybe_await(hook(error))
            raise


def ensure_open(core: SyncCore | AsyncCore) -> None:
    """Raise `ClientClosedError` when the client or its connection pool was closed."""
    if core.closed or core.http.is_closed:
        raise ClientClosedError(
            "The client is closed (close() was called or its `with` block ended); "
            "create a new client to send requests."
        )


async def _maybe_await(result: Any) -> None:
    if inspect.isawaitable(result):
        await result


class SyncRunner:
    """Calls return their parsed value; list calls return a `SyncPaginator`."""

    def __init__(self, core: SyncCore) -> None:
        self.core = core

    def run(self, call: Call[T]) -> T:
        """Send and parse."""
        return self.core.parse(call, self.core.send(call))

    def paginate(self, call: PageCall[T]) -> SyncPaginator[T]:
        """A lazy paginator over the list call."""
        from .pagination import SyncPaginator

        return SyncPaginator(self.run, call)

    def stream(self, call: StreamCall[S, A]) -> S:
        """The stream object; its request is sent when the `with` block starts."""
        return call.sync_stream(self.core, call)

    def wait(self, call: PollCall[T]) -> T:
        """Repeat the call until its result is final."""
        from ._progress import wait_sync

        return wait_sync(self.run, call, _same)


class AsyncRunner:
    """Calls return coroutines; list calls return an `AsyncPaginator`."""

    def __init__(self, core: AsyncCore) -> None:
        self.core = core

    async def run(self, call: Call[T]) -> T:
        """Send and parse."""
        return await self.core.parse(call, await self.core.send(call))

    def paginate(self, call: PageCall[T]) -> AsyncPaginator[T]:
        """A lazy paginator over the list call."""
        from .pagination import AsyncPaginator

        return AsyncPaginator(self.run, call)

    def stream(self, call: StreamCall[S, A]) -> A:
        """The async stream object; its request is sent when `async with` starts."""
        return call.async_stream(self.core, call)

    async def wait(self, call: PollCall[T]) -> T:
        """Repeat the call until its result is final."""
        from ._progress import wait_async

        return await wait_async(self.run, call, _same)


class RawSyncRunner:
    """Calls return a `RawResponse`; list calls return the first page's."""

    def __init__(self, core: SyncCore) -> None:
        self.core = core

    def run(self, call: Call[T]) -> RawResponse[T]:
        """Send and parse, keeping the HTTP details."""
        from .raw_response import RawResponse

        response = self.core.send(call)
        return RawResponse(response, self.core.parse(call, response))

    def paginate(self, call: PageCall[T]) -> RawResponse[Page[T]]:
        """The first page, raw."""
        return self.run(call)

    def stream(self, call: StreamCall[S, A]) -> S:
        """The same stream as the plain client's (it exposes `response`, `request_id`)."""
        return call.sync_stream(self.core, call)

    def wait(self, call: PollCall[T]) -> RawResponse[T]:
        """Repeat the call until its result is final; the last response, raw."""
        from ._progress import wait_sync

        return wait_sync(self.run, call, _parsed)


class RawAsyncRunner:
    """Async calls return a `RawResponse`; list calls return the first page's."""

    def __init__(self, core: AsyncCore) -> None:
        self.core = core

    async def run(self, call: Call[T]) -> RawResponse[T]:
        """Send and parse, keeping the HTTP details."""
        from .raw_response import RawResponse

        response = await self.core.send(call)
        return RawResponse(response, await self.core.parse(call, response))

    async def paginate(self, call: PageCall[T]) -> RawResponse[Page[T]]:
        """The first page, raw."""
        return await self.run(call)

    def stream(self, call: StreamCall[S, A]) -> A:
        """The same stream as the plain client's (it exposes `response`, `request_id`)."""
        return call.async_stream(self.core, call)

    async def wait(self, call: PollCall[T]) -> RawResponse[T]:
        """Repeat the call until its result is final; the last response, raw."""
        from ._progress import wait_async

        return await wait_async(self.run, call, _parsed)


def _same(value: T) -> T:
    return value


def _parsed(raw: RawResponse[T]) -> T:
    return raw.parsed
