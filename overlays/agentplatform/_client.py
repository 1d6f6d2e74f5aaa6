"""`Client` and `AsyncClient`: the shared connection pool and every resource."""

from __future__ import annotations

from collections.abc import Callable
from types import TracebackType
from typing import TYPE_CHECKING, Any, Generic, Self, TypeVar, Unpack

import httpx

from ._backends import HttpBackend, async_http
from ._config import Settings
from ._deferred import Deferred
from ._operation import Async, M, RawAsync, RawSync, Resource, Sync
from ._resources import Resources
from ._runners import (
    AsyncCore,
    AsyncRunner,
    RawAsyncRunner,
    RawSyncRunner,
    SyncCore,
    SyncRunner,
)
from ._setup import (
    CONNECTION_LIMITS,
    ClientOptions,
    Setup,
    client_setup,
    for_user_http_client,
    user_http_client,
    with_changes,
    with_client_headers,
    wrap_transports,
)
from ._transport import AsyncRetryTransport, RetryPolicy, RetryTransport

if TYPE_CHECKING:
    from .resources.events import Events
    from .telemetry import AsyncTelemetry, Telemetry

__all__ = ["AsyncClient", "Client", "ClientOptions", "Resources"]

T = TypeVar("T")


class _ClientBase(Resources[M], Generic[M]):
    _setup: Setup
    _owns_http: bool
    _owns_telemetry: bool
    _telemetry: Deferred[Any]

    def _connect(self, attribute: str, resource: Resource[M]) -> None:
        if attribute == "events":  # buffered events go through the client's telemetry
            deferred = self._telemetry
            events: Events[M] = resource  # type: ignore[assignment]
            events._attach_buffer(lambda: deferred.get()._events)

    @property
    def settings(self) -> Settings:
        """The resolved settings (the API key is hidden from its repr)."""
        return self._setup.settings

    @property
    def base_url(self) -> str:
        """The API's root URL."""
        return self._setup.settings.base_url

    @property
    def api_key(self) -> str:
        """The API key in use."""
        return self._setup.settings.api_key

    def __repr__(self) -> str:
        settings = self._setup.settings
        return (
            f"<{type(self).__module__.split('.')[0]}.{type(self).__name__} "
            f"base_url={settings.base_url!r} profile={settings.profile!r} api_key=<hidden>>"
        )


