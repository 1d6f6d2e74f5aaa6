"""`client.chat`: the assistant."""

from __future__ import annotations

from typing import Unpack

from agentplatform_api.api.chat import create_chat, stream_chat
from agentplatform_api.models import ChatRequest, ChatResponse
from agentplatform_api.types import UNSET

from .. import _params
from .._operation import Call, M, RequestOptions, Resource, operation, streamed
from ..streaming import AsyncChatStream, ChatStream, StreamCall, chat_stream_call

MAX_MESSAGE = 100_000


def chat_request(
    message: str,
    *,
    conversation_id: str | None = None,
    model: str | None = None,
    use_memory: bool | None = None,
    user_id: str | None = None,
) -> ChatRequest:
    """Build a checked `ChatRequest`."""
    return ChatRequest(
        message=_params.text("message", message, max_length=MAX_MESSAGE),
        conversation_id=UNSET
        if conversation_id is None
        else _params.text("conversation_id", conversation_id),
        model=UNSET if model is None else _params.text("model", model),
        use_memory=UNSET if use_memory is None else _params.boolean("use_memory", use_memory),
        user_id=UNSET if user_id is None else _params.text("user_id", user_id),
    )


class Chat(Resource[M]):
    """Chat with the assistant: the whole reply at once, or streamed."""

    @operation
    def create(
        self,
        message: str,
        *,
        conversation_id: str | None = None,
        model: str | None = None,
        use_memory: bool | None = None,
        user_id: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> Call[ChatResponse]:
        """Send a message and return the whole reply."""
        body = chat_request(
            message,
            conversation_id=conversation_id,
            model=model,
            use_memory=use_memory,
            user_id=user_id,
        )
        return Call(create_chat, {"body": body}, options)

    @streamed
    def stream(
        self,
        message: str,
        *,
        conversation_id: str | None = None,
        model: str | None = None,
        use_memory: bool | None = None,
        user_id: str | None = None,
        max_resume_attempts: int = 3,
        idle_timeout: float | None = None,
        **options: Unpack[RequestOptions],
    ) -> StreamCall[ChatStream, AsyncChatStream]:
        """Send a message and stream the reply as typed events.

        ```python
        with client.chat.stream("hi") as stream:
            for text in stream.text_deltas():
                print(text, end="")
        ```

        A dropped connection is resumed from the last event (`Last-Event-ID`, same
        `Idempotency-Key`) up to `max_resume_attempts` times in a row without a new
        event. `idle_timeout` (seconds; default: the read timeout) bounds the wait for
        the next event. Leaving the block or breaking out of the loop closes the stream.
        """
        body = chat_request(
            message,
            conversation_id=conversation_id,
            model=model,
            use_memory=use_memory,
            user_id=user_id,
        )
        return chat_stream_call(
            Call(stream_chat, {"body": body}, options),
            max_resume_attempts=max_resume_attempts,
            idle_timeout=idle_timeout,
        )
