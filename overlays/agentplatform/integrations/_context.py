"""Trace context of instrumented calls, carried by `contextvars`.

A call records the trace it was made in: the innermost `traced()` block, else the
current OpenTelemetry span (when one is recording), else fresh ids. The context is
taken when the call starts, so a stream consumed later, in another task, thread or
async generator, still carries the trace of the code that started it.

`asyncio` tasks copy the context by themselves; threads do not. Run work in a
`ContextThreadPoolExecutor`, or wrap a thread's target with `bind_context`, to keep it.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import secrets
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, ParamSpec, TypeVar, cast

from ..errors import InvalidParameterError
from ..telemetry import TraceContext, _records, current_trace_context

P = ParamSpec("P")
R = TypeVar("R")

_current: contextvars.ContextVar[TraceContext | None] = contextvars.ContextVar(
    "agentplatform_trace", default=None
)


def current_trace() -> TraceContext:
    """The trace a record made here belongs to: the innermost `traced()` block, else the
    current OpenTelemetry span when one is recording, else fresh random ids."""
    found = _current.get()
    return found if found is not None else current_trace_context()


def enclosing_trace() -> TraceContext | None:
    """The innermost `traced()` block's context, else the recording OpenTelemetry span's,
    else None."""
    found = _current.get()
    if found is not None:
        return found
    context = current_trace_context()
    return context if context.from_otel else None


@contextlib.contextmanager
def traced(trace_id: str | None = None) -> Iterator[TraceContext]:
    """Record the calls made inside the block under one trace, with a span of the block.

    Without `trace_id`, a block inside another `traced()` block (or inside a recording
    OpenTelemetry span) continues that trace; an outermost block starts a new one.

    ```python
    with traced() as ctx:
        llm.chat.completions.create(...)      # recorded with ctx.trace_id, ctx.span_id
    ```
    """
    if trace_id is None:
        outer = enclosing_trace()
        trace_id = outer.trace_id if outer is not None else secrets.token_hex(16)
    else:
        trace_id = _records.trace_id("trace_id", trace_id)
    context = TraceContext(trace_id, _span_id())
    token = _current.set(context)
    try:
        yield context
    finally:
        _current.reset(token)


def _span_id() -> str:
    while True:
        span = secrets.token_hex(8)
        if span.strip("0"):
            return span


def bind_context(fn: Callable[P, R]) -> Callable[P, R]:
    """`fn`, made to run in a copy of the current context (e.g. as a thread's target)."""
    if not callable(fn):
        raise InvalidParameterError("fn", f"expected a callable, got {type(fn).__name__}.")
    context = contextvars.copy_context()

    @functools.wraps(fn)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        return context.copy().run(fn, *args, **kwargs)

    return run


class ContextThreadPoolExecutor(ThreadPoolExecutor):
    """A `ThreadPoolExecutor` whose tasks run in a copy of the submitter's context, so
    records made in a worker carry the submitter's trace."""

    def submit(self, fn: Callable[P, R], /, *args: P.args, **kwargs: P.kwargs) -> Future[R]:
        """Schedule `fn(*args, **kwargs)` in a copy of the current context."""
        run = cast(Callable[..., R], contextvars.copy_context().run)
        future: Future[R] = super().submit(run, cast(Any, fn), *args, **kwargs)
        return future
