"""`Client` and `AsyncClient`: settings, the shared connection pool, and every resource."""

from __future__ import annotations

import inspect
import os
import re
import ssl
from collections.abc import Callable, Mapping
from pathlib import Path
from types import TracebackType
from typing import Any, Generic, Self, TypedDict, TypeVar, Unpack
from urllib.parse import urlsplit

import attrs
import httpx
from agentplatform_api.api.health import get_health
from agentplatform_api.models import Health

from . import _params
from ._config import (
    Settings,
    check_max_retries,
    check_optional_id,
    check_timeout,
    resolve,
)
from ._http import PROTECTED_HEADERS, CoreConfig, merge_headers
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
from .telemetry import AsyncTelemetry, Telemetry, TelemetryConfig

USER_AGENT = f"agentplatform-python/{__version__}"

# httpx keeps only 20 idle connections by default, so under 100 concurrent calls most
# connections are closed after one request and opened again for the next.
CONNECTION_LIMITS = httpx.Limits(max_connections=1000, max_keepalive_connections=100)


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
    telemetry: TelemetryConfig
    """Batching, queue, spool and callbacks of `client.telemetry` and `client.events.buffered`."""


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


_PROXY_SCHEMES = ("http", "https", "socks5", "socks5h")
_TRACEPARENT = re.compile(r"[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}")


@attrs.frozen
class _Setup:
    settings: Settings
    config: CoreConfig
    hooks: Hooks
    transport_options: dict[str, Any]
    timeout_configured: bool = True
    telemetry: TelemetryConfig | None = None


def _setup(options: ClientOptions, *, async_hooks: bool) -> _Setup:
    configure_from_env()
    unknown = set(options) - set(ClientOptions.__annotations__)
    if unknown:
        raise ConfigurationError(
            f"Unknown client option(s): {', '.join(sorted(unknown))}. "
            f"Known: {', '.join(sorted(ClientOptions.__annotations__))}."
        )
    settings, configured = resolve(
        api_key=options.get("api_key"),
        base_url=options.get("base_url"),
        timeout=options.get("timeout"),
        max_retries=options.get("max_retries"),
        tenant_id=options.get("tenant_id"),
        workspace_id=options.get("workspace_id"),
        profile=options.get("profile"),
        config_file=options.get("config_file"),
    )
    headers = merge_headers(
        {"User-Agent": USER_AGENT, "Accept": "application/json"},
        _params.headers(
            "default_headers", options.get("default_headers") or {}, protected=PROTECTED_HEADERS
        ),
        {"X-API-Key": settings.api_key},
        {"X-Tenant-ID": settings.tenant_id} if settings.tenant_id else None,
        {"X-Workspace-ID": settings.workspace_id} if settings.workspace_id else None,
    )
    traceparent = options.get("traceparent")
    if traceparent is not None:
        if not isinstance(traceparent, str) or not _TRACEPARENT.fullmatch(traceparent):
            raise ConfigurationError(
                "traceparent must be a W3C trace context header, "
                "e.g. 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01."
            )
        headers = merge_headers(headers, {"traceparent": traceparent})
    return _Setup(
        settings=settings,
        config=CoreConfig(
            base_url=settings.base_url,
            headers=headers,
            timeout=settings.timeout,
            max_retries=settings.max_retries,
        ),
        hooks=Hooks(
            before_request=_hook_tuple(options.get("before_request"), async_hooks),
            after_response=_hook_tuple(options.get("after_response"), async_hooks),
            on_error=_hook_tuple(options.get("on_error"), async_hooks),
        ),
        transport_options=_transport_options(options),
        timeout_configured="timeout" in configured,
        telemetry=options.get("telemetry"),
    )


def _hook_tuple(value: Hook | list[Hook] | None, async_hooks: bool) -> tuple[Hook, ...]:
    if value is None:
        return ()
    hooks = tuple(value) if isinstance(value, (list, tuple)) else (value,)
    for hook in hooks:
        if not callable(hook):
            raise ConfigurationError(f"Hooks must be callables, got {hook!r}.")
        if not async_hooks and (
            inspect.iscoroutinefunction(hook)
            or inspect.iscoroutinefunction(getattr(hook, "__call__", None))  # noqa: B004
        ):
            raise ConfigurationError(
                f"Client runs hooks synchronously, but {hook!r} is a coroutine function; "
                "pass a plain function, or use AsyncClient."
            )
    return hooks


def _transport_options(options: ClientOptions) -> dict[str, Any]:
    """verify=, cert= and proxy= checked and turned into what httpx takes."""
    result: dict[str, Any] = {}
    if "proxy" in options:
        result["proxy"] = _proxy(options["proxy"])
    verify = options.get("verify", True)
    cert = options.get("cert")
    if isinstance(verify, bool) and cert is None:
        if "verify" in options:
            result["verify"] = verify
        return result
    result["verify"] = _ssl_context(verify, cert)
    return result


def _proxy(proxy: object) -> httpx.Proxy:
    """A checked proxy: an http, https or socks5 URL with a host."""
    if not isinstance(proxy, (str, httpx.URL)):
        raise ConfigurationError(f"proxy must be a URL string, got {type(proxy).__name__}.")
    try:
        parts = urlsplit(str(proxy))
        port_ok = parts.port is None or parts.port > 0
    except ValueError:
        parts, port_ok = None, False
    if parts is None or not port_ok or parts.scheme not in _PROXY_SCHEMES or not parts.hostname:
        raise ConfigurationError(  # the URL is not echoed: it may hold a password
            "proxy must be an http, https or socks5 URL with a host and a valid port."
        )
    return httpx.Proxy(str(proxy))


