"""OpenTelemetry spans per LLM call, after the GenAI semantic conventions (`otel` extra).

Each instrumented call gets a `CLIENT` span named `chat {model}` with `gen_ai.system`
and `gen_ai.provider.name`, `gen_ai.operation.name`, `gen_ai.request.model` and the
numeric request parameters (`gen_ai.request.temperature`, `.max_tokens`, `.top_p`),
and, when it ends, `gen_ai.response.model`, `gen_ai.response.id`,
`gen_ai.response.finish_reasons`, `gen_ai.usage.input_tokens` and
`gen_ai.usage.output_tokens`; a failed call has status ERROR and `error.type`.
Prompts and responses are not put on spans.
"""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import AbstractContextManager
from typing import Any

from .._version import __version__
from ._provider import Summary
from ._requires import require

SCOPE = "agentplatform.integrations"
_REQUEST_PARAMS = {
    "temperature": "gen_ai.request.temperature",
    "top_p": "gen_ai.request.top_p",
    "max_tokens": "gen_ai.request.max_tokens",
    "max_completion_tokens": "gen_ai.request.max_tokens",
    "max_output_tokens": "gen_ai.request.max_tokens",
}


class GenAiSpans:
    """Starts and ends the GenAI span of each call (see the module doc)."""

    def __init__(self, tracer_provider: Any = None) -> None:
        self._trace = require("opentelemetry.trace", "otel")
        self._tracer = self._trace.get_tracer(SCOPE, __version__, tracer_provider=tracer_provider)

    def start(
        self, system: str, model: str, parameters: Mapping[str, float | int], server: Any
    ) -> Any:
        """A started span of a call to `model` (not made current)."""
        attributes: dict[str, Any] = {
            "gen_ai.operation.name": "chat",
            "gen_ai.system": system,
            "gen_ai.provider.name": system,
            "gen_ai.request.model": model,
        }
        for name, value in parameters.items():
            attributes[_REQUEST_PARAMS[name]] = value
        host, port = server
        if host:
            attributes["server.address"] = host
        if port:
            attributes["server.port"] = port
        return self._tracer.start_span(
            f"chat {model}", kind=self._trace.SpanKind.CLIENT, attributes=attributes
        )

    def use(self, span: Any) -> AbstractContextManager[Any]:
        """Make `span` current for the duration of a block (the HTTP call)."""
        manager: AbstractContextManager[Any] = self._trace.use_span(
            span, end_on_exit=False, record_exception=False, set_status_on_exception=False
        )
        return manager

    @staticmethod
    def ids(span: Any) -> tuple[str, str]:
        """The span's trace and span ids as W3C hex."""
        context = span.get_span_context()
        return format(context.trace_id, "032x"), format(context.span_id, "016x")

    def end(self, span: Any, summary: Summary, error: BaseException | None) -> None:
        """Set the response attributes and end the span."""
        if summary.response_model:
            span.set_attribute("gen_ai.response.model", summary.response_model)
        if summary.response_id:
            span.set_attribute("gen_ai.response.id", summary.response_id)
        if summary.finish_reasons:
            span.set_attribute("gen_ai.response.finish_reasons", list(summary.finish_reasons))
        if summary.usage is not None:
            span.set_attribute("gen_ai.usage.input_tokens", summary.usage.prompt_tokens)
            span.set_attribute("gen_ai.usage.output_tokens", summary.usage.output_tokens)
        if error is not None:
            span.set_attribute("error.type", type(error).__qualname__)
            span.set_status(self._trace.Status(self._trace.StatusCode.ERROR, str(error)[:1000]))
        span.end()
