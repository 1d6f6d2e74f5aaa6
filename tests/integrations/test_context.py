"""Trace context of instrumented calls across threads, tasks and async generators."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import agentplatform as ap
import openai
import pytest
from agentplatform.errors import InvalidParameterError
from agentplatform.integrations import (
    ContextThreadPoolExecutor,
    bind_context,
    current_trace,
    traced,
)
from agentplatform.integrations.openai import instrument
from agentplatform_sandbox import Sandbox
from opentelemetry.sdk.trace import TracerProvider
from pytest_httpserver import HTTPServer

from . import _fakes
from .conftest import Records, async_records

CHAT = "/v1/chat/completions"
MESSAGES = [{"role": "user", "content": "Hi!"}]


@pytest.fixture
def llm(httpserver: HTTPServer, client: ap.Client) -> Iterator[openai.OpenAI]:
    httpserver.expect_request(CHAT).respond_with_json(_fakes.chat_completion())
    made = openai.OpenAI(api_key="sk-test", base_url=httpserver.url_for("/v1"), max_retries=0)
    instrument(made, client.telemetry)
    yield made
    made.close()


@pytest.fixture
async def allm(
    httpserver: HTTPServer, aclient: ap.AsyncClient
) -> AsyncIterator[openai.AsyncOpenAI]:
    made = openai.AsyncOpenAI(api_key="sk-test", base_url=httpserver.url_for("/v1"), max_retries=0)
    instrument(made, aclient.telemetry)
    yield made
    await made.close()


def ask(llm: openai.OpenAI) -> None:
    llm.chat.completions.create(model="gpt-4o-mini", messages=MESSAGES)


def test_a_call_inside_traced_carries_its_ids(llm: openai.OpenAI, records: Records) -> None:
    with traced() as outer:
        ask(llm)
        with traced() as inner:
            ask(llm)
    ask(llm)
    first, second, third = records(3)
    assert (first["trace_id"], first["span_id"]) == (outer.trace_id, outer.span_id)
    assert inner.trace_id == outer.trace_id and inner.span_id != outer.span_id
    assert (second["trace_id"], second["span_id"]) == (inner.trace_id, inner.span_id)
    assert third["trace_id"] != outer.trace_id


def test_worker_threads_keep_the_trace_with_the_helpers(
    llm: openai.OpenAI, records: Records
) -> None:
    with traced(trace_id="4bf92f3577b34da6a3ce929d0e0e4736") as context:
        with ContextThreadPoolExecutor(max_workers=2) as pool:
            list(pool.map(lambda _: ask(llm), range(2)))
        thread = threading.Thread(target=bind_context(ask), args=(llm,))
        thread.start()
        thread.join(10)
        with ThreadPoolExecutor(max_workers=1) as plain:  # copies nothing
            plain.submit(ask, llm).result(10)
    events = records(4)
    kept = [e for e in events if e["trace_id"] == context.trace_id]
    assert len(kept) == 3
    assert all(e["span_id"] == context.span_id for e in kept)


def test_a_stream_keeps_the_trace_it_started_in(
    llm: openai.OpenAI, httpserver: HTTPServer, records: Records
) -> None:
    httpserver.clear()
    httpserver.expect_request(CHAT).respond_with_response(
        _fakes.stream_response(_fakes.chat_chunks())
    )
    with traced() as context:
        stream = llm.chat.completions.create(model="gpt-4o-mini", messages=MESSAGES, stream=True)
    box: list[Any] = []
    worker = threading.Thread(target=lambda: box.extend(stream))
    worker.start()
    worker.join(10)
    assert box
    (event,) = records(1)
    assert event["trace_id"] == context.trace_id


async def test_tasks_each_keep_their_own_trace(
    allm: openai.AsyncOpenAI, httpserver: HTTPServer, aclient: ap.AsyncClient, sandbox: Sandbox
) -> None:
    httpserver.expect_request(CHAT).respond_with_json(_fakes.chat_completion())

    async def job() -> str:
        with traced() as context:
            await asyncio.sleep(0)
            await asyncio.gather(
                allm.chat.completions.create(model="gpt-4o-mini", messages=MESSAGES),
                allm.chat.completions.create(model="gpt-4o-mini", messages=MESSAGES),
            )
            return context.trace_id

    traces = await asyncio.gather(job(), job())
    events = await async_records(aclient, sandbox, 4)
    assert sorted(e["trace_id"] for e in events) == sorted(traces * 2)
    assert traces[0] != traces[1]


async def test_a_call_inside_an_async_generator_keeps_the_starting_trace(
    allm: openai.AsyncOpenAI, httpserver: HTTPServer, aclient: ap.AsyncClient, sandbox: Sandbox
) -> None:
    httpserver.expect_request(CHAT).respond_with_response(
        _fakes.stream_response(_fakes.chat_chunks())
    )

    async def answer() -> AsyncIterator[str]:
        stream = await allm.chat.completions.create(
            model="gpt-4o-mini", messages=MESSAGES, stream=True
        )
        async for chunk in stream:
            if chunk.choices and chunk.choices[0].delta.content:
                yield chunk.choices[0].delta.content

    with traced() as context:
        generator = answer()
        first = await generator.__anext__()
    with traced() as other:  # the rest is read under another trace, in another task
        rest = await asyncio.create_task(_drain(generator))
    assert first + "".join(rest) == "Hello!"
    (event,) = await async_records(aclient, sandbox, 1)
    assert event["trace_id"] == context.trace_id != other.trace_id


async def _drain(generator: AsyncIterator[str]) -> list[str]:
    return [part async for part in generator]


def test_an_opentelemetry_span_lends_its_ids(llm: openai.OpenAI, records: Records) -> None:
    tracer = TracerProvider().get_tracer("test")
    with tracer.start_as_current_span("request") as span:
        ask(llm)
        with traced() as inside:
            pass
    (event,) = records(1)
    context = span.get_span_context()
    assert event["trace_id"] == format(context.trace_id, "032x")
    assert event["span_id"] == format(context.span_id, "016x")
    assert inside.trace_id == event["trace_id"]
    assert current_trace().trace_id != event["trace_id"]


def test_helpers_check_their_arguments() -> None:
    with pytest.raises(InvalidParameterError, match="trace_id"), traced(trace_id="nope"):
        pass
    with pytest.raises(InvalidParameterError, match="fn"):
        bind_context(42)  # type: ignore[arg-type]
