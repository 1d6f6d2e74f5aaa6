"""Watching a library's own stream object without changing its type.

The stream the library returns is handed back as is. Only the iterator it reads from
(`stream._iterator`) is replaced by an observer that passes every chunk through
unchanged, and its HTTP response's `close`/`aclose` is wrapped, so the call's record
finishes exactly once:

- at the end of the stream (`completed`), or when it raises (`failed`, the exception
  recorded and re-raised unchanged);
- when the stream (or a helper wrapping it) closes the response early (`closed`);
- when the stream is garbage collected unclosed (`abandoned`), via `weakref.finalize`.
"""

from __future__ import annotations

import weakref
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import Any, TypeVar

from ._record import ABANDONED, CLOSED, COMPLETED, FAILED, CallRecord
from ._sink import prepare_deferred

T = TypeVar("T")


def watch(stream: Any, record: CallRecord, *, is_async: bool) -> None:
    """Attach `record` to a library stream object (sync or async)."""
    prepare_deferred()
    inner = stream._iterator
    if is_async:
        stream._iterator = _observe_async(inner, record)
        _wrap_aclose(stream.response, record)
    else:
        stream._iterator = _observe(inner, record)
        _wrap_close(stream.response, record)
    finalizer = weakref.finalize(stream, record.finish, outcome=ABANDONED)
    finalizer.atexit = False


def _observe(inner: Iterator[T], record: CallRecord) -> Iterator[T]:
    try:
        while True:
            record.iterating = True
            try:
                item = next(inner)
            except StopIteration:
                record.finish(outcome=COMPLETED)
                return
            finally:
                record.iterating = False
            record.chunk(item)
            yield item
    except GeneratorExit:
        record.finish(outcome=ABANDONED)
        raise
    except BaseException as exc:
        record.finish(error=exc, outcome=FAILED)
        raise
    finally:
        close = getattr(inner, "close", None)
        if close is not None:
            close()


async def _observe_async(inner: AsyncIterator[T], record: CallRecord) -> AsyncIterator[T]:
    try:
        while True:
            record.iterating = True
            try:
                item = await inner.__anext__()
            except StopAsyncIteration:
                record.finish(outcome=COMPLETED)
                return
            finally:
                record.iterating = False
            record.chunk(item)
            yield item
    except GeneratorExit:
        record.finish(outcome=ABANDONED)
        raise
    except BaseException as exc:
        record.finish(error=exc, outcome=FAILED)
        raise
    finally:
        aclose: Callable[[], Awaitable[None]] | None = getattr(inner, "aclose", None)
        if aclose is not None:
            await aclose()


def _wrap_close(response: Any, record: CallRecord) -> None:
    original = type(response).close
    ref = weakref.ref(response)

    def close() -> None:
        target = ref()
        try:
            if target is not None:
                original(target)
        finally:
            if not record.iterating:
                record.finish(outcome=CLOSED)

    response.close = close


def _wrap_aclose(response: Any, record: CallRecord) -> None:
    original = type(response).aclose
    ref = weakref.ref(response)

    async def aclose() -> None:
        target = ref()
        try:
            if target is not None:
                await original(target)
        finally:
            if not record.iterating:
                record.finish(outcome=CLOSED)

    response.aclose = aclose
