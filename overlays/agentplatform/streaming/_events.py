"""The events of a chat stream, and how each server-sent event becomes one.

`message.delta` becomes a `ChatDelta`, `message.completed` a `ChatResponse`, an `error`
event a raised `StreamError`, and any other name an `UnknownStreamEvent`.
"""

from __future__ import annotations

from typing import Any, Protocol, TypeAlias

import attrs
from agentplatform_api.models import ChatDelta, ChatResponse, Problem

from .. import _retry
from .._validation import checker_for, validate
from ..errors import APIResponseValidationError, StreamError
from ..sse import ServerSentEvent

__all__ = ["ChatStreamEvent", "Invalid", "UnknownStreamEvent", "decode_event"]

_DELTA = "message.delta"
_COMPLETED = "message.completed"
_ERROR = "error"


@attrs.frozen
class UnknownStreamEvent:
    """An event whose name this version of the SDK does not know; yielded, never an error.

    Attributes:
        name: the event name (``"message"`` when the server sent none).
        data: the raw data of the event.
        id: the event id (``""`` when the server sent none).
    """

    name: str
    data: str
    id: str

    def json(self) -> Any:
        """The data parsed as JSON (`APIResponseValidationError` when it is not JSON)."""
        return ServerSentEvent(self.name, self.data, self.id).json()


ChatStreamEvent: TypeAlias = ChatDelta | ChatResponse | UnknownStreamEvent
"""What iterating a chat stream yields."""


class Invalid(Protocol):
    """Builds the `APIResponseValidationError` of a bad event (with the stream's ids)."""

    def __call__(self, message: str, *, field: str | None = None) -> APIResponseValidationError: ...


def decode_event(sse: ServerSentEvent, invalid: Invalid, request_id: str | None) -> ChatStreamEvent:
    """The typed event of `sse`; raises `StreamError` for an `error` event, or the
    error `invalid` builds when the data breaks the API spec."""
    if sse.event == _DELTA:
        return _model(ChatDelta, sse, invalid)
    if sse.event == _COMPLETED:
        return _model(ChatResponse, sse, invalid)
    if sse.event == _ERROR:
        raise _stream_error(sse, request_id)
    return UnknownStreamEvent(sse.event, sse.data, sse.id)


def _model(
    cls: type[ChatDelta] | type[ChatResponse], sse: ServerSentEvent, invalid: Invalid
) -> ChatDelta | ChatResponse:
    where = f"The data of the {sse.event!r} event" + (f" (id {sse.id})" if sse.id else "")
    try:
        payload = sse.json()
    except APIResponseValidationError:
        raise invalid(f"{where} is not valid JSON: {sse.data[:100]!r}.") from None
    if not isinstance(payload, dict):
        raise invalid(f"{where} should be a JSON object ({cls.__name__}).")
    try:
        model = cls.from_dict(payload)
    except KeyError as exc:
        field = str(exc.args[0]) if exc.args else None
        raise invalid(
            f"{where} does not match the API spec: required field {field!r} is missing.",
            field=field,
        ) from None
    except (TypeError, ValueError, AttributeError) as exc:
        raise invalid(f"{where} does not match the API spec: {exc}") from None
    mismatch = checker_for(cls)(model, "")
    if mismatch is not None:
        field, expected = mismatch
        raise invalid(
            f"{where} does not match the API spec: field {field!r} should be {expected}.",
            field=field,
        )
    return model


def _stream_error(sse: ServerSentEvent, request_id: str | None) -> StreamError:
    problem: Problem | None
    try:
        problem = Problem.from_dict(sse.json())
        validate(problem)
    except (KeyError, TypeError, ValueError, AttributeError, APIResponseValidationError):
        problem = None
    if problem is None:
        detail = f"its data is not a problem document: {sse.data[:200]!r}"
        retryable = False
    else:
        detail = (problem.detail if isinstance(problem.detail, str) else "") or problem.title
        flag = problem.additional_properties.get("retryable")
        retryable = (
            flag
            if isinstance(flag, bool)
            else problem.status >= 500 or problem.status in _retry.RETRYABLE_STATUSES
        )
    message = f"The stream reported an error: {detail.rstrip('.')}."
    if problem is None:
        message += " Send the message again if it persists, report it with the request id."
    if request_id:
        message += f" Request id: {request_id}."
    return StreamError(message, problem=problem, retryable=retryable)
