"""`chat_stream_call`: the checked `StreamCall` of `client.chat.stream(...)`."""

from __future__ import annotations

import uuid
from typing import Any

import attrs

from .._operation import Call, RequestOptions
from ..errors import InvalidParameterError
from ._async import AsyncChatStream
from ._call import StreamCall
from ._sync import ChatStream

__all__ = ["chat_stream_call"]


def chat_stream_call(
    call: Call[Any], *, max_resume_attempts: int, idle_timeout: float | None
) -> StreamCall[ChatStream, AsyncChatStream]:
    """A checked `StreamCall` for `streamChat`, with a fixed idempotency key for resumes."""
    if not isinstance(max_resume_attempts, int) or isinstance(max_resume_attempts, bool):
        raise InvalidParameterError(
            "max_resume_attempts", f"expected an integer, got {type(max_resume_attempts).__name__}."
        )
    if max_resume_attempts < 0:
        raise InvalidParameterError("max_resume_attempts", "must be >= 0.")
    if idle_timeout is not None and (
        not isinstance(idle_timeout, (int, float))
        or isinstance(idle_timeout, bool)
        or not 0 < idle_timeout < float("inf")
    ):
        raise InvalidParameterError(
            "idle_timeout", f"expected a positive number of seconds or None, got {idle_timeout!r}."
        )
    options: RequestOptions = {**call.options}
    options.setdefault("idempotency_key", str(uuid.uuid4()))
    options["extra_headers"] = {**options.get("extra_headers", {}), "Accept": "text/event-stream"}
    return StreamCall(
        attrs.evolve(call, options=options),
        ChatStream,
        AsyncChatStream,
        max_resume_attempts=max_resume_attempts,
        idle_timeout=None if idle_timeout is None else float(idle_timeout),
    )
