"""`Client` and `AsyncClient`: settings, the shared connection pool, and every resource."""

from __future__ import annotations

import ssl
from collections.abc import Callable, Mapping
from pathlib import Path
from types import TracebackType
from typing import Any, Generic, Self, TypedDict, Unpack

import attrs
import httpx
from agentplatform_api.api.health import get_health
from agentplatform_api.models import Health

from ._config import Settings, resolve_settings
from ._http import CoreConfig
from ._logging import configure_from_env
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
    Hook,
    Hooks,
    RawAsyncRunner,
    RawSyncRunner,
    SyncCore,
    SyncRunner,
)
from ._transport import AsyncRetryTransport, RetryPolicy, RetryTransport
from ._version import __version__
from .errors import ConfigurationError
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

USER_AGENT = f"agentplatform-python/{__version__}"


class ClientOptions(TypedDict, total=False):
    """Options shared by `Client` and `AsyncClient` (all keyword-only, all optional)."""

    api_key: str
    """The API key; else `AGENTPLATFORM_API_KEY`, else the profile's."""
    base_url: str
    """The API's root URL; else `AGENTPLATFORM_BASE_URL`, else the profile's."""
    timeout: float
    """Seconds per request; else `AGENTPLATFORM_TIMEOUT`, else the profile's, else 60."""
    max_retries: int
    """Retries per request; else `AGENTPLATFORM_MAX_RETRIES`, else the profile's, else 2."""
    tenant_id: str
    """Sent as `X-Tenant-ID` on every request."""
    workspace_id: str
    """Sent as `X-Workspace-ID` on every request."""
    traceparent: str
    """Sent as `traceparent` on every request (W3C Trace Context)."""
    profile: str
    """The config file profile to use; else `AGENTPLATFORM_PROFILE`, else `default`."""
    config_file: Path
    """The profile file; else `AGENTPLATFORM_CONFIG_FILE`, else the user config dir's."""
    default_headers: Mapping[str, str]
    """Extra headers sent on every request."""
    verify: bool | str | ssl.SSLContext
    """TLS verification: True (default), a CA bundle path, or an SSLContext."""
    cert: str | tuple[str, str]
    """A client certificate for mutual TLS."""
    proxy: str
    """A proxy URL."""
    before_request: Hook | list[Hook]
    """Called with each `httpx.Request` before it is sent."""
    after_response: Hook | list[Hook]
    """Called with each final `httpx.Response`."""
    on_error: Hook | list[Hook]
    """Called with each `AgentPlatformError` before it is raised."""


_OWN_TRANSPORT_OPTIONS = ("verify", "cert", "proxy")


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


@attrs.frozen
class _Setup:
    settings: Settings
    config: CoreConfig
    hooks: Hooks
    transport_options: dict[str, Any]


def _setup(options: ClientOptions) -> _Setup:
    configure_from_env()
    unknown = set(options) - set(ClientOptions.__annotations__)
    if unknown:
        raise ConfigurationError(
            f"Unknown client option(s): {', '.join(sorted(unknown))}. "
            f"Known: {', '.join(sorted(ClientOptions.__annotations__))}."
        )
    settings = resolve_settings(
        api_key=options.get("api_key"),
        base_url=options.get("base_url"),
        timeout=options.get("timeout"),
        max_retries=options.get("max_retries"),
        tenant_id=options.get("tenant_id"),
        workspace_id=options.get("workspace_id"),
        profile=options.get("profile"),
        config_file=options.get("config_file"),
    )
    headers = {"User-Agent": USER_AGENT, "Accept": "application/json"}
    headers.update(options.get("default_headers") or {})
    headers["X-API-Key"] = settings.api_key
    if settings.tenant_id:
        headers["X-Tenant-ID"] = settings.tenant_id
    if settings.workspace_id:
        headers["X-Workspace-ID"] = settings.workspace_id
    if options.get("traceparent"):
        headers["traceparent"] = options["traceparent"]
    return _Setup(
        settings=settings,
        config=CoreConfig(base_url=settings.base_url, headers=headers),
        hooks=Hooks(
            before_request=_hook_tuple(options.get("before_request")),
            after_response=_hook_tuple(options.get("after_response")),
            on_error=_hook_tuple(options.get("on_error")),
        ),
        transport_options={k: options[k] for k in _OWN_TRANSPORT_OPTIONS if k in options},  # type: ignore[literal-required]
    )


def _hook_tuple(value: Hook | list[Hook] | None) -> tuple[Hook, ...]:
    if value is None:
        return ()
    hooks = tuple(value) if isinstance(value, (list, tuple)) else (value,)
    for hook in hooks:
        if not callable(hook):
            raise ConfigurationError(f"Hooks must be callables, got {hook!r}.")
    return hooks


def _wrap_transports(
    http: httpx.Client | httpx.AsyncClient, wrap: Callable[[Any], Any], kind: type
) -> None:
    """Put the retry transport around every transport of an httpx client (once)."""
    if not isinstance(http._transport, kind):
        http._transport = wrap(http._transport)
    http._mounts = {  # type: ignore[assignment]
        pattern: transport if transport is None or isinstance(transport, kind) else wrap(transport)
        for pattern, transport in http._mounts.items()
    }


