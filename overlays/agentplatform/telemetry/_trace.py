"""Trace context for telemetry: the current OpenTelemetry span's ids, else fresh ones.

OpenTelemetry is optional (the `otel` extra). It is imported on first use, never when
`agentplatform` is imported, and only a span that is recording lends its ids.
"""

from __future__ import annotations

from types import ModuleType
from typing import Any

import attrs

from . import _ids

_otel_trace: ModuleType | None = None
_otel_checked = False


@attrs.frozen(slots=True)
class TraceContext:
    """W3C trace and span ids (lowercase hex, 32 and 16 digits).

    Attributes:
        trace_id: the trace the record belongs to.
        span_id: the span the record belongs to.
        from_otel: True when taken from the current OpenTelemetry span.
    """

    trace_id: str
    span_id: str
    from_otel: bool = False


def _otel() -> ModuleType | None:
    global _otel_trace, _otel_checked
    if not _otel_checked:
        _otel_checked = True
        try:
            from opentelemetry import trace
        except ImportError:  # pragma: no cover - the otel extra is installed in tests
            trace = None  # type: ignore[assignment]
        _otel_trace = trace
    return _otel_trace


def otel_ids() -> tuple[str, str] | None:
    """The ids of the current OpenTelemetry span, if one is recording."""
    trace = _otel()
    if trace is None:  # pragma: no cover - the otel extra is installed in tests
        return None
    span: Any = trace.get_current_span()
    if not span.is_recording():
        return None
    context = span.get_span_context()
    if not context.is_valid:  # pragma: no cover - a recording span has a valid context
        return None
    return format(context.trace_id, "032x"), format(context.span_id, "016x")


def current_trace_context() -> TraceContext:
    """The current OpenTelemetry span's ids when one is recording, else fresh random ids."""
    found = otel_ids()
    if found is not None:
        return TraceContext(found[0], found[1], from_otel=True)
    return TraceContext(_ids.trace_id(), _ids.span_id())
