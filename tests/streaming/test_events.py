"""Error events, unknown events and data that breaks the API spec."""

from __future__ import annotations

import json
from typing import Any

import agentplatform as ap
import pytest
from agentplatform.streaming import (
    UnknownStreamEvent,
)
from agentplatform.types import ChatResponse, Problem
from pytest_httpserver import HTTPServer
from werkzeug import Response

from ._support import (
    COMPLETED,
    REQUEST_ID,
    consume,
    deltas,
    final_of,
    problem,
    reply_events,
    serve,
    sse,
    sse_response,
)

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
