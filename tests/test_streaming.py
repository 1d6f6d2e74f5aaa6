"""`client.chat.stream`: typed events, resume without loss or repeats, errors, closing.

Every test runs with `Client` and `AsyncClient`. Misbehaving servers are pytest-httpserver
handlers (threaded, so a resume can connect while an earlier handler still runs) or httpx
mock transports for transport failures a real socket cannot produce on demand; the
real-world checks run against the sandbox.
"""

from __future__ import annotations

import asyncio
import json
import os
import threading
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import _modes
import agentplatform as ap
import httpx
import pytest
from _modes import checked_out
from agentplatform import _transport
from agentplatform.streaming import (
    AsyncChatStream,
    ChatStream,
    UnknownStreamEvent,
)
from agentplatform.types import ChatDelta, ChatResponse, Problem
from agentplatform_sandbox import Faults, Sandbox
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response
from werkzeug.datastructures import Headers

API_KEY = "sk_test_streaming_0000000"
REQUEST_ID = "req_stream_0001"
STREAM_PATH = "/v1/chat/stream"
mode = _modes.mode  # sync, async-httpx, async-aiohttp

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


# --- fixtures ---------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> None:
    for name in list(os.environ):
        if name.startswith("AGENTPLATFORM_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("AGENTPLATFORM_CONFIG_FILE", str(tmp_path / "absent.toml"))


@pytest.fixture(autouse=True)
def sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The delays asked for (retries and resumes); nothing sleeps for real."""
    delays: list[float] = []

    async def fake_async_sleep(seconds: float) -> None:
        delays.append(seconds)

    monkeypatch.setattr(_transport, "sleep", delays.append)
    monkeypatch.setattr(_transport, "async_sleep", fake_async_sleep)
    return delays


@pytest.fixture
def stop() -> Iterator[threading.Event]:
    """Set at teardown, so that slow server handlers end."""
    event = threading.Event()
    yield event
    event.set()


@pytest.fixture(scope="module")
def http_server() -> Iterator[HTTPServer]:
    srv = HTTPServer(threaded=True)
    srv.no_handler_status_code = 418
    srv.start()
    yield srv
    srv.stop()


@pytest.fixture
def server(http_server: HTTPServer, stop: threading.Event) -> Iterator[HTTPServer]:
    """The module's threaded loopback server, with no handlers at the start of each test."""
    http_server.clear()
    yield http_server
    stop.set()
    http_server.clear()


@pytest.fixture
async def make_client(mode: str, server: HTTPServer) -> AsyncIterator[Callable[..., Any]]:
    made: list[Any] = []

    def make(**options: Any) -> Any:
        options.setdefault("api_key", API_KEY)
        options.setdefault("base_url", server.url_for("/").rstrip("/"))
        client = (ap.Client if mode == "sync" else ap.AsyncClient)(**options)
        made.append(client)
        return client

    yield make
    for client in made:
        if isinstance(client, ap.AsyncClient):
            await client.aclose()
        else:
            client.close()


@pytest.fixture
def client(make_client: Callable[..., Any]) -> Any:
    return make_client()


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


# --- resuming -------------------------------------------------------------------------------


async def test_cut_mid_event_resumes_without_loss_or_repeat(
    server: HTTPServer, client: Any, sleeps: list[float]
) -> None:
    script = serve(server, resuming_server(cut_after=2))
    stream = client.chat.stream("Say hello")
    events = await consume(stream)
    assert deltas(events) == TOKENS
    assert [type(e) for e in events].count(ChatResponse) == 1
    assert script.headers("Last-Event-ID") == [None, "2", "4"]
    keys = script.headers("Idempotency-Key")
    assert keys[0] and len(set(keys)) == 1  # the same request each time
    assert len({body for _, body in script.requests}) == 1
    assert stream.resumes == 2
    assert stream.request_ids == [REQUEST_ID] * 3
    assert len(sleeps) == 2 and all(0 <= s <= 0.5 for s in sleeps)


async def test_a_body_that_ends_before_completion_is_resumed(
    server: HTTPServer, client: Any
) -> None:
    def answer(request: Request) -> Response:
        pending = events_after(last_event_id(request))
        return sse_response(pending[:3] if len(pending) > 3 else pending)  # clean end

    script = serve(server, answer)
    text, final = await text_and_final(client.chat.stream("Say hello"))
    assert text == "Hello brave new world"
    assert final.response == text
    assert script.headers("Last-Event-ID") == [None, "3"]


async def test_events_the_server_repeats_after_a_resume_are_skipped(
    server: HTTPServer, client: Any
) -> None:
    first = reply_events()
    script = serve(
        server,
        lambda _: sse_response([*first[:3], first[3][:10]], cut=True),
        lambda _: sse_response(first),  # ignores Last-Event-ID: replays from the start
    )
    events = await consume(client.chat.stream("Say hello"))
    assert deltas(events) == TOKENS
    assert script.headers("Last-Event-ID") == [None, "3"]


async def test_repeats_with_opaque_ids_are_skipped_by_equality(
    server: HTTPServer, client: Any
) -> None:
    a, b = (
        sse("ev-a", "message.delta", {"content": "A "}),
        sse("ev-b", "message.delta", {"content": "B"}),
    )
    done = sse("ev-c", "message.completed", {**COMPLETED, "response": "A B"})
    script = serve(
        server,
        lambda _: sse_response([a, b, done[:10]], cut=True),
        lambda _: sse_response([b, done]),  # repeats the last event it was told of
    )
    events = await consume(client.chat.stream("Say hello"))
    assert deltas(events) == ["A ", "B"]
    assert script.headers("Last-Event-ID") == [None, "ev-b"]


async def test_a_server_retry_field_sets_the_resume_delay(
    server: HTTPServer, client: Any, sleeps: list[float]
) -> None:
    first = reply_events()
    serve(
        server,
        lambda _: sse_response([b"retry: 1500\n\n", first[0], first[1][:5]], cut=True),
        lambda request: sse_response(events_after(last_event_id(request))),
    )
    events = await consume(client.chat.stream("Say hello"))
    assert deltas(events) == TOKENS
    assert sleeps == [1.5]


async def test_progress_resets_the_resume_attempts(server: HTTPServer, client: Any) -> None:
    # One event per connection: five resumes with max_resume_attempts=1 still finish.
    script = serve(server, resuming_server(cut_after=1))
    events = await consume(client.chat.stream("Say hello", max_resume_attempts=1))
    assert deltas(events) == TOKENS
    assert len(script.requests) == 5


async def test_resumes_that_keep_failing_raise_api_connection_error(
    server: HTTPServer, client: Any
) -> None:
    first = reply_events()
    script = serve(
        server,
        lambda _: sse_response([first[0], first[1][:8]], cut=True),
        lambda _: sse_response([first[1][:8]], cut=True),  # never gets further
    )
    received: list[Any] = []
    with pytest.raises(ap.APIConnectionError) as caught:
        await consume(client.chat.stream("Say hello", max_resume_attempts=2), received)
    assert not isinstance(caught.value, ap.APITimeoutError)
    assert "RemoteProtocolError" in str(caught.value)
    assert deltas(received) == ["Hello "]
    assert len(script.requests) == 3  # the first connection and two resumes
    assert script.headers("Last-Event-ID") == [None, "1", "1"]


async def test_no_resume_attempts_fails_at_the_first_cut(server: HTTPServer, client: Any) -> None:
    serve(server, resuming_server(cut_after=2))
    received: list[Any] = []
    with pytest.raises(ap.APIConnectionError):
        await consume(client.chat.stream("Say hello", max_resume_attempts=0), received)
    assert deltas(received) == TOKENS[:2]


async def test_a_stream_that_never_completes_is_a_validation_error(
    server: HTTPServer, client: Any
) -> None:
    serve(server, lambda request: sse_response(events_after(last_event_id(request))[:-1]))
    stream = client.chat.stream("Say hello", max_resume_attempts=1)
    with pytest.raises(ap.APIResponseValidationError, match=r"message\.completed"):
        await final_of(stream)
    assert stream.closed
    # The same error again, not a new request.
    with pytest.raises(ap.APIResponseValidationError, match=r"message\.completed"):
        await final_of(stream)


async def test_an_error_status_on_resume_is_raised(server: HTTPServer, make_client: Any) -> None:
    first = reply_events()
    serve(
        server,
        lambda _: sse_response([first[0], first[1][:8]], cut=True),
        lambda _: problem_response(404, "The conversation is gone."),
    )
    client = make_client(max_retries=0)
    with pytest.raises(ap.NotFoundError, match="conversation is gone"):
        await consume(client.chat.stream("Say hello"))


def cut_then(*refusals: Answer) -> tuple[Answer, ...]:
    """A first connection cut after two events, `refusals` for the resumes, then a server
    that honours `Last-Event-ID`."""
    first = reply_events()
    return (
        lambda _: sse_response([first[0], first[1], first[2][:8]], cut=True),
        *refusals,
        resuming_server(cut_after=10),
    )


@pytest.mark.parametrize("status", [500, 502, 503, 504, 429])
async def test_a_retryable_status_on_resume_is_retried(
    server: HTTPServer, make_client: Any, sleeps: list[float], status: int
) -> None:
    refusal = lambda _: problem_response(status, "Busy.")  # noqa: E731
    script = serve(server, *cut_then(refusal, refusal))
    client = make_client(max_retries=0)
    events = await consume(client.chat.stream("Say hello", max_resume_attempts=3))
    assert deltas(events) == TOKENS  # nothing lost, nothing repeated
    assert script.headers("Last-Event-ID") == [None, "2", "2", "2"]
    assert len(set(script.headers("Idempotency-Key"))) == 1
    assert len(sleeps) == 3 and all(0 <= s <= 2.0 for s in sleeps)


async def test_a_resume_honours_retry_after(
    server: HTTPServer, make_client: Any, sleeps: list[float]
) -> None:
    refusal = lambda _: problem_response(503, "Busy.", {"Retry-After": "7"})  # noqa: E731
    serve(server, *cut_then(refusal))
    client = make_client(max_retries=0)
    events = await consume(client.chat.stream("Say hello"))
    assert deltas(events) == TOKENS
    assert sleeps[1] == 7.0


async def test_a_resume_asked_to_wait_too_long_gives_up(
    server: HTTPServer, make_client: Any, sleeps: list[float]
) -> None:
    refusal = lambda _: problem_response(503, "Down.", {"Retry-After": "3600"})  # noqa: E731
    script = serve(server, *cut_then(refusal))
    client = make_client(max_retries=0)
    with pytest.raises(ap.InternalServerError, match="Down"):
        await consume(client.chat.stream("Say hello"))
    assert len(script.requests) == 2
    assert len(sleeps) == 1  # only the wait before the first resume


async def test_resumes_refused_every_time_raise_the_status_error(
    server: HTTPServer, make_client: Any
) -> None:
    refusal = lambda _: problem_response(503, "Still down.")  # noqa: E731
    script = serve(server, *cut_then(refusal, refusal, refusal, refusal))
    client = make_client(max_retries=0)
    with pytest.raises(ap.InternalServerError, match="Still down") as caught:
        await consume(client.chat.stream("Say hello", max_resume_attempts=2))
    assert len(script.requests) == 3  # the first connection and two resumes
    assert caught.value.idempotency_key == script.headers("Idempotency-Key")[0]


@pytest.mark.parametrize("event_id", [None, "caf\u00e9-1"])
async def test_events_without_usable_ids_cannot_be_resumed(
    server: HTTPServer, client: Any, event_id: str | None
) -> None:
    script = serve(
        server,
        lambda _: sse_response(
            [sse(event_id, "message.delta", {"content": "Hi"}), b"event: message.delta\ndata: {"],
            cut=True,
        ),
    )
    with pytest.raises(ap.APIConnectionError, match="no event ids"):
        await consume(client.chat.stream("Say hello"))
    assert len(script.requests) == 1


# --- error events, unknown events, bad data -------------------------------------------------


@pytest.mark.parametrize(("status", "retryable"), [(503, True), (400, False)])
async def test_an_error_event_raises_stream_error(
    server: HTTPServer, client: Any, status: int, retryable: bool
) -> None:
    first = reply_events()
    error = problem(status, "The model is overloaded.", code="overloaded")
    serve(server, lambda _: sse_response([first[0], sse(2, "error", error)]))
    received: list[Any] = []
    stream = client.chat.stream("Say hello")
    with pytest.raises(ap.StreamError) as caught:
        await consume(stream, received)
    assert deltas(received) == ["Hello "]
    assert isinstance(caught.value.problem, Problem)
    assert caught.value.problem.code == "overloaded"
    assert caught.value.problem.status == status
    assert caught.value.retryable is retryable
    assert "The model is overloaded" in str(caught.value)
    assert REQUEST_ID in str(caught.value)
    assert stream.closed
    with pytest.raises(ap.StreamError):  # the failure is kept
        await final_of(stream)


async def test_an_error_event_may_say_whether_it_is_retryable(
    server: HTTPServer, client: Any
) -> None:
    error = problem(500, "Stopped by policy.", retryable=False)
    serve(server, lambda _: sse_response([sse(1, "error", error)]))
    with pytest.raises(ap.StreamError) as caught:
        await consume(client.chat.stream("Say hello"))
    assert caught.value.retryable is False


async def test_an_error_event_without_a_problem_still_raises_stream_error(
    server: HTTPServer, client: Any
) -> None:
    serve(server, lambda _: sse_response([sse(1, "error", "something broke")]))
    with pytest.raises(ap.StreamError, match="something broke") as caught:
        await consume(client.chat.stream("Say hello"))
    assert caught.value.problem is None
    assert caught.value.retryable is False


async def test_unknown_events_are_yielded_not_fatal(server: HTTPServer, client: Any) -> None:
    first = reply_events()
    tool = {"tool": "search", "args": {"q": "ada"}}
    serve(
        server,
        lambda _: sse_response(
            [
                first[0],
                sse(2, "tool.called", tool),
                b"id: 3\ndata: plain text\n\n",  # no event name: "message"
                b": a comment\n\n",
                sse(4, "message.delta", {"content": "x"}),
                sse(5, "message.completed", COMPLETED),
            ]
        ),
    )
    events = await consume(client.chat.stream("Say hello"))
    assert events[1] == UnknownStreamEvent("tool.called", json.dumps(tool), "2")
    assert events[1].json() == tool
    assert events[2] == UnknownStreamEvent("message", "plain text", "3")
    with pytest.raises(ap.APIResponseValidationError):
        events[2].json()
    assert isinstance(events[-1], ChatResponse)


@pytest.mark.parametrize(
    ("event", "data", "field", "match"),
    [
        ("message.delta", "{not json", None, "not valid JSON"),
        ("message.delta", {"content": 5}, "content", "should be a string"),
        ("message.delta", {"text": "hi"}, "content", "'content' is missing"),
        ("message.delta", ["hi"], None, "should be a JSON object"),
        ("message.completed", {**COMPLETED, "usage": {"prompt_tokens": 2}}, None, "completion"),
        ("message.completed", {**COMPLETED, "finish_reason": 3}, "finish_reason", "finish_reason"),
        ("message.completed", {**COMPLETED, "usage": 5}, None, "does not match the API spec"),
    ],
)
async def test_data_that_breaks_the_schema_is_a_validation_error(
    server: HTTPServer, client: Any, event: str, data: Any, field: str | None, match: str
) -> None:
    first = reply_events()
    serve(server, lambda _: sse_response([first[0], sse(2, event, data), first[2]]))
    received: list[Any] = []
    stream = client.chat.stream("Say hello")
    with pytest.raises(ap.APIResponseValidationError, match=match) as caught:
        await consume(stream, received)
    assert deltas(received) == ["Hello "]
    if field is not None:
        assert caught.value.field == field
    assert caught.value.status_code == 200
    assert caught.value.request_id == REQUEST_ID
    assert f"{event!r} event (id 2)" in str(caught.value)
    assert stream.closed


async def test_a_non_event_stream_answer_is_a_validation_error(
    server: HTTPServer, client: Any
) -> None:
    serve(server, lambda _: Response(json.dumps(COMPLETED), content_type="application/json"))
    with pytest.raises(ap.APIResponseValidationError, match="application/json"):
        await consume(client.chat.stream("Say hello"))


async def test_an_undocumented_success_status_is_a_validation_error(
    server: HTTPServer, client: Any
) -> None:
    serve(server, lambda _: sse_response(reply_events(), status=203))
    with pytest.raises(ap.APIResponseValidationError, match="203"):
        await consume(client.chat.stream("Say hello"))


async def test_an_overlong_line_is_a_validation_error(server: HTTPServer, client: Any) -> None:
    serve(server, lambda _: sse_response([b"data: " + b"x" * (1024 * 1024 + 10) + b"\n\n"]))
    with pytest.raises(ap.APIResponseValidationError, match="longer than") as caught:
        await consume(client.chat.stream("Say hello"))
    assert caught.value.request_id == REQUEST_ID


async def test_on_error_hooks_see_stream_errors_once(
    server: HTTPServer, make_client: Any, mode: str
) -> None:
    seen: list[Exception] = []

    async def async_hook(error: Exception) -> None:
        seen.append(error)

    serve(server, lambda _: sse_response([sse(1, "error", problem(500, "Boom."))]))
    client = make_client(on_error=seen.append if mode == "sync" else async_hook)
    with pytest.raises(ap.StreamError) as caught:
        await consume(client.chat.stream("Say hello"))
    assert seen == [caught.value]


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


# --- idle streams ---------------------------------------------------------------------------


async def test_an_idle_stream_times_out(
    server: HTTPServer, client: Any, stop: threading.Event
) -> None:
    def silent(_: Request) -> Response:
        def body() -> Iterator[bytes]:
            yield reply_events()[0]
            stop.wait(10)

        return sse_response(body())

    serve(server, silent)
    received: list[Any] = []
    stream = client.chat.stream("Say hello", idle_timeout=0.2, max_resume_attempts=0)
    with pytest.raises(ap.APITimeoutError, match="idle_timeout") as caught:
        await consume(stream, received)
    assert deltas(received) == ["Hello "]
    assert caught.value.request_id == REQUEST_ID


async def test_the_idle_timeout_defaults_to_the_read_timeout(
    server: HTTPServer, make_client: Any, stop: threading.Event
) -> None:
    def silent(_: Request) -> Response:
        def body() -> Iterator[bytes]:
            yield b": the headers go out with this comment\n\n"
            stop.wait(10)

        return sse_response(body())

    script = serve(server, silent)
    client = make_client(timeout=0.2)
    with pytest.raises(ap.APITimeoutError):
        await consume(client.chat.stream("Say hello", max_resume_attempts=1))
    assert len(script.requests) == 2  # one resume, then the error


async def test_heartbeats_without_events_still_time_out(
    server: HTTPServer, client: Any, stop: threading.Event
) -> None:
    def heartbeats(_: Request) -> Response:
        def body() -> Iterator[bytes]:
            while not stop.wait(0.02):
                yield b": ping\n\n"

        return sse_response(body())

    serve(server, heartbeats)
    with pytest.raises(ap.APITimeoutError, match="No event arrived"):
        await consume(client.chat.stream("Say hello", idle_timeout=0.2, max_resume_attempts=0))


# --- closing --------------------------------------------------------------------------------


def endless(stop: threading.Event) -> Answer:
    def answer(_: Request) -> Response:
        def body() -> Iterator[bytes]:
            n = 0
            while not stop.wait(0.005) and n < 10_000:
                n += 1
                yield sse(n, "message.delta", {"content": f"t{n} "})

        return sse_response(body())

    return answer


async def test_leaving_the_block_early_closes_the_connection(
    server: HTTPServer, client: Any, stop: threading.Event
) -> None:
    serve(server, endless(stop))
    stream = client.chat.stream("Say hello")
    received = []
    if isinstance(stream, AsyncChatStream):
        async with stream:
            response = stream.response
            async for event in stream:
                received.append(event)
                if len(received) == 3:
                    break
    else:
        with stream:
            response = stream.response
            for event in stream:
                received.append(event)
                if len(received) == 3:
                    break
    assert len(received) == 3
    assert stream.closed
    assert response is not None and response.is_closed
    assert stream.response is None
    assert checked_out(client) == 0


async def test_an_exception_in_the_block_closes_the_connection(
    server: HTTPServer, client: Any, stop: threading.Event
) -> None:
    serve(server, endless(stop))
    stream = client.chat.stream("Say hello")
    with pytest.raises(KeyError):
        if isinstance(stream, AsyncChatStream):
            async with stream:
                async for _ in stream:
                    raise KeyError("user code failed")
        else:
            with stream:
                for _ in stream:
                    raise KeyError("user code failed")
    assert stream.closed
    assert checked_out(client) == 0


async def test_breaking_out_of_a_bare_loop_closes_the_connection(
    server: HTTPServer, client: Any, stop: threading.Event
) -> None:
    serve(server, endless(stop))
    stream = client.chat.stream("Say hello")
    if isinstance(stream, AsyncChatStream):
        async for _ in stream:
            break
        # An abandoned async generator is closed by the event loop at its next turns.
        for _ in range(100):
            if stream.closed and checked_out(client) == 0:
                break
            await asyncio.sleep(0)
    else:
        for _ in stream:
            break
    assert stream.closed
    assert checked_out(client) == 0


async def test_text_deltas_closes_when_abandoned(
    server: HTTPServer, client: Any, stop: threading.Event
) -> None:
    serve(server, endless(stop))
    stream = client.chat.stream("Say hello")
    if isinstance(stream, AsyncChatStream):
        async with stream:
            pieces = stream.text_deltas()
            assert await anext(pieces) == "t1 "
            await pieces.aclose()  # type: ignore[attr-defined]
            assert stream.closed
    else:
        with stream:
            pieces = stream.text_deltas()
            assert next(pieces) == "t1 "
            pieces.close()  # type: ignore[attr-defined]
            assert stream.closed
    assert checked_out(client) == 0


async def test_close_before_the_end_then_use_raises_stream_error(
    server: HTTPServer, client: Any, stop: threading.Event
) -> None:
    serve(server, endless(stop))
    stream = client.chat.stream("Say hello")
    await enter(stream)
    assert stream.request_id == REQUEST_ID
    await close(stream)
    if isinstance(stream, AsyncChatStream):
        await stream.aclose()  # idempotent
    else:
        stream.close()
    assert checked_out(client) == 0
    with pytest.raises(ap.StreamError, match="closed"):
        await final_of(stream)
    with pytest.raises(ap.StreamError, match="closed"):
        await consume(stream)


async def test_final_response_after_breaking_out_raises_stream_error(
    server: HTTPServer, client: Any, stop: threading.Event
) -> None:
    serve(server, endless(stop))
    stream = client.chat.stream("Say hello")
    if isinstance(stream, AsyncChatStream):
        async with stream:
            iterator = stream.__aiter__()
            await anext(iterator)
            await iterator.aclose()
            with pytest.raises(ap.StreamError, match=r"before its message\.completed"):
                await stream.final_response()
    else:
        with stream:
            iterator = stream.__iter__()
            next(iterator)
            iterator.close()
            with pytest.raises(ap.StreamError, match=r"before its message\.completed"):
                stream.final_response()


# --- transport failures a socket cannot stage: mock transports -----------------------------


class _Body(httpx.SyncByteStream, httpx.AsyncByteStream):
    """A response body that yields chunks, then raises `error` (if any)."""

    def __init__(self, chunks: list[bytes], error: Exception | None = None) -> None:
        self.chunks = chunks
        self.error = error

    def __iter__(self) -> Iterator[bytes]:
        yield from self.chunks
        if self.error is not None:
            raise self.error

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for chunk in self.chunks:
            yield chunk
        if self.error is not None:
            raise self.error


def mock_client(
    mode: str, handler: Callable[[httpx.Request], httpx.Response], timeout: float | None = 5.0
) -> Any:
    transport = httpx.MockTransport(handler)
    http: Any = (
        httpx.Client(transport=transport, timeout=timeout)
        if mode == "sync"
        else httpx.AsyncClient(transport=transport, timeout=timeout)
    )
    cls = ap.Client if mode == "sync" else ap.AsyncClient
    return cls(http_client=http, api_key=API_KEY, base_url="http://sdk.test", max_retries=0)


def sse_mock(chunks: list[bytes], error: Exception | None = None) -> httpx.Response:
    return httpx.Response(
        200,
        headers={"Content-Type": "text/event-stream", "X-Request-ID": REQUEST_ID},
        stream=_Body(chunks, error),
    )


async def test_events_in_the_chunk_of_an_error_event_come_before_the_error(mode: str) -> None:
    error = problem(503, "The model is overloaded.")
    chunk = b"".join([*reply_events()[:2], sse(3, "error", error)])
    client = mock_client(mode, lambda request: sse_mock([chunk]))
    received: list[Any] = []
    stream = client.chat.stream("Say hello")
    with pytest.raises(ap.StreamError, match="overloaded"):
        await consume(stream, received)
    assert deltas(received) == TOKENS[:2]
    assert stream.last_event_id == "2"
    with pytest.raises(ap.StreamError):  # the failure is kept
        await final_of(stream)


async def test_read_errors_mid_stream_are_resumed(mode: str) -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if len(seen) == 1:
            return sse_mock(reply_events()[:2], httpx.ReadError("connection reset"))
        return sse_mock(events_after(int(request.headers["Last-Event-ID"])))

    client = mock_client(mode, handler)
    events = await consume(client.chat.stream("Say hello"))
    assert deltas(events) == TOKENS
    assert [r.headers.get("Last-Event-ID") for r in seen] == [None, "2"]


async def test_a_failed_reconnection_counts_as_a_resume_attempt(mode: str) -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if len(seen) == 1:
            return sse_mock(reply_events()[:1], httpx.ReadError("reset"))
        if len(seen) == 2:
            raise httpx.ConnectError("refused")
        return sse_mock(events_after(int(request.headers["Last-Event-ID"])))

    client = mock_client(mode, handler)
    events = await consume(client.chat.stream("Say hello", max_resume_attempts=2))
    assert deltas(events) == TOKENS
    assert len(seen) == 3


async def test_failed_reconnections_exhaust_the_attempts(mode: str) -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if len(seen) == 1:
            return sse_mock(reply_events()[:1], httpx.ReadError("reset"))
        raise httpx.ConnectError("refused")

    client = mock_client(mode, handler)
    with pytest.raises(ap.APIConnectionError, match="ConnectError"):
        await consume(client.chat.stream("Say hello", max_resume_attempts=2))
    assert len(seen) == 3


async def test_a_read_timeout_that_exhausts_resumes_is_api_timeout_error(mode: str) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return sse_mock(reply_events()[:1], httpx.ReadTimeout("slow"))

    client = mock_client(mode, handler)
    with pytest.raises(ap.APITimeoutError, match="No event arrived on the stream for 5 s"):
        await consume(client.chat.stream("Say hello", max_resume_attempts=1))
    unbounded = mock_client(mode, handler, timeout=None)
    with pytest.raises(ap.APITimeoutError, match="for too long"):
        await consume(unbounded.chat.stream("Say hello", max_resume_attempts=0))


async def test_the_per_call_timeout_sets_the_idle_timeout(mode: str) -> None:
    timeouts: list[dict[str, float | None]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        timeouts.append(request.extensions["timeout"])
        return sse_mock(reply_events())

    client = mock_client(mode, handler)
    await consume(client.chat.stream("Say hello", timeout=7.0))
    await consume(client.chat.stream("Say hello", timeout=httpx.Timeout(3.0), idle_timeout=9.0))
    await consume(client.with_options(timeout=4.0).chat.stream("Say hello"))
    assert timeouts[0] == {"connect": 7.0, "read": 7.0, "write": 7.0, "pool": 7.0}
    assert timeouts[1] == {"connect": 3.0, "read": 9.0, "write": 3.0, "pool": 3.0}
    assert timeouts[2]["read"] == 4.0


def test_the_bound_method_keeps_its_name_and_docs() -> None:
    from agentplatform._operation import streamed
    from agentplatform.resources.chat import Chat

    assert isinstance(Chat.stream, streamed)
    with ap.Client(api_key=API_KEY, base_url="http://sdk.test") as client:
        assert client.chat.stream.__name__ == "stream"
        assert "Last-Event-ID" in (client.chat.stream.__doc__ or "")


# --- against the sandbox ----------------------------------------------------------------------

MESSAGE = "How do agents use graph memory for long conversations with users?"


@pytest.fixture(scope="module")
def sandbox_server() -> Iterator[Sandbox]:
    with Sandbox() as running:
        yield running


@pytest.fixture
def sandbox(sandbox_server: Sandbox) -> Sandbox:
    sandbox_server.reset()
    return sandbox_server


@pytest.fixture
async def sandbox_client(mode: str, sandbox: Sandbox) -> AsyncIterator[Any]:
    if mode == "sync":
        with ap.Client(api_key=sandbox.api_key, base_url=sandbox.url) as client:
            yield client
    else:
        async with ap.AsyncClient(api_key=sandbox.api_key, base_url=sandbox.url) as aclient:
            yield aclient


async def reference_reply(client: Any, message: str) -> ChatResponse:
    reply = client.chat.create(message)
    return await reply if asyncio.iscoroutine(reply) else reply


async def test_sandbox_stream_matches_the_whole_reply(sandbox_client: Any) -> None:
    expected = await reference_reply(sandbox_client, MESSAGE)
    stream = sandbox_client.chat.stream(MESSAGE)
    events = await consume(stream)
    text = "".join(deltas(events))
    assert text == expected.response
    final = events[-1]
    assert isinstance(final, ChatResponse)
    assert final.response == expected.response
    assert len(deltas(events)) == final.usage.completion_tokens
    assert stream.resumes == 0
    assert stream.request_id and stream.request_id.startswith("req_")


@pytest.mark.parametrize("cut_after", [1, 3])
async def test_sandbox_cut_streams_resume_with_nothing_lost_or_repeated(
    sandbox: Sandbox, sandbox_client: Any, cut_after: int
) -> None:
    expected = await reference_reply(sandbox_client, MESSAGE)
    sandbox.set_faults(Faults(cut_stream_after=cut_after))
    stream = sandbox_client.chat.stream(MESSAGE)
    events = await consume(stream)
    pieces = deltas(events)
    assert "".join(pieces) == expected.response
    assert len(pieces) == expected.usage.completion_tokens  # none lost, none repeated
    assert isinstance(events[-1], ChatResponse)
    assert events[-1].response == expected.response
    assert stream.resumes == -(-len(events) // cut_after) - 1
    requests = [r for r in sandbox.state.requests if r.path == STREAM_PATH]
    assert len({r.idempotency_key for r in requests}) == 1


async def test_sandbox_error_event_raises_stream_error(sandbox_client: Any) -> None:
    received: list[Any] = []
    with pytest.raises(ap.StreamError) as caught:
        await consume(sandbox_client.chat.stream("Please !error half way"), received)
    assert deltas(received)
    assert caught.value.problem is not None
    assert caught.value.problem.code == "stream_failed"
    assert caught.value.retryable is True


async def test_sandbox_leaving_early_releases_the_connection(
    sandbox: Sandbox, sandbox_client: Any
) -> None:
    stream = sandbox_client.chat.stream(MESSAGE)
    if isinstance(stream, AsyncChatStream):
        async with stream:
            async for _ in stream:
                break
    else:
        with stream:
            for _ in stream:
                break
    assert stream.closed
    assert checked_out(sandbox_client) == 0
    # The pool still works.
    expected = await reference_reply(sandbox_client, MESSAGE)
    assert expected.finish_reason == "stop"


async def test_sandbox_bad_key_raises_authentication_error(sandbox: Sandbox, mode: str) -> None:
    cls = ap.Client if mode == "sync" else ap.AsyncClient
    client = cls(api_key="sk_test_wrong_key_000000", base_url=sandbox.url)
    try:
        with pytest.raises(ap.AuthenticationError):
            await consume(client.chat.stream(MESSAGE))
    finally:
        if isinstance(client, ap.AsyncClient):
            await client.aclose()
        else:
            client.close()
