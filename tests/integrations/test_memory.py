"""Memory stays flat over 10,000 instrumented calls with content capture off.

The OpenAI API and the telemetry service are in-process fakes (httpx transports), so
everything that could keep memory alive is in this process. The openai client itself
costs about 2 ms a call, and over 7 ms under tracemalloc, so the allocator's block
count (`sys.getallocatedblocks`, free to read) watches all 10,000 calls, and
tracemalloc the bytes still held after a further window of calls (measured after a
first traced window, so bounded pools and caches have settled).
"""

from __future__ import annotations

import gc
import gzip
import json
import sys
import time
import tracemalloc
from collections.abc import Iterator

import agentplatform as ap
import httpx
import httpx2
import openai
import pytest
from agentplatform.integrations.openai import instrument
from agentplatform.telemetry import TelemetryConfig

from . import _fakes

CALLS = 10_000
WARM_UP = 500
TRACED = 250
COMPLETION = json.dumps(_fakes.chat_completion()).encode()
STREAM = _fakes.chat_chunks().encode()
MESSAGES = [{"role": "user", "content": "Hi!" * 50}]


def fake_openai(request: httpx2.Request) -> httpx2.Response:
    if json.loads(request.content).get("stream"):
        return httpx2.Response(200, content=STREAM, headers={"content-type": "text/event-stream"})
    return httpx2.Response(200, content=COMPLETION, headers={"content-type": "application/json"})


def fake_ingest(request: httpx.Request) -> httpx.Response:
    body = request.content
    if request.headers.get("content-encoding") == "gzip":
        body = gzip.decompress(body)
    count = len(json.loads(body)["records"])
    return httpx.Response(202, json={"accepted": count, "duplicates": 0, "rejected": []})


@pytest.fixture
def pair() -> Iterator[tuple[openai.OpenAI, ap.Client]]:
    client = ap.Client(
        base_url="http://telemetry.test",
        api_key="sk_test_memory",
        http_client=httpx.Client(transport=httpx.MockTransport(fake_ingest)),
        telemetry=TelemetryConfig(service_name="memory", batch_size=500, flush_interval=0.05),
    )
    llm = openai.OpenAI(
        api_key="sk-test",
        base_url="http://openai.test/v1",
        max_retries=0,
        http_client=httpx2.Client(transport=httpx2.MockTransport(fake_openai)),
    )
    instrument(llm, client.telemetry, capture_content=False)
    yield llm, client
    llm.close()
    client.close()


def calls(llm: openai.OpenAI, n: int) -> None:
    for i in range(n):
        if i % 10:
            llm.chat.completions.create(model="gpt-4o-mini", messages=MESSAGES)
            continue
        stream = llm.chat.completions.create(model="gpt-4o-mini", messages=MESSAGES, stream=True)
        if i % 20:
            list(stream)
        else:
            next(stream)  # abandoned after one chunk
            del stream


def settle(client: ap.Client, expected: int) -> None:
    """Wait until every call so far is recorded and sent (abandoned streams included)."""
    deadline = time.monotonic() + 30
    while client.telemetry.stats().enqueued < expected and time.monotonic() < deadline:
        gc.collect()
        time.sleep(0.01)
    assert client.telemetry.flush(60)
    gc.collect()


def test_memory_is_flat_over_ten_thousand_calls(pair: tuple[openai.OpenAI, ap.Client]) -> None:
    llm, client = pair
    calls(llm, WARM_UP)
    settle(client, WARM_UP)
    blocks = sys.getallocatedblocks()
    calls(llm, CALLS)
    settle(client, WARM_UP + CALLS)
    block_growth = sys.getallocatedblocks() - blocks

    tracemalloc.start()
    try:
        calls(llm, TRACED)
        settle(client, WARM_UP + CALLS + TRACED)
        before = tracemalloc.get_traced_memory()[0]
        calls(llm, TRACED)
        settle(client, WARM_UP + CALLS + 2 * TRACED)
        byte_growth = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()

    stats = client.telemetry.stats()
    assert stats.sent == WARM_UP + CALLS + 2 * TRACED and stats.dropped == 0
    assert block_growth < CALLS // 5, f"{block_growth} more blocks after {CALLS} calls"
    # Bounded id pools refill in ~22 KB steps; one leaked record per call would be 250 KB+.
    assert byte_growth < 150_000, f"{byte_growth} bytes held after {TRACED} calls"