def _ssl_context(verify: object, cert: object) -> ssl.SSLContext:
    """An SSLContext from a CA bundle path (or bool, or context) and an optional client cert."""
    try:
        if isinstance(verify, ssl.SSLContext):
            context = verify
        elif isinstance(verify, bool):
            context = httpx.create_ssl_context(verify=verify)
        elif isinstance(verify, (str, os.PathLike)):
            path = Path(verify)
            context = (
                ssl.create_default_context(capath=path)
                if path.is_dir()
                else ssl.create_default_context(cafile=path)
            )
        else:
            raise ConfigurationError(
                "verify must be True, False, a CA bundle path or an ssl.SSLContext, "
                f"got {type(verify).__name__}."
            )
        if isinstance(cert, (str, os.PathLike)):
            context.load_cert_chain(cert)
        elif (
            isinstance(cert, tuple)
            and len(cert) in (2, 3)
            and all(isinstance(part, (str, os.PathLike)) for part in cert[:2])
        ):
            context.load_cert_chain(*cert)
        elif cert is not None:
            raise ConfigurationError(
                "cert must be a PEM file path or a (certificate, key[, password]) tuple."
            )
    except (OSError, ssl.SSLError) as exc:
        raise ConfigurationError(
            f"Cannot load the TLS files given as verify=/cert=: {exc}"
        ) from None
    return context


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
    old = setup.settings
    settings = attrs.evolve(
        old,
        timeout=check_timeout(changes["timeout"]) if "timeout" in changes else old.timeout,
        max_retries=check_max_retries(changes["max_retries"])
        if "max_retries" in changes
        else old.max_retries,
        tenant_id=check_optional_id("tenant_id", changes["tenant_id"])
        if "tenant_id" in changes
        else old.tenant_id,
        workspace_id=check_optional_id("workspace_id", changes["workspace_id"])
        if "workspace_id" in changes
        else old.workspace_id,
    )
    headers = merge_headers(
        setup.config.headers,
        _params.headers(
            "default_headers", changes.get("default_headers") or {}, protected=PROTECTED_HEADERS
        ),
    )
    for header, value in (
        ("X-Tenant-ID", settings.tenant_id),
        ("X-Workspace-ID", settings.workspace_id),
    ):
        headers = {k: v for k, v in headers.items() if k.lower() != header.lower()}
        if value:
            headers[header] = value
    config = CoreConfig(
        base_url=settings.base_url,
        headers=headers,
        timeout=settings.timeout
        if "timeout" in changes or setup.timeout_configured
        else setup.config.timeout,
        max_retries=settings.max_retries,
    )
    timeout_configured = setup.timeout_configured or "timeout" in changes
    return attrs.evolve(
        setup, settings=settings, config=config, timeout_configured=timeout_configured
    )


HttpT = TypeVar("HttpT", httpx.Client, httpx.AsyncClient)


def _user_http_client(http: object, kind: type[HttpT], options: ClientOptions) -> HttpT:
    """Check an `http_client=` argument."""
    if not isinstance(http, kind):
        raise ConfigurationError(
            f"http_client must be an httpx.{kind.__name__}, got {type(http).__name__}."
        )
    if any(name in options for name in _OWN_TRANSPORT_OPTIONS):
        raise ConfigurationError(
            f"verify=, cert= and proxy= go on the httpx.{kind.__name__} you pass as http_client."
        )
    if http.is_closed:
        raise ConfigurationError("The http_client you passed is closed; pass an open one.")
    return http


def _for_user_http_client(setup: _Setup) -> _Setup:
    """Keep the user's httpx client's own timeout unless a timeout was configured."""
    if setup.timeout_configured:
        return setup
    return attrs.evolve(setup, config=attrs.evolve(setup.config, timeout=None))


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
        setup = _setup(options, async_hooks=False)
        if http_client is None:
            http = httpx.Client(
                timeout=setup.settings.timeout, limits=CONNECTION_LIMITS, **setup.transport_options
            )
        else:
            http = _user_http_client(http_client, httpx.Client, options)
            setup = _for_user_http_client(setup)
        policy = RetryPolicy(setup.settings.max_retries)
        _wrap_transports(http, lambda t: RetryTransport(t, policy), RetryTransport)
        self._init(http, setup, owns_http=http_client is None)

    def _init(
        self,
        http: httpx.Client,
        setup: _Setup,
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
            _with_changes(self._setup, changes),
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
        setup = _setup(options, async_hooks=True)
        if http_client is None:
            http = httpx.AsyncClient(
                timeout=setup.settings.timeout, limits=CONNECTION_LIMITS, **setup.transport_options
            )
        else:
            http = _user_http_client(http_client, httpx.AsyncClient, options)
            setup = _for_user_http_client(setup)
        policy = RetryPolicy(setup.settings.max_retries)
        _wrap_transports(http, lambda t: AsyncRetryTransport(t, policy), AsyncRetryTransport)
        self._init(http, setup, owns_http=http_client is None)

    def _init(
        self,
        http: httpx.AsyncClient,
        setup: _Setup,
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
            _with_changes(self._setup, changes),
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
