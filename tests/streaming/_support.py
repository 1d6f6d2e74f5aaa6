"""Helpers of the streaming tests: encoded events, scripted server answers, and
functions that drive a sync or async stream alike."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

from agentplatform.streaming import (
    AsyncChatStream,
    ChatStream,
)
from agentplatform.types import ChatDelta, ChatResponse
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response
from werkzeug.datastructures import Headers

API_KEY = "sk_test_streaming_0000000"
REQUEST_ID = "req_stream_0001"
STREAM_PATH = "/v1/chat/stream"


COMPLETED = {
    "conversation_id": "conv_1",
    "message_id": "msg_1",
    "response": "Hello brave new world",
    "usage": {"prompt_tokens": 2, "completion_tokens": 4},
    "finish_reason": "stop",
}
TOKENS = ["Hello ", "brave ", "new ", "world"]


def sse(event_id: int | str | None, event: str | None, data: Any) -> bytes:
    """One encoded server-sent event (`data` as is when it is a string, else JSON)."""
    lines = []
    if event_id is not None:
        lines.append(f"id: {event_id}")
    if event is not None:
        lines.append(f"event: {event}")
    lines.append(f"data: {data if isinstance(data, str) else json.dumps(data)}")
    return ("\n".join(lines) + "\n\n").encode()


def reply_events() -> list[bytes]:
    """The whole reply: one delta per token (ids 1..4) and `message.completed` (id 5)."""
    events = [sse(i, "message.delta", {"content": t}) for i, t in enumerate(TOKENS, start=1)]
    return [*events, sse(len(TOKENS) + 1, "message.completed", COMPLETED)]


def events_after(last_id: int) -> list[bytes]:
    return reply_events()[last_id:]


def sse_response(
    chunks: list[bytes] | Iterator[bytes],
    *,
    cut: bool = False,
    content_type: str = "text/event-stream; charset=utf-8",
    status: int = 200,
) -> Response:
    """A streamed answer; with `cut`, the connection closes before the declared length."""
    headers = {
        "Content-Type": content_type,
        "X-Request-ID": REQUEST_ID,
        "Cache-Control": "no-cache",
    }
    if cut:
        headers["Content-Length"] = "1000000"
        headers["Connection"] = "close"
    return Response(iter(chunks), status=status, headers=headers)


def problem(status: int, detail: str, **extra: Any) -> dict[str, Any]:
    return {
        "type": "https://agentplatform.dev/problems/test",
        "title": "Test problem",
        "status": status,
        "detail": detail,
        **extra,
    }


def problem_response(
    status: int, detail: str = "It failed.", headers: dict[str, str] | None = None
) -> Response:
    return Response(
        json.dumps(problem(status, detail)),
        status=status,
        headers={"X-Request-ID": REQUEST_ID, **(headers or {})},
        content_type="application/problem+json",
    )


Answer = Callable[[Request], Response]


class Script:
    """A werkzeug handler: the n-th request gets the n-th answer (the last one repeats)."""

    def __init__(self, *answers: Answer) -> None:
        self.answers = answers
        self.requests: list[tuple[Headers, bytes]] = []

    def __call__(self, request: Request) -> Response:
        self.requests.append((Headers(request.headers), request.get_data()))
        answer = self.answers[min(len(self.requests), len(self.answers)) - 1]
        return answer(request)

    def headers(self, name: str) -> list[str | None]:
        return [headers.get(name) for headers, _ in self.requests]


def last_event_id(request: Request) -> int:
    return int(request.headers.get("Last-Event-ID", "0"))


def resuming_server(cut_after: int) -> Answer:
    """Honour `Last-Event-ID`; cut each connection mid-event after `cut_after` events."""

    def answer(request: Request) -> Response:
        pending = events_after(last_event_id(request))
        if len(pending) <= cut_after:
            return sse_response(pending)
        return sse_response([*pending[:cut_after], pending[cut_after][:15]], cut=True)

    return answer


def serve(server: HTTPServer, *answers: Answer) -> Script:
    script = Script(*answers)
    server.expect_request(STREAM_PATH, method="POST").respond_with_handler(script)
    return script


# --- helpers that drive a sync or async stream alike -------------------------------------


async def consume(stream: ChatStream | AsyncChatStream, into: list[Any] | None = None) -> list[Any]:
    """Every event, inside the stream's (async) with-block; `into` keeps them on errors."""
    events: list[Any] = [] if into is None else into
    if isinstance(stream, AsyncChatStream):
        async with stream:
            async for event in stream:
                events.append(event)
    else:
        with stream:
            for event in stream:
                events.append(event)
    return events


async def text_and_final(stream: ChatStream | AsyncChatStream) -> tuple[str, ChatResponse]:
    if isinstance(stream, AsyncChatStream):
        async with stream:
            text = "".join([piece async for piece in stream.text_deltas()])
            return text, await stream.final_response()
    with stream:
        return "".join(stream.text_deltas()), stream.final_response()


async def final_of(stream: ChatStream | AsyncChatStream) -> ChatResponse:
    if isinstance(stream, AsyncChatStream):
        return await stream.final_response()
    return stream.final_response()


async def enter(stream: ChatStream | AsyncChatStream) -> None:
    if isinstance(stream, AsyncChatStream):
        await stream.__aenter__()
    else:
        stream.__enter__()


async def close(stream: ChatStream | AsyncChatStream) -> None:
    if isinstance(stream, AsyncChatStream):
        await stream.close()
    else:
        stream.close()


def deltas(events: list[Any]) -> list[str]:
    return [event.content for event in events if isinstance(event, ChatDelta)]
