"""The assistant: whole replies and resumable event streams."""

from __future__ import annotations

from typing import Any

from ..assistant import ERROR_TRIGGER, chat_response, compose_reply, split_tokens, stream_events
from ..context import Handler, RequestContext
from ..idempotency import fingerprint
from ..ids import new_id
from ..problems import problem_body
from ..replies import Reply, StreamReply
from .memory import live_memories

_KEPT_STREAMS = 100


def _respond(ctx: RequestContext) -> tuple[dict[str, Any], bool]:
    body = ctx.body
    message = body["message"]
    with ctx.state.lock:
        facts: list[tuple[str, str]] = []
        if body.get("use_memory") and body.get("user_id"):
            facts = [
                (m.data["key"], m.data["value"])
                for m in live_memories(ctx.store, ctx.state.clock.now())
                if m.data["user_id"] == body["user_id"]
            ]
        reply = compose_reply(message, facts)
        failed = ERROR_TRIGGER in message
        if failed:
            pieces = split_tokens(reply)
            reply = "".join(pieces[: max(1, len(pieces) // 2)])
        conversation_id = body.get("conversation_id") or new_id("conv")
        message_id = new_id("msg")
        ctx.store.conversations.setdefault(conversation_id, []).append(message_id)
    return chat_response(message, reply, conversation_id, message_id, failed=failed), failed


def create_chat(ctx: RequestContext) -> Reply:
    """The whole reply (`finish_reason: error` when the message asks for a failure)."""
    response, _ = _respond(ctx)
    return Reply(200, response)


def stream_chat(ctx: RequestContext) -> StreamReply:
    """The reply as events; a request with `Last-Event-ID` continues the latest such stream."""
    key = fingerprint("POST", ctx.path, ctx.body)
    with ctx.state.lock:
        streams = ctx.store.streams
        if ctx.param("Last-Event-ID") is not None and key in streams:
            return streams[key]
        response, failed = _respond(ctx)
        error = None
        if failed:
            error = problem_body(
                500,
                "stream_failed",
                "The assistant failed part-way through the reply; send the message again.",
                request_id=ctx.request_id,
            )
        reply = StreamReply(stream_events(response, error))
        streams.pop(key, None)
        streams[key] = reply
        while len(streams) > _KEPT_STREAMS:
            del streams[next(iter(streams))]
        return reply


HANDLERS: dict[str, Handler] = {"createChat": create_chat, "streamChat": stream_chat}
