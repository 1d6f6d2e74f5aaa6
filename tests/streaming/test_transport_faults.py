"""Transport failures a socket cannot stage, over httpx mock transports."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import agentplatform as ap
import httpx
import pytest

from ._support import (
    API_KEY,
    REQUEST_ID,
    TOKENS,
    consume,
    deltas,
    events_after,
    final_of,
    problem,
    reply_events,
    sse,
)

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