class Client(_ClientBase[Sync]):
    """The synchronous client. Every resource call returns its typed result.

    ```python
    with agentplatform.Client() as client:
        print(client.health().status)
    ```
    """

    def __init__(
        self, *, http_client: httpx.Client | None = None, **options: Unpack[ClientOptions]
    ) -> None:
        setup = client_setup(options, async_hooks=False)
        if http_client is None:
            http = httpx.Client(
                headers=setup.config.headers,
                timeout=setup.settings.timeout,
                limits=CONNECTION_LIMITS,
                **setup.transport_options,
            )
            setup = with_client_headers(setup)
        else:
            http = user_http_client(http_client, httpx.Client, options)
            setup = for_user_http_client(setup)
        policy = RetryPolicy(setup.settings.max_retries, setup.retry_budget)
        wrap_transports(http, lambda t: RetryTransport(t, policy), RetryTransport)
        self._init(http, setup, owns_http=http_client is None)

    def _init(
        self,
        http: httpx.Client,
        setup: Setup,
        *,
        owns_http: bool,
        telemetry: Deferred[Telemetry] | None = None,
    ) -> None:
        self._http = http
        self._setup = setup
        self._owns_http = owns_http
        self._core = SyncCore(http, setup.config, setup.hooks, setup.client_headers)
        super().__init__(SyncRunner(self._core))
        self._raw: Resources[RawSync] | None = None
        self._owns_telemetry = telemetry is None
        self._telemetry: Deferred[Telemetry] = telemetry or Deferred(
            _telemetry_builder(self._runner.run, setup)
        )

    @property
    def telemetry(self) -> Telemetry:
        """LLM events, model calls and data-quality reports, buffered (built on first use)."""
        return self._telemetry.get()

    @property
    def with_raw_response(self) -> Resources[RawSync]:
        """The same resources, whose calls return a `RawResponse` (status, headers, ids)."""
        if self._raw is None:
            self._raw = Resources(RawSyncRunner(self._core))
        return self._raw

    def with_options(self, **changes: Unpack[ClientOptions]) -> Self:
        """A copy with other timeout, retries, tenant, workspace or headers.

        The copy shares this client's connection pool and telemetry; close the original
        when done.
        """
        copy = object.__new__(type(self))
        copy._init(
            self._http,
            with_changes(self._setup, changes),
            owns_http=False,
            telemetry=self._telemetry,
        )
        return copy

    def close(self) -> None:
        """Flush and stop telemetry (bounded by its `shutdown_timeout`), then close the
        connection pool (unless it belongs to an `http_client` you passed)."""
        if self._owns_telemetry:
            telemetry = _telemetry_to_close(self._telemetry, self._setup)
            if telemetry is not None:
                telemetry.close()
        if self._owns_http:
            self._http.close()
        self._core.closed = True

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class AsyncClient(_ClientBase[Async]):
    """The asynchronous client: the same surface as `Client`, every call awaitable.

    ```python
    async with agentplatform.AsyncClient() as client:
        print((await client.health()).status)
    ```
    """

    def __init__(
        self,
        *,
        http_client: httpx.AsyncClient | None = None,
        http_backend: HttpBackend | None = None,
        **options: Unpack[ClientOptions],
    ) -> None:
        """`http_backend`: `"aiohttp"` (the default when the `aiohttp` extra is installed)
        or `"httpx"`; `http_client`: your own `httpx.AsyncClient` instead of either."""
        setup = client_setup(options, async_hooks=True)
        http, setup = async_http(setup, options, backend=http_backend, http_client=http_client)
        policy = RetryPolicy(setup.settings.max_retries, setup.retry_budget)
        wrap_transports(http, lambda t: AsyncRetryTransport(t, policy), AsyncRetryTransport)
        self._init(http, setup, owns_http=http_client is None)

    def _init(
        self,
        http: httpx.AsyncClient,
        setup: Setup,
        *,
        owns_http: bool,
        telemetry: Deferred[AsyncTelemetry] | None = None,
    ) -> None:
        self._http = http
        self._setup = setup
        self._owns_http = owns_http
        self._core = AsyncCore(http, setup.config, setup.hooks, setup.client_headers)
        super().__init__(AsyncRunner(self._core))
        self._raw: Resources[RawAsync] | None = None
        self._owns_telemetry = telemetry is None
        self._telemetry: Deferred[AsyncTelemetry] = telemetry or Deferred(
            _telemetry_builder(self._runner.run, setup, asynchronous=True)
        )

    @property
    def telemetry(self) -> AsyncTelemetry:
        """LLM events, model calls and data-quality reports, buffered (built on first use)."""
        return self._telemetry.get()

    @property
    def with_raw_response(self) -> Resources[RawAsync]:
        """The same resources, whose calls return a `RawResponse` (status, headers, ids)."""
        if self._raw is None:
            self._raw = Resources(RawAsyncRunner(self._core))
        return self._raw

    def with_options(self, **changes: Unpack[ClientOptions]) -> Self:
        """A copy with other timeout, retries, tenant, workspace or headers.

        The copy shares this client's connection pool and telemetry; close the original
        when done.
        """
        copy = object.__new__(type(self))
        copy._init(
            self._http,
            with_changes(self._setup, changes),
            owns_http=False,
            telemetry=self._telemetry,
        )
        return copy

    async def aclose(self) -> None:
        """Flush and stop telemetry (bounded by its `shutdown_timeout`), then close the
        connection pool (unless it belongs to an `http_client` you passed)."""
        if self._owns_telemetry:
            telemetry = _telemetry_to_close(self._telemetry, self._setup)
            if telemetry is not None:
                await telemetry.close()
        if self._owns_http:
            await self._http.aclose()
        self._core.closed = True

    async def close(self) -> None:
        """Alias of `aclose()`."""
        await self.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()


def _telemetry_builder(
    run: Callable[[Any], Any], setup: Setup, *, asynchronous: bool = False
) -> Callable[[], Any]:
    """What builds a client's telemetry on first use (importing the pipeline then)."""

    def build() -> Any:
        from .telemetry import AsyncTelemetry, Telemetry

        kind = AsyncTelemetry if asynchronous else Telemetry
        settings = setup.settings
        return kind(
            run,
            setup.telemetry,
            tenant_id=settings.tenant_id,
            workspace_id=settings.workspace_id,
        )

    return build


def _telemetry_to_close(deferred: Deferred[T], setup: Setup) -> T | None:
    """The telemetry a closing client must close, or None when there is none to close.

    Telemetry that was never used has nothing queued, so it is not built just to be
    closed, unless a `TelemetryConfig` was given (its `spool_dir` may hold batches of
    an earlier run, which closing delivers). Built later, it drops what it is given.
    """
    telemetry = deferred.built()
    if telemetry is None and setup.telemetry is not None:
        telemetry = deferred.get()
    if telemetry is None:
        deferred.close(_detached)
    return telemetry


def _detached(telemetry: Any) -> None:
    """Make telemetry built after its client closed drop what it is given."""
    telemetry._records.detach()
    telemetry._events.detach()
