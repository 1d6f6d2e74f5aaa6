"""`Client` and `AsyncClient`: the shared connection pool and every resource."""

from __future__ import annotations

from types import TracebackType
from typing import Generic, Self, Unpack

import httpx
from agentplatform_api.api.health import get_health
from agentplatform_api.models import Health

from ._config import Settings
from ._operation import (
    Async,
    Call,
    M,
    RawAsync,
    RawSync,
    RequestOptions,
    Resource,
    Runner,
    Sync,
    operation,
)
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
    wrap_transports,
)
from ._transport import AsyncRetryTransport, RetryPolicy, RetryTransport
from .resources.anomalies import Anomalies
from .resources.api_keys import ApiKeys
from .resources.chat import Chat
from .resources.entities import Entities
from .resources.events import Events
from .resources.knowledge import Knowledge
from .resources.memory import MemoryResource
from .resources.ontology import Ontology
from .resources.queries import Queries
from .resources.relations import Relations
from .resources.research import Research
from .resources.webhook_endpoints import WebhookEndpoints
from .telemetry import AsyncTelemetry, Telemetry

__all__ = ["AsyncClient", "Client", "ClientOptions", "Resources"]


class Resources(Resource[M]):
    """Every resource of the API, bound to one runner (sync, async, or raw)."""

    def __init__(self, runner: Runner) -> None:
        super().__init__(runner)
        self.ontology: Ontology[M] = Ontology(runner)
        self.entities: Entities[M] = Entities(runner)
        self.relations: Relations[M] = Relations(runner)
        self.queries: Queries[M] = Queries(runner)
        self.events: Events[M] = Events(runner)
        self.anomalies: Anomalies[M] = Anomalies(runner)
        self.chat: Chat[M] = Chat(runner)
        self.knowledge: Knowledge[M] = Knowledge(runner)
        self.memory: MemoryResource[M] = MemoryResource(runner)
        self.research: Research[M] = Research(runner)
        self.api_keys: ApiKeys[M] = ApiKeys(runner)
        self.webhooks: WebhookEndpoints[M] = WebhookEndpoints(runner)

    @operation
    def health(self, **options: Unpack[RequestOptions]) -> Call[Health]:
        """The service's status, version and uptime (needs no permissions)."""
        return Call(get_health, {}, options)


class _ClientBase(Resources[M], Generic[M]):
    _setup: Setup
    _owns_http: bool

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
                timeout=setup.settings.timeout, limits=CONNECTION_LIMITS, **setup.transport_options
            )
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
        telemetry: Telemetry | None = None,
    ) -> None:
        self._http = http
        self._setup = setup
        self._owns_http = owns_http
        self._core = SyncCore(http, setup.config, setup.hooks)
        super().__init__(SyncRunner(self._core))
        self._raw: Resources[RawSync] | None = None
        self._owns_telemetry = telemetry is None
        self.telemetry = (
            Telemetry(self._runner.run, setup.telemetry) if telemetry is None else telemetry
        )
        self.events._attach_buffer(self.telemetry._events)

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
            telemetry=self.telemetry,
        )
        return copy

    def close(self) -> None:
        """Flush and stop telemetry (bounded by its `shutdown_timeout`), then close the
        connection pool (unless it belongs to an `http_client` you passed)."""
        if self._owns_telemetry:
            self.telemetry.close()
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
        self, *, http_client: httpx.AsyncClient | None = None, **options: Unpack[ClientOptions]
    ) -> None:
        setup = client_setup(options, async_hooks=True)
        if http_client is None:
            http = httpx.AsyncClient(
                timeout=setup.settings.timeout, limits=CONNECTION_LIMITS, **setup.transport_options
            )
        else:
            http = user_http_client(http_client, httpx.AsyncClient, options)
            setup = for_user_http_client(setup)
        policy = RetryPolicy(setup.settings.max_retries, setup.retry_budget)
        wrap_transports(http, lambda t: AsyncRetryTransport(t, policy), AsyncRetryTransport)
        self._init(http, setup, owns_http=http_client is None)

    def _init(
        self,
        http: httpx.AsyncClient,
        setup: Setup,
        *,
        owns_http: bool,
        telemetry: AsyncTelemetry | None = None,
    ) -> None:
        self._http = http
        self._setup = setup
        self._owns_http = owns_http
        self._core = AsyncCore(http, setup.config, setup.hooks)
        super().__init__(AsyncRunner(self._core))
        self._raw: Resources[RawAsync] | None = None
        self._owns_telemetry = telemetry is None
        self.telemetry = (
            AsyncTelemetry(self._runner.run, setup.telemetry) if telemetry is None else telemetry
        )
        self.events._attach_buffer(self.telemetry._events)

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
            telemetry=self.telemetry,
        )
        return copy

    async def aclose(self) -> None:
        """Flush and stop telemetry (bounded by its `shutdown_timeout`), then close the
        connection pool (unless it belongs to an `http_client` you passed)."""
        if self._owns_telemetry:
            await self.telemetry.close()
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
