"""`CallRecord`: one instrumented call, from its start to its one LLM event.

A record takes the trace context and the prompt when the call starts, folds in what
the call returns (a response, or stream chunks as they are read), and `finish()`
builds the event once — whichever comes first of the end of the stream, its close,
its garbage collection or an exception. Content capture and redaction happen there,
before anything is enqueued. Recording never raises into the caller: a failure to
record is logged.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from typing import Any

import attrs

from ..telemetry import LlmEvent, TelemetryEventBuilder
from ._context import current_trace
from ._otel_genai import GenAiSpans
from ._prices import PriceTable
from ._provider import MAX_TEXT, Provider, Summary
from ._sink import Sink, logger

Redact = Callable[[str], str]
_REDACTION_FAILED = "[redaction failed]"

COMPLETED = "completed"
"""Stream outcome: read to its end."""
CLOSED = "closed"
"""Stream outcome: closed before its end."""
ABANDONED = "abandoned"
"""Stream outcome: garbage collected before its end, unclosed."""
FAILED = "failed"
"""Stream outcome: the stream raised."""


@attrs.frozen
class Options:
    """The settings of one `instrument()` call."""

    provider: Provider
    sink: Sink
    service: str | None
    capture_content: bool
    redact: Redact | None
    prices: PriceTable
    spans: GenAiSpans | None
    metadata: Mapping[str, Any]
    server: tuple[str | None, int | None]


class CallRecord:
    """The state of one call until its event is built (see the module doc)."""

    __slots__ = (
        "_done",
        "extra",
        "iterating",
        "operation",
        "options",
        "parameters",
        "prompt",
        "request_model",
        "span",
        "started",
        "stream",
        "summary",
        "trace",
        "ttft",
    )

    def __init__(
        self,
        options: Options,
        operation: str,
        body: Mapping[str, Any],
        *,
        stream: bool,
        trace: tuple[str, str] | None = None,
        metadata: Mapping[str, Any] | None = None,
    ) -> None:
        self.started = time.perf_counter()
        self.options = options
        self.operation = operation
        self.stream = stream
        self.iterating = False
        self.ttft: float | None = None
        self.summary = Summary()
        self.extra = metadata
        self._done = threading.Lock()
        model = body.get("model")
        self.request_model = model if isinstance(model, str) and model else "unknown"
        provider = options.provider
        self.parameters = provider.parameters(body)
        self.prompt = provider.prompt(operation, body) if options.capture_content else None
        self.span: Any = None
        if options.spans is not None:
            self.span = options.spans.start(
                provider.system, self.request_model, self.parameters, options.server
            )
            self.trace = options.spans.ids(self.span)
        elif trace is not None:
            self.trace = trace
        else:
            context = current_trace()
            self.trace = (context.trace_id, context.span_id)

    def chunk(self, item: Any) -> None:
        """Fold one stream chunk in (never raises)."""
        try:
            carried = self.options.provider.chunk(
                self.operation, item, self.summary, self.options.capture_content
            )
        except Exception:
            logger.exception("could not read a stream chunk")
            return
        if carried and self.ttft is None:
            self.ttft = time.perf_counter()

    def returned(self, result: Any) -> None:
        """Record a complete (not streamed) result."""
        try:
            self.options.provider.read(self.operation, result, self.summary)
        except Exception:
            logger.exception("could not read a response")
        self.finish(raw=not _is_model(result))

    def finish(
        self, *, error: BaseException | None = None, outcome: str | None = None, raw: bool = False
    ) -> None:
        """Build and enqueue the event; later calls do nothing (never raises)."""
        if not self._done.acquire(blocking=False):
            return
        ended = time.perf_counter()
        try:
            event = self._event(ended, error, outcome, raw)
        except Exception:
            logger.exception("could not record an LLM call")
            event = None
        finally:
            if self.span is not None:
                self._end_span(error)
        if event is not None:
            self.options.sink.emit(event)

    def _end_span(self, error: BaseException | None) -> None:
        try:
            assert self.options.spans is not None
            self.options.spans.end(self.span, self.summary, error)
        except Exception:
            logger.exception("could not end a GenAI span")

    def _event(
        self, ended: float, error: BaseException | None, outcome: str | None, raw: bool
    ) -> LlmEvent:
        options, summary = self.options, self.summary
        model = summary.response_model or self.request_model
        builder = TelemetryEventBuilder(service=options.service, model=model[:255])
        builder.trace(*self.trace)
        if self.prompt is not None:
            builder.prompt(self._redacted(self.prompt))
        usage = summary.usage
        if usage is not None:
            builder.tokens(prompt=usage.prompt_tokens, completion=usage.output_tokens)
            cost = options.prices.cost(model, usage)
            if cost is None and model != self.request_model:
                cost = options.prices.cost(self.request_model, usage)
            if cost is not None:
                builder.cost(cost)
        if options.capture_content and (summary.texts or error is None):
            builder.response(self._redacted(summary.text()))
        if summary.finish_reasons:
            builder.finish_reason(",".join(summary.finish_reasons)[:255])
        builder.latency((ended - self.started) * 1000.0)
        builder.metadata(options.metadata)
        builder.metadata(self._metadata(model, outcome, raw, error))
        if error is not None:
            builder.error(self._redacted(describe(error)))
        return builder.build()

    def _metadata(
        self, model: str, outcome: str | None, raw: bool, error: BaseException | None
    ) -> dict[str, Any]:
        found: dict[str, Any] = {
            "provider": self.options.provider.system,
            "operation": self.operation,
            "stream": self.stream,
        }
        if model != self.request_model:
            found["request_model"] = self.request_model
        if self.summary.response_id:
            found["response_id"] = self.summary.response_id
        if self.stream:
            found["stream_outcome"] = outcome or COMPLETED
        if self.ttft is not None:
            found["time_to_first_token_ms"] = (self.ttft - self.started) * 1000.0
        if raw:
            found["raw_response"] = True
        status = getattr(error, "status_code", None)
        if isinstance(status, int):
            found["status_code"] = status
        found.update(self.parameters)
        if self.extra:
            found.update(self.extra)
        return found

    def _redacted(self, text: str) -> str:
        return redacted(self.options.redact, text)


def redacted(redact: Redact | None, text: str) -> str:
    """`text` through `redact` and cut to the record limit; a placeholder (and a logged
    error) when the redactor fails, so unredacted text is never recorded."""
    if redact is not None:
        try:
            text = redact(text)
        except Exception:
            logger.exception("the redact function failed; the text is not recorded")
            return _REDACTION_FAILED
        if not isinstance(text, str):
            logger.error("the redact function returned %s, not a string", type(text))
            return _REDACTION_FAILED
    return text[:MAX_TEXT]


def describe(error: BaseException) -> str:
    """`Type: message` of an exception (just `Type` without a message)."""
    message = str(error)
    return f"{type(error).__name__}: {message}" if message else type(error).__name__


def _is_model(result: Any) -> bool:
    """Whether a result is a parsed model (not a raw or streamed HTTP response wrapper)."""
    return hasattr(type(result), "model_fields")
