"""Streams against the sandbox: whole replies, cut streams, error events, bad keys."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from typing import Any

import agentplatform as ap
import pytest
from _modes import checked_out
from agentplatform.streaming import (
    AsyncChatStream,
)
from agentplatform.types import ChatResponse
from agentplatform_sandbox import Faults, Sandbox

from ._support import (
    STREAM_PATH,
    consume,
    deltas,
)

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
