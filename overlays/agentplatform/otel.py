"""OpenTelemetry tracing for the clients: one client span per call (the `otel` extra).

```python
from agentplatform.otel import OpenTelemetryHooks

hooks = OpenTelemetryHooks()                     # the global tracer provider
client = agentplatform.Client(**hooks.client_options())
```

Each call gets a `CLIENT` span named after its HTTP method, with `http.request.method`,
`url.full` (credentials and secret-looking query values redacted), `server.address`,
`server.port`, `http.response.status_code`, `agentplatform.operation` and
`agentplatform.request_id`; retries show as `http.request.resend_count`. The span's
context is sent as `traceparent` (with the configured propagator), so the service's
telemetry joins the caller's trace. A failed call ends its span with status ERROR and
`error.type`. The hooks are plain functions, so they suit `Client` and `AsyncClient`.

Without the extra, importing this module raises `MissingExtraError` (an `ImportError`)
naming `pip install 'agentplatform[otel]'`.
"""

from __future__ import annotations

import contextvars
import re
from urllib.parse import parse_qsl, urlencode

import httpx

from .errors import AgentPlatformError, APIStatusError, MissingExtraError

try:
    from opentelemetry import propagate, trace
    from opentelemetry.propagators.textmap import TextMapPropagator
    from opentelemetry.trace import Span, SpanKind, Status, StatusCode
except ImportError as exc:
    raise MissingExtraError("agentplatform.otel", "otel", exc.name) from None

from ._http import OPERATION_EXTENSION
from ._setup import ClientOptions
from ._transport import ATTEMPTS_EXTENSION
from ._version import __version__

__all__ = ["OpenTelemetryHooks", "redacted_url"]

_SECRET_QUERY = re.compile(
    r"key|token|secret|passw|signature|^sig$|auth|credential|session", re.IGNORECASE
)
_REDACTED = "REDACTED"


def redacted_url(url: httpx.URL) -> str:
    """`url` without credentials, and with secret-looking query values replaced."""
    if url.userinfo:
        url = url.copy_with(username=_REDACTED, password=_REDACTED)
    if url.query:
        pairs = parse_qsl(url.query.decode("ascii", "replace"), keep_blank_values=True)
        query = [(k, _REDACTED if _SECRET_QUERY.search(k) else v) for k, v in pairs]
        url = url.copy_with(query=urlencode(query).encode("ascii"))
    return str(url)


class OpenTelemetryHooks:
    """`before_request`, `after_response` and `on_error` hooks that trace each call.

    Args:
        tracer_provider: where spans go; the global provider when None.
        propagator: how the span context is written into request headers; the global
            propagator (W3C `traceparent` by default) when None.
    """

    def __init__(
        self,
        tracer_provider: trace.TracerProvider | None = None,
        *,
        propagator: TextMapPropagator | None = None,
    ) -> None:
        self._tracer = trace.get_tracer(
            "agentplatform", __version__, tracer_provider=tracer_provider
        )
        self._propagator = propagator
        self._current: contextvars.ContextVar[Span | None] = contextvars.ContextVar(
            f"agentplatform_otel_span_{id(self)}", default=None
        )

    def client_options(self) -> ClientOptions:
        """The three hooks as client options: `Client(**hooks.client_options())`."""
        return ClientOptions(
            before_request=self.before_request,
            after_response=self.after_response,
            on_error=self.on_error,
        )

    def before_request(self, request: httpx.Request) -> None:
        """Start the call's span and put its context into the request headers."""
        attributes: dict[str, str | int] = {
            "http.request.method": request.method,
            "url.full": redacted_url(request.url),
            "server.address": request.url.host,
        }
        if request.url.port is not None:
            attributes["server.port"] = request.url.port
        operation = request.extensions.get(OPERATION_EXTENSION)
        if operation:
            attributes["agentplatform.operation"] = str(operation)
        span = self._tracer.start_span(request.method, kind=SpanKind.CLIENT, attributes=attributes)
        context = trace.set_span_in_context(span)
        if self._propagator is None:
            propagate.inject(request.headers, context=context)
        else:
            self._propagator.inject(request.headers, context=context)
        self._current.set(span)

    def after_response(self, response: httpx.Response) -> None:
        """End the span with the final response's status and request id."""
        span = self._take()
        if span is None:
            return
        span.set_attribute("http.response.status_code", response.status_code)
        request_id = response.headers.get("x-request-id")
        if request_id:
            span.set_attribute("agentplatform.request_id", request_id)
        attempts = response.extensions.get(ATTEMPTS_EXTENSION, 1)
        if isinstance(attempts, int) and attempts > 1:
            span.set_attribute("http.request.resend_count", attempts - 1)
        if response.status_code >= 400:
            span.set_attribute("error.type", str(response.status_code))
            span.set_status(Status(StatusCode.ERROR))
        span.end()

    def on_error(self, error: AgentPlatformError) -> None:
        """End the span as failed, with the status code and request id when there are."""
        span = self._take()
        if span is None:
            return
        if isinstance(error, APIStatusError):
            span.set_attribute("http.response.status_code", error.status_code)
            span.set_attribute("error.type", str(error.status_code))
            if error.request_id:
                span.set_attribute("agentplatform.request_id", error.request_id)
        else:
            span.set_attribute("error.type", type(error).__name__)
        span.record_exception(error)
        span.set_status(Status(StatusCode.ERROR, type(error).__name__))
        span.end()

    def _take(self) -> Span | None:
        span = self._current.get()
        self._current.set(None)
        return span
