"""`instrument()` of the real `AsyncOpenAI` client, with an `AsyncClient`'s telemetry."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from typing import Any

import agentplatform as ap
import openai
import pytest
from agentplatform.integrations.openai import instrument, uninstrument
from agentplatform_sandbox import Sandbox
from openai.lib.streaming.chat import AsyncChatCompletionStream
from openai.types.chat import ChatCompletion, ChatCompletionChunk
from pytest_httpserver import HTTPServer

from . import _fakes
from .conftest import async_records

CHAT = "/v1/chat/completions"
MESSAGES = [{"role": "user", "content": "Hi!"}]


@pytest.fixture
async def llm(httpserver: HTTPServer, aclient: ap.AsyncClient) -> AsyncIterator[openai.AsyncOpenAI]:
    made = openai.AsyncOpenAI(api_key="sk-test", base_url=httpserver.url_for("/v1"), max_retries=0)
    instrument(made, aclient.telemetry)
    yield made
    await made.close()


async def read(aclient: ap.AsyncClient, sandbox: Sandbox, count: int) -> list[dict[str, Any]]:
    return await async_records(aclient, sandbox, count)


async def test_an_async_completion_is_recorded(
    llm: openai.AsyncOpenAI, httpserver: HTTPServer, aclient: ap.AsyncClient, sandbox: Sandbox
) -> None:
    httpserver.expect_request(CHAT).respond_with_json(_fakes.chat_completion())
    result = await llm.chat.completions.create(model="gpt-4o-mini", messages=MESSAGES)
    assert type(result) is ChatCompletion
    (event,) = await read(aclient, sandbox, 1)
    assert event["response"]["text"] == "Hello there"
    assert event["prompt"]["tokens"] == 12


async def test_an_async_stream_is_the_librarys_own(
    llm: openai.AsyncOpenAI, httpserver: HTTPServer, aclient: ap.AsyncClient, sandbox: Sandbox
) -> None:
    httpserver.expect_request(CHAT).respond_with_response(
        _fakes.stream_response(_fakes.chat_chunks())
    )
    stream = await llm.chat.completions.create(
        model="gpt-4o-mini",
        messages=MESSAGES,
        stream=True,
        stream_options={"include_usage": True},
    )
    assert type(stream) is openai.AsyncStream
    chunks = [chunk async for chunk in stream]
    assert all(type(chunk) is ChatCompletionChunk for chunk in chunks)
    (event,) = await read(aclient, sandbox, 1)
    assert event["response"] == {"text": "Hello!", "tokens": 3, "finish_reason": "stop"}
    assert event["metadata"]["stream_outcome"] == "completed"
    assert event["metadata"]["time_to_first_token_ms"] > 0


async def test_the_async_stream_helper_closed_early_is_recorded(
    llm: openai.AsyncOpenAI, httpserver: HTTPServer, aclient: ap.AsyncClient, sandbox: Sandbox
) -> None:
    httpserver.expect_request(CHAT).respond_with_response(
        _fakes.stream_response(_fakes.chat_chunks())
    )
    async with llm.chat.completions.stream(model="gpt-4o-mini", messages=MESSAGES) as stream:
        assert type(stream) is AsyncChatCompletionStream
        async for item in stream:
            if item.type == "content.delta" and item.delta:
                break
    (event,) = await read(aclient, sandbox, 1)
    assert event["metadata"]["stream_outcome"] == "closed"
    assert event["response"]["text"] == "Hel"


async def test_an_abandoned_async_stream_is_recorded(
    llm: openai.AsyncOpenAI, httpserver: HTTPServer, aclient: ap.AsyncClient, sandbox: Sandbox
) -> None:
    httpserver.expect_request(CHAT).respond_with_response(
        _fakes.stream_response(_fakes.chat_chunks())
    )
    stream = await llm.chat.completions.create(model="gpt-4o-mini", messages=MESSAGES, stream=True)
    await stream.__anext__()
    del stream
    gc.collect()
    (event,) = await read(aclient, sandbox, 1)
    assert event["metadata"]["stream_outcome"] == "abandoned"


async def test_an_async_stream_cut_midway_is_recorded(
    llm: openai.AsyncOpenAI, httpserver: HTTPServer, aclient: ap.AsyncClient, sandbox: Sandbox
) -> None:
    body = _fakes.chat_chunks()
    httpserver.expect_request(CHAT).respond_with_handler(
        lambda _: _fakes.stream_response(body, cut_after=2)
    )
    stream = await llm.chat.completions.create(model="gpt-4o-mini", messages=MESSAGES, stream=True)
    with pytest.raises(openai.APIError) as error:
        async for _ in stream:
            pass
    (event,) = await read(aclient, sandbox, 1)
    assert event["metadata"]["stream_outcome"] == "failed"
    assert event["errors"] == [f"{type(error.value).__name__}: {error.value}"]


async def test_an_async_429_is_recorded_and_reraised(
    llm: openai.AsyncOpenAI, httpserver: HTTPServer, aclient: ap.AsyncClient, sandbox: Sandbox
) -> None:
    httpserver.expect_request(CHAT).respond_with_response(_fakes.error_response(429, "slow"))
    with pytest.raises(openai.RateLimitError) as error:
        await llm.chat.completions.create(model="gpt-4o-mini", messages=MESSAGES)
    assert type(error.value) is openai.RateLimitError
    (event,) = await read(aclient, sandbox, 1)
    assert event["metadata"]["status_code"] == 429
    assert uninstrument(llm) is True
    assert llm.chat.completions._post == llm.post
