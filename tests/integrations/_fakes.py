"""Fake OpenAI and Anthropic APIs on pytest-httpserver: JSON bodies and SSE streams."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

SSE = "text/event-stream"


def sse(events: Iterable[tuple[str | None, Any]]) -> str:
    """An SSE body of (event name, data) pairs; data is JSON-encoded unless a string."""
    out = []
    for name, data in events:
        text = data if isinstance(data, str) else json.dumps(data)
        out.append((f"event: {name}\n" if name else "") + f"data: {text}\n\n")
    return "".join(out)


def stream_response(body: str, *, cut_after: int | None = None) -> Response:
    """An SSE response; with `cut_after`, the connection drops after that many events
    (the declared Content-Length is the whole body's, so the client sees the cut)."""
    if cut_after is None:
        return Response(body, content_type=SSE)
    sent = "".join(event + "\n\n" for event in body.split("\n\n")[:cut_after])

    def generate() -> Iterator[bytes]:
        yield sent.encode()

    return Response(
        generate(), content_type=SSE, headers={"Content-Length": str(len(body.encode()))}
    )


def error_response(status: int, message: str, *, kind: str = "error") -> Response:
    body = {"error": {"message": message, "type": kind, "code": None}}
    headers = {"retry-after": "0"} if status == 429 else {}
    return Response(
        json.dumps(body), status=status, headers=headers, content_type="application/json"
    )


# --------------------------------------------------------------------- OpenAI


def chat_completion(
    text: str = "Hello there", *, model: str = "gpt-4o-mini-2024-07-18", usage: bool = True
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": "chatcmpl-1",
        "object": "chat.completion",
        "created": 1,
        "model": model,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": text, "refusal": None},
                "finish_reason": "stop",
                "logprobs": None,
            }
        ],
    }
    if usage:
        body["usage"] = {"prompt_tokens": 12, "completion_tokens": 3, "total_tokens": 15}
    return body


def chat_chunks(
    parts: Iterable[str] = ("Hel", "lo", "!"), *, model: str = "gpt-4o-mini", usage: bool = True
) -> str:
    base = {"id": "chatcmpl-2", "object": "chat.completion.chunk", "created": 1, "model": model}

    def chunk(delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
        return {**base, "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}

    events: list[tuple[str | None, Any]] = [(None, chunk({"role": "assistant", "content": ""}))]
    events += [(None, chunk({"content": part})) for part in parts]
    events.append((None, chunk({}, "stop")))
    if usage:
        events.append(
            (
                None,
                {
                    **base,
                    "choices": [],
                    "usage": {"prompt_tokens": 8, "completion_tokens": 3, "total_tokens": 11},
                },
            )
        )
    events.append((None, "[DONE]"))
    return sse(events)


def response_object(
    text: str = "Hi from responses", *, status: str = "completed"
) -> dict[str, Any]:
    return {
        "id": "resp_1",
        "object": "response",
        "created_at": 1,
        "model": "gpt-4.1-2025-04-14",
        "status": status,
        "output": [
            {
                "type": "message",
                "id": "msg_1",
                "status": "completed",
                "role": "assistant",
                "content": [{"type": "output_text", "text": text, "annotations": []}],
            }
        ],
        "parallel_tool_calls": True,
        "tool_choice": "auto",
        "tools": [],
        "usage": {
            "input_tokens": 20,
            "input_tokens_details": {"cached_tokens": 10},
            "output_tokens": 5,
            "output_tokens_details": {"reasoning_tokens": 0},
            "total_tokens": 25,
        },
    }


def response_events(parts: Iterable[str] = ("Hi ", "there")) -> str:
    created = {**response_object(""), "status": "in_progress", "output": [], "usage": None}
    events: list[tuple[str | None, Any]] = [
        (
            "response.created",
            {"type": "response.created", "sequence_number": 0, "response": created},
        ),
        (
            "response.output_item.added",
            {
                "type": "response.output_item.added",
                "sequence_number": 0,
                "output_index": 0,
                "item": {
                    "type": "message",
                    "id": "msg_1",
                    "status": "in_progress",
                    "role": "assistant",
                    "content": [],
                },
            },
        ),
        (
            "response.content_part.added",
            {
                "type": "response.content_part.added",
                "sequence_number": 0,
                "item_id": "msg_1",
                "output_index": 0,
                "content_index": 0,
                "part": {"type": "output_text", "text": "", "annotations": []},
            },
        ),
    ]
    for n, part in enumerate(parts, start=1):
        events.append(
            (
                "response.output_text.delta",
                {
                    "type": "response.output_text.delta",
                    "sequence_number": n,
                    "item_id": "msg_1",
                    "output_index": 0,
                    "content_index": 0,
                    "delta": part,
                    "logprobs": [],
                },
            )
        )
    done = response_object("".join(parts))
    events.append(
        (
            "response.completed",
            {"type": "response.completed", "sequence_number": 99, "response": done},
        )
    )
    return sse(events)


# ------------------------------------------------------------------ Anthropic


def message(text: str = "Bonjour", *, model: str = "claude-haiku-4-5-20251001") -> dict[str, Any]:
    return {
        "id": "msg_01",
        "type": "message",
        "role": "assistant",
        "model": model,
        "content": [{"type": "text", "text": text}],
        "stop_reason": "end_turn",
        "stop_sequence": None,
        "usage": {
            "input_tokens": 30,
            "output_tokens": 4,
            "cache_read_input_tokens": 100,
            "cache_creation_input_tokens": 0,
        },
    }


def message_events(
    parts: Iterable[str] = ("Bon", "jour"), *, model: str = "claude-sonnet-4-6"
) -> str:
    start = {**message("", model=model), "content": [], "stop_reason": None}
    start["usage"] = {"input_tokens": 25, "output_tokens": 1}
    events: list[tuple[str | None, Any]] = [
        ("message_start", {"type": "message_start", "message": start}),
        (
            "content_block_start",
            {
                "type": "content_block_start",
                "index": 0,
                "content_block": {"type": "text", "text": ""},
            },
        ),
        ("ping", {"type": "ping"}),
    ]
    events += [
        (
            "content_block_delta",
            {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": p}},
        )
        for p in parts
    ]
    events += [
        ("content_block_stop", {"type": "content_block_stop", "index": 0}),
        (
            "message_delta",
            {
                "type": "message_delta",
                "delta": {"stop_reason": "end_turn", "stop_sequence": None},
                "usage": {"output_tokens": 6},
            },
        ),
        ("message_stop", {"type": "message_stop"}),
    ]
    return sse(events)


def anthropic_error(status: int, message_text: str) -> Response:
    body = {"type": "error", "error": {"type": "rate_limit_error", "message": message_text}}
    headers = {"retry-after": "0"} if status == 429 else {}
    return Response(
        json.dumps(body), status=status, headers=headers, content_type="application/json"
    )


def bodies(server: HTTPServer) -> list[dict[str, Any]]:
    """The JSON bodies the fake server received, in order."""
    return [json.loads(request.get_data()) for request, _ in server.log]


def json_of(request: Request) -> Any:
    return json.loads(request.get_data())
