"""`monitor`: a decorator that logs each call of a function as a model-call record."""

from __future__ import annotations

import functools
import inspect
import math
import time
from collections.abc import Callable, Mapping
from typing import Any, ParamSpec, Protocol, TypeVar, cast

from ._pipeline import logger

P = ParamSpec("P")
R = TypeVar("R")

MAX_SUMMARY_CHARS = 1000
MAX_SUMMARY_ITEMS = 20
_MAX_DEPTH = 3


class ModelCallSink(Protocol):
    """What `monitor` needs: a way to enqueue a model call without waiting."""

    def _record_model_call(
        self,
        *,
        model_name: str,
        latency_ms: float,
        input_data: Mapping[str, Any] | None,
        prediction: Mapping[str, Any] | None,
        error: BaseException | None,
        service_name: str | None,
    ) -> str | None: ...


def summarize(value: Any, *, max_chars: int = MAX_SUMMARY_CHARS, _depth: int = 0) -> Any:
    """A small JSON-safe stand-in for a value: scalars as they are, long text cut, big
    containers and arrays described by type and size."""
    if value is None or isinstance(value, (bool, int)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else repr(value)
    if isinstance(value, str):
        return value if len(value) <= max_chars else value[:max_chars] + "…"
    if isinstance(value, (bytes, bytearray, memoryview)):
        return {"type": type(value).__name__, "length": len(value)}
    shape = getattr(value, "shape", None)
    if shape is not None and not isinstance(value, type):
        try:
            return {"type": type(value).__name__, "shape": [int(n) for n in shape]}
        except (TypeError, ValueError):
            pass
    if isinstance(value, Mapping) and _depth < _MAX_DEPTH and len(value) <= MAX_SUMMARY_ITEMS:
        return {
            str(k): summarize(v, max_chars=max_chars, _depth=_depth + 1) for k, v in value.items()
        }
    if (
        isinstance(value, (list, tuple, set, frozenset))
        and _depth < _MAX_DEPTH
        and len(value) <= MAX_SUMMARY_ITEMS
    ):
        return [summarize(v, max_chars=max_chars, _depth=_depth + 1) for v in value]
    if isinstance(value, (Mapping, list, tuple, set, frozenset)):
        return {"type": type(value).__name__, "length": len(value)}
    text = repr(value)
    return text if len(text) <= max_chars else text[:max_chars] + "…"


def _inputs(args: tuple[Any, ...], kwargs: dict[str, Any]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    if args:
        data["args"] = [summarize(a) for a in args]
    if kwargs:
        data["kwargs"] = {k: summarize(v) for k, v in kwargs.items()}
    return data


def monitor(
    telemetry: ModelCallSink,
    model_name: str | None = None,
    *,
    service_name: str | None = None,
    capture_input: bool = True,
    capture_output: bool = True,
    summarize_input: Callable[..., Mapping[str, Any]] | None = None,
    summarize_output: Callable[[Any], Mapping[str, Any]] | None = None,
) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Decorate a function (sync or async) so each call is logged as a model call.

    The record holds `model_name` (default: the function's qualified name), the latency,
    a summary of the arguments (`input_data`) and of the result or the exception
    (`prediction`). The function's exception is re-raised after it is recorded; a
    failure to record never reaches the caller.

    Args:
        telemetry: `client.telemetry` (or use `client.telemetry.monitor(...)`).
        model_name: the model's name in the records.
        service_name: the service (default: the telemetry config's).
        capture_input: summarize the arguments into `input_data`.
        capture_output: summarize the result into `prediction`.
        summarize_input: `f(*args, **kwargs) -> mapping`, replacing the default summary.
        summarize_output: `f(result) -> mapping`, replacing the default summary.
    """

    def decorate(fn: Callable[P, R]) -> Callable[P, R]:
        name = model_name or getattr(fn, "__qualname__", None) or repr(fn)

        def record(
            args: tuple[Any, ...],
            kwargs: dict[str, Any],
            started: float,
            result: Any,
            error: BaseException | None,
        ) -> None:
            latency_ms = (time.perf_counter() - started) * 1000.0
            try:
                input_data = None
                if summarize_input is not None:
                    input_data = summarize_input(*args, **kwargs)
                elif capture_input:
                    input_data = _inputs(args, kwargs) or None
                prediction = None
                if error is None and summarize_output is not None:
                    prediction = summarize_output(result)
                elif error is None and capture_output:
                    prediction = {"output": summarize(result)}
                telemetry._record_model_call(
                    model_name=name,
                    latency_ms=latency_ms,
                    input_data=input_data,
                    prediction=prediction,
                    error=error,
                    service_name=service_name,
                )
            except Exception:
                logger.exception("monitor(%s) could not record a call", name)

        if inspect.iscoroutinefunction(fn):
            async_fn = cast(Callable[..., Any], fn)

            @functools.wraps(fn)
            async def async_wrapper(*args: Any, **kwargs: Any) -> Any:
                started = time.perf_counter()
                try:
                    result = await async_fn(*args, **kwargs)
                except Exception as exc:
                    record(args, kwargs, started, None, exc)
                    raise
                record(args, kwargs, started, result, None)
                return result

            return cast(Callable[P, R], async_wrapper)

        @functools.wraps(fn)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            started = time.perf_counter()
            try:
                result = fn(*args, **kwargs)
            except Exception as exc:
                record(args, kwargs, started, None, exc)
                raise
            record(args, kwargs, started, result, None)
            return result

        return wrapper

    return decorate
