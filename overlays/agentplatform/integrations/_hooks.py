"""Instrumenting a client: every POST of its LLM resources goes through a recorder.

The openai and anthropic libraries send each call of a resource (`create`, `parse`
and the `stream` helpers alike) through the resource's `_post`. `install` replaces
that attribute on the client's own resource objects — nothing global, no class is
touched — and `uninstall` puts the original back. The wrapper hands the library's
result (a model, a stream object, a raw response) back unchanged, and re-raises the
library's exceptions unchanged after recording them.
"""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable, Iterable, Mapping
from typing import Any

from ._record import FAILED, CallRecord, Options
from ._sink import logger
from ._streams import watch

_SAVED = "_agentplatform_instrumentation"
"""The attribute of an instrumented client holding its resources' original `_post`s (on
the client itself, so an instrumented client is garbage collected like any other)."""


def install(
    client: Any,
    resources: Iterable[Any],
    options: Options,
    *,
    is_async: bool,
    stream_types: tuple[type, ...],
) -> None:
    """Hook the `_post` of each resource of `client` (replacing an earlier install)."""
    uninstall(client)
    saved = []
    for resource in resources:
        original = resource._post
        hook = _async_hook if is_async else _sync_hook
        resource._post = hook(original, options, stream_types)
        saved.append((resource, original))
    setattr(client, _SAVED, saved)


def uninstall(client: Any) -> bool:
    """Restore the resources of `client`; False if it was not instrumented."""
    saved = vars(client).pop(_SAVED, None) if hasattr(client, "__dict__") else None
    if saved is None:
        return False
    for resource, original in saved:
        resource._post = original
    return True


def _start(options: Options, path: object, kwargs: Mapping[str, Any]) -> CallRecord | None:
    try:
        operation = options.provider.operation(path) if isinstance(path, str) else None
        if operation is None:
            return None
        body = kwargs.get("body")
        return CallRecord(
            options,
            operation,
            body if isinstance(body, Mapping) else {},
            stream=bool(kwargs.get("stream")),
        )
    except Exception:
        logger.exception("could not start recording a call")
        return None


def _returned(record: CallRecord, result: Any, stream_types: tuple[type, ...], aio: bool) -> None:
    try:
        if isinstance(result, stream_types):
            watch(result, record, is_async=aio)
        else:
            record.returned(result)
    except Exception:
        logger.exception("could not record a call's result")
        record.finish()


def _active(record: CallRecord) -> contextlib.AbstractContextManager[Any]:
    spans = record.options.spans
    if spans is None or record.span is None:
        return contextlib.nullcontext()
    return spans.use(record.span)


def _sync_hook(
    original: Callable[..., Any], options: Options, stream_types: tuple[type, ...]
) -> Callable[..., Any]:
    def post(path: Any, *args: Any, **kwargs: Any) -> Any:
        record = _start(options, path, kwargs)
        if record is None:
            return original(path, *args, **kwargs)
        try:
            with _active(record):
                result = original(path, *args, **kwargs)
        except BaseException as exc:
            record.finish(error=exc, outcome=FAILED)
            raise
        _returned(record, result, stream_types, False)
        return result

    post.__wrapped__ = original  # type: ignore[attr-defined]
    return post


def _async_hook(
    original: Callable[..., Awaitable[Any]], options: Options, stream_types: tuple[type, ...]
) -> Callable[..., Awaitable[Any]]:
    async def post(path: Any, *args: Any, **kwargs: Any) -> Any:
        record = _start(options, path, kwargs)
        if record is None:
            return await original(path, *args, **kwargs)
        try:
            with _active(record):
                result = await original(path, *args, **kwargs)
        except BaseException as exc:
            record.finish(error=exc, outcome=FAILED)
            raise
        _returned(record, result, stream_types, True)
        return result

    post.__wrapped__ = original  # type: ignore[attr-defined]
    return post