def _with_changes(setup: _Setup, changes: ClientOptions) -> _Setup:
    allowed = {"timeout", "max_retries", "tenant_id", "workspace_id", "default_headers"}
    unknown = set(changes) - allowed
    if unknown:
        raise ConfigurationError(
            f"with_options() cannot change {', '.join(sorted(unknown))}; "
            f"it can change {', '.join(sorted(allowed))}. Create a new client for the rest."
        )
    settings = resolve_settings(
        api_key=setup.settings.api_key,
        base_url=setup.settings.base_url,
        timeout=changes.get("timeout", setup.settings.timeout),
        max_retries=changes.get("max_retries", setup.settings.max_retries),
        tenant_id=changes.get("tenant_id", setup.settings.tenant_id),
        workspace_id=changes.get("workspace_id", setup.settings.workspace_id),
        env={},
    )
    headers = dict(setup.config.headers)
    headers.update(changes.get("default_headers") or {})
    for header, value in (
        ("X-Tenant-ID", settings.tenant_id),
        ("X-Workspace-ID", settings.workspace_id),
    ):
        if value:
            headers[header] = value
        else:
            headers.pop(header, None)
    config = CoreConfig(
        base_url=settings.base_url,
        headers=headers,
        timeout=settings.timeout if "timeout" in changes else setup.config.timeout,
        max_retries=settings.max_retries if "max_retries" in changes else setup.config.max_retries,
    )
    return attrs.evolve(setup, settings=settings, config=config)


class _ClientBase(Resources[M], Generic[M]):
    _setup: _Setup
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
        setup = _setup(options)
        if http_client is None:
            http = httpx.Client(timeout=setup.settings.timeout, **setup.transport_options)
        elif setup.transport_options:
            raise ConfigurationError(
                "verify=, cert= and proxy= go on the httpx.Client you pass as http_client."
            )
        else:
            http = http_client
        policy = RetryPolicy(setup.settings.max_retries)
        _wrap_transports(http, lambda t: RetryTransport(t, policy), RetryTransport)
        self._init(http, setup, owns_http=http_client is None)

    def _init(self, http: httpx.Client, setup: _Setup, *, owns_http: bool) -> None:
        self._http = http
        self._setup = setup
        self._owns_http = owns_http
        self._core = SyncCore(http, setup.config, setup.hooks)
        super().__init__(SyncRunner(self._core))
        self._raw: Resources[RawSync] | None = None

    @property
    def with_raw_response(self) -> Resources[RawSync]:
        """The same resources, whose calls return a `RawResponse` (status, headers, ids)."""
        if self._raw is None:
            self._raw = Resources(RawSyncRunner(self._core))
        return self._raw

    def with_options(self, **changes: Unpack[ClientOptions]) -> Self:
        """A copy with other timeout, retries, tenant, workspace or headers.

        The copy shares this client's connection pool; close the original when done.
        """
        copy = object.__new__(type(self))
        copy._init(self._http, _with_changes(self._setup, changes), owns_http=False)
        return copy

    def close(self) -> None:
        """Close the connection pool (unless it belongs to an `http_client` you passed)."""
        if self._owns_http:
            self._http.close()

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
        setup = _setup(options)
        if http_client is None:
            http = httpx.AsyncClient(timeout=setup.settings.timeout, **setup.transport_options)
        elif setup.transport_options:
            raise ConfigurationError(
                "verify=, cert= and proxy= go on the httpx.AsyncClient you pass as http_client."
            )
        else:
            http = http_client
        policy = RetryPolicy(setup.settings.max_retries)
        _wrap_transports(http, lambda t: AsyncRetryTransport(t, policy), AsyncRetryTransport)
        self._init(http, setup, owns_http=http_client is None)

    def _init(self, http: httpx.AsyncClient, setup: _Setup, *, owns_http: bool) -> None:
        self._http = http
        self._setup = setup
        self._owns_http = owns_http
        self._core = AsyncCore(http, setup.config, setup.hooks)
        super().__init__(AsyncRunner(self._core))
        self._raw: Resources[RawAsync] | None = None

    @property
    def with_raw_response(self) -> Resources[RawAsync]:
        """The same resources, whose calls return a `RawResponse` (status, headers, ids)."""
        if self._raw is None:
            self._raw = Resources(RawAsyncRunner(self._core))
        return self._raw

    def with_options(self, **changes: Unpack[ClientOptions]) -> Self:
        """A copy with other timeout, retries, tenant, workspace or headers.

        The copy shares this client's connection pool; close the original when done.
        """
        copy = object.__new__(type(self))
        copy._init(self._http, _with_changes(self._setup, changes), owns_http=False)
        return copy

    async def aclose(self) -> None:
        """Close the connection pool (unless it belongs to an `http_client` you passed)."""
        if self._owns_http:
            await self._http.aclose()

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
