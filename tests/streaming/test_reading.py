"""Reading a stream: typed events in order, text and final reply, what is sent, and
the errors raised before a stream starts."""

from __future__ import annotations

import json
from typing import Any

import agentplatform as ap
import pytest
from _modes import checked_out
from agentplatform.streaming import (
    AsyncChatStream,
    ChatStream,
)
from agentplatform.types import ChatDelta, ChatResponse
from pytest_httpserver import HTTPServer

from ._support import (
    API_KEY,
    REQUEST_ID,
    TOKENS,
    consume,
    deltas,
    enter,
    final_of,
    problem_response,
    reply_events,
    resuming_server,
    serve,
    sse_response,
    text_and_final,
)

# --- the happy path -----------------------------------------------------------------------


async def test_events_are_typed_and_in_order(server: HTTPServer, client: Any, mode: str) -> None:
    script = serve(server, lambda _: sse_response(reply_events()))
    stream = client.chat.stream("Say hello", conversation_id="conv_1", model="m1")
    assert isinstance(stream, ChatStream if mode == "sync" else AsyncChatStream)
    events = await consume(stream)
    assert deltas(events) == TOKENS
    assert all(isinstance(event, ChatDelta) for event in events[:-1])
    final = events[-1]
    assert isinstance(final, ChatResponse)
    assert final.response == "Hello brave new world"
    assert final.usage.completion_tokens == 4
    assert stream.request_id == REQUEST_ID
    assert stream.request_ids == [REQUEST_ID]
    assert stream.last_event_id == "5"
    assert stream.resumes == 0
    assert stream.closed
    ((headers, body),) = script.requests
    assert headers["Accept"] == "text/event-stream"
    assert headers["X-Api-Key"] == API_KEY
    assert headers["Idempotency-Key"]
    assert "Last-Event-ID" not in headers
    assert json.loads(body) == {"message": "Say hello", "conversation_id": "conv_1", "model": "m1"}


async def test_text_deltas_and_final_response(server: HTTPServer, client: Any) -> None:
    serve(server, lambda _: sse_response(reply_events()))
    text, final = await text_and_final(client.chat.stream("Say hello"))
    assert text == "Hello brave new world"
    assert final.response == text


async def test_final_response_alone_reads_to_the_end(server: HTTPServer, client: Any) -> None:
    serve(server, lambda _: sse_response(reply_events()))
    stream = client.chat.stream("Say hello")
    final = await final_of(stream)
    assert final.message_id == "msg_1"
    assert stream.closed
    assert await final_of(stream) is final  # remembered, nothing read again
    assert await consume(stream) == []  # a finished stream yields nothing more


async def test_nothing_is_sent_before_the_stream_is_used(server: HTTPServer, client: Any) -> None:
    script = serve(server, lambda _: sse_response(reply_events()))
    stream = client.chat.stream("Say hello")
    assert script.requests == []
    assert stream.request_id is None
    assert stream.response is None
    # Iterating without a with-block works too, and closes at the end.
    events = []
    if isinstance(stream, AsyncChatStream):
        events = [event async for event in stream]
    else:
        events = list(stream)
    assert deltas(events) == TOKENS
    assert len(script.requests) == 1
    assert stream.closed


async def test_raw_response_client_returns_the_same_stream(
    server: HTTPServer, client: Any, mode: str
) -> None:
    serve(server, lambda _: sse_response(reply_events()))
    stream = client.with_raw_response.chat.stream("Say hello")
    assert isinstance(stream, ChatStream if mode == "sync" else AsyncChatStream)
    events = await consume(stream)
    assert isinstance(events[-1], ChatResponse)


async def test_the_given_idempotency_key_and_headers_are_sent(
    server: HTTPServer, client: Any
) -> None:
    script = serve(server, resuming_server(cut_after=2))
    stream = client.chat.stream(
        "Say hello", idempotency_key="idem-123", extra_headers={"X-Trace": "t1"}
    )
    await consume(stream)
    assert script.headers("Idempotency-Key") == ["idem-123"] * 3
    assert script.headers("X-Trace") == ["t1"] * 3


# --- errors before the stream starts --------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "error"),
    [
        (400, ap.BadRequestError),
        (401, ap.AuthenticationError),
        (403, ap.PermissionDeniedError),
        (422, ap.UnprocessableEntityError),
        (429, ap.RateLimitError),
        (500, ap.InternalServerError),
        (503, ap.InternalServerError),
    ],
)
async def test_an_error_status_before_the_stream_raises_on_enter(
    server: HTTPServer, make_client: Any, status: int, error: type[ap.APIStatusError]
) -> None:
    script = serve(server, lambda _: problem_response(status, "Nope."))
    client = make_client(max_retries=0)
    stream = client.chat.stream("Say hello")
    with pytest.raises(error) as caught:
        await enter(stream)
    assert caught.value.status_code == status
    assert caught.value.request_id == REQUEST_ID
    assert len(script.requests) == 1
    with pytest.raises(error):  # iterating afterwards re-raises, without a new request
        await consume(stream)
    assert len(script.requests) == 1
    assert checked_out(client) == 0


async def test_retryable_statuses_are_retried_before_the_stream_starts(
    server: HTTPServer, client: Any, sleeps: list[float]
) -> None:
    script = serve(
        server,
        lambda _: problem_response(503),
        lambda _: sse_response(reply_events()),
    )
    events = await consume(client.chat.stream("Say hello"))
    assert deltas(events) == TOKENS
    assert len(script.requests) == 2
    assert len(set(script.headers("Idempotency-Key"))) == 1


async def test_an_unreachable_server_raises_api_connection_error(make_client: Any) -> None:
    client = make_client(base_url="http://127.0.0.1:9", max_retries=0)
    with pytest.raises(ap.APIConnectionError):
        await consume(client.chat.stream("Say hello"))


async def test_bad_arguments_fail_before_anything_is_sent(server: HTTPServer, client: Any) -> None:
    script = serve(server, lambda _: sse_response(reply_events()))
    for kwargs in (
        {"max_resume_attempts": -1},
        {"max_resume_attempts": 1.5},
        {"max_resume_attempts": True},
        {"idle_timeout": 0},
        {"idle_timeout": -1.0},
        {"idle_timeout": float("inf")},
        {"idle_timeout": "5"},
    ):
        with pytest.raises(ap.InvalidParameterError):
            client.chat.stream("Say hello", **kwargs)
    with pytest.raises(ap.InvalidParameterError, match="message"):
        client.chat.stream("")
    assert script.requests == []
