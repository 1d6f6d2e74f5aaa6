"""`StreamCall`: a streamed request and the stream classes that serve it."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import attrs

from .._operation import Call

if TYPE_CHECKING:
    from .._runners import AsyncCore, SyncCore

__all__ = ["StreamCall"]

SyncStreamT = TypeVar("SyncStreamT")
AsyncStreamT = TypeVar("AsyncStreamT")


@attrs.frozen
class StreamCall(Generic[SyncStreamT, AsyncStreamT]):
    """A streamed request and the stream classes that serve it sync and async.

    Built by a resource method decorated with `_operation.streamed`; the runner opens it.
    """

    call: Call[Any]
    sync_stream: Callable[[SyncCore, StreamCall[Any, Any]], SyncStreamT]
    async_stream: Callable[[AsyncCore, StreamCall[Any, Any]], AsyncStreamT]
    max_resume_attempts: int = 3
    idle_timeout: float | None = None
