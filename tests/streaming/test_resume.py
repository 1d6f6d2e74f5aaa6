"""Resuming a dropped stream with `Last-Event-ID`: nothing lost or repeated, delays,
attempts, and the statuses a resume may get."""

from __future__ import annotations

from typing import Any

import agentplatform as ap
import pytest
from agentplatform.types import ChatResponse
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from ._support import (
    COMPLETED,
    REQUEST_ID,
    TOKENS,
    Answer,
    consume,
    deltas,
    events_after,
    final_of,
    last_event_id,
    problem_response,
    reply_events,
    resuming_server,
    serve,
    sse,
    sse_response,
    text_and_final,
)

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
