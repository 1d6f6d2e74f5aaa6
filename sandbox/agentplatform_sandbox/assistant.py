"""The deterministic assistant: a reply derived from the message, and its stream events."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from .knowledge_base import search
from .replies import SseEvent

ERROR_TRIGGER = "!error"
"""A message containing this makes the reply fail part-way (an `error` event)."""
_ECHO_LIMIT = 200
_TOKEN = re.compile(r"\S+\s*")


def compose_reply(message: str, memories: Sequence[tuple[str, str]] = ()) -> str:
    """The reply to `message`: the same message always gets the same reply.

    It echoes the message, names the best-matching knowledge item and, when given,
    the user's memories as `key is value` facts.
    """
    echo = " ".join(message.split())
    if len(echo) > _ECHO_LIMIT:
        echo = echo[:_ECHO_LIMIT].rstrip() + "..."
    parts = [f"You said: {echo}." if echo else "You said nothing."]
    hits = search(message, limit=1)
    if hits:
        parts.append(f"Related {hits[0]['kind']}: {hits[0]['title']}.")
    if memories:
        facts = "; ".join(f"{key} is {value}" for key, value in memories)
        parts.append(f"I remember that {facts}.")
    return " ".join(parts)


def split_tokens(reply: str) -> list[str]:
    """Pieces of `reply` (each word with its trailing space) that join back to it."""
    return _TOKEN.findall(reply) or [reply]


def chat_response(
    message: str,
    reply: str,
    conversation_id: str,
    message_id: str,
    *,
    failed: bool = False,
) -> dict[str, Any]:
    """The `ChatResponse` JSON object."""
    return {
        "conversation_id": conversation_id,
        "message_id": message_id,
        "response": reply,
        "usage": {
            "prompt_tokens": len(message.split()),
            "completion_tokens": len(split_tokens(reply)) if reply else 0,
        },
        "finish_reason": "error" if failed else "stop",
    }


def stream_events(response: dict[str, Any], error: dict[str, Any] | None = None) -> list[SseEvent]:
    """The events of a streamed reply: one delta per token, then `message.completed`.

    With `error` (a Problem), the deltas are followed by an `error` event instead.
    """
    pieces = split_tokens(response["response"])
    events = [
        SseEvent(index, "message.delta", {"content": piece})
        for index, piece in enumerate(pieces, start=1)
    ]
    if error is not None:
        events.append(SseEvent(len(events) + 1, "error", error))
    else:
        events.append(SseEvent(len(events) + 1, "message.completed", response))
    return events
