"""Idle streams time out; leaving, breaking out or closing early closes the connection."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from typing import Any

import agentplatform as ap
import pytest
from _modes import checked_out
from agentplatform.streaming import (
    AsyncChatStream,
)
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from ._support import (
    REQUEST_ID,
    Answer,
    close,
    consume,
    deltas,
    enter,
    final_of,
    reply_events,
    serve,
    sse,
    sse_response,
)

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
