"""How a client's options become its settings, headers, hooks and transports."""

from __future__ import annotations

import inspect
import re
import ssl
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypedDict, TypeVar

import attrs
import httpx

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
from ._retry import RetryBudget
from ._runners import Hook, Hooks
from ._tls import transport_options
from ._version import __version__
from .errors import ConfigurationError

if TYPE_CHECKING:
    from .telemetry import TelemetryConfig

USER_AGENT = f"agentplatform-python/{__version__}"

# httpx keeps only 20 idle connections by default, so under 100 concurrent calls most
# connections are closed after one request and opened again for the next.
CONNECTION_LIMITS = httpx.Limits(max_connections=1000, max_keepalive_connections=100)


class ClientOptions(TypedDict, total=False):
    """Options shared by `Client` and `AsyncClient` (all keyword-only, all optional)."""

    api_key: str
    """The API key; else `AGENTPLATFORM_API_KEY`, else the profile's."""
    base_url: str
    """The API's root URL, without `/v1`; else `AGENTPLATFORM_BASE_URL`, else the profile's."""
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
    retry_budget: RetryBudget | None
    """The budget that stops retry storms (shared by `with_options` copies); None: none."""


_OWN_TRANSPORT_OPTIONS = ("verify", "cert", "proxy")


_TRACEPARENT = re.compile(r"[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}")


@attrs.frozen
class Setup:
    settings: Settings
    config: CoreConfig
    hooks: Hooks
    transport_options: dict[str, Any]
    timeout_configured: bool = True
    telemetry: TelemetryConfig | None = None
    retry_budget: RetryBudget | None = None
    client_headers: Mapping[str, str] = attrs.field(factory=dict, repr=False)
    """The headers the SDK set on the httpx client it built (none on a user's)."""


def with_client_headers(setup: Setup) -> Setup:
    """The setup of a client whose httpx client was built with `headers=setup.config.headers`."""
    return attrs.evolve(setup, client_headers=setup.config.headers)


def client_setup(options: ClientOptions, *, async_hooks: bool) -> Setup:
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
    return Setup(
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
        transport_options=transport_options(options),
        timeout_configured="timeout" in configured,
        telemetry=_telemetry_config(options),
        retry_budget=_retry_budget(options),
    )


def _telemetry_config(options: ClientOptions) -> TelemetryConfig | None:
    """Check `telemetry=` now, without importing the telemetry pipeline: an instance of
    TelemetryConfig exists only once its module is loaded."""
    config = options.get("telemetry")
    module = sys.modules.get("agentplatform.telemetry._config")
    loaded: tuple[type, ...] = () if module is None else (module.TelemetryConfig,)
    if config is not None and not isinstance(config, loaded):
        raise ConfigurationError(
            f"telemetry= takes a TelemetryConfig, got {type(config).__name__}."
        )
    return config


def _retry_budget(options: ClientOptions) -> RetryBudget | None:
    if "retry_budget" not in options:
        return RetryBudget()
    budget = options["retry_budget"]
    if budget is not None and not isinstance(budget, RetryBudget):
        raise ConfigurationError(
            f"retry_budget must be an agentplatform.RetryBudget or None, got {budget!r}."
        )
    return budget


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


def wrap_transports(
    http: httpx.Client | httpx.AsyncClient, wrap: Callable[[Any], Any], kind: type
) -> None:
    """Put the retry transport around every transport of an httpx client (once)."""
    if not isinstance(http._transport, kind):
        http._transport = wrap(http._transport)
    http._mounts = {  # type: ignore[assignment]
        pattern: transport if transport is None or isinstance(transport, kind) else wrap(transport)
        for pattern, transport in http._mounts.items()
    }


def with_changes(setup: Setup, changes: ClientOptions) -> Setup:
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


def user_http_client(http: object, kind: type[HttpT], options: ClientOptions) -> HttpT:
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


def for_user_http_client(setup: Setup) -> Setup:
    """Keep the user's httpx client's own timeout unless a timeout was configured."""
    if setup.timeout_configured:
        return setup
    return attrs.evolve(setup, config=attrs.evolve(setup.config, timeout=None))
