"""Resources and telemetry are built on first use, once, and behave as if built eagerly."""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

import agentplatform as ap
import httpx
import pytest
from agentplatform._deferred import Deferred
from agentplatform.resources.entities import Entities
from agentplatform.telemetry import TelemetryConfig

BATCH = {"accepted": 1, "duplicates": 0, "rejected": []}


def answer(sent: list[httpx.Request]) -> httpx.MockTransport:
    def handle(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(202, json=BATCH)

    return httpx.MockTransport(handle)


def client(sent: list[httpx.Request], **options: Any) -> ap.Client:
    http = httpx.Client(transport=answer(sent))
    return ap.Client(api_key="sk", base_url="http://api.test", http_client=http, **options)


def test_resources_are_built_once_per_client_and_per_mode() -> None:
    c = client([])
    assert "entities" not in vars(c)
    entities = c.entities
    assert isinstance(entities, Entities)
    assert c.entities is entities
    assert c.with_raw_response.entities is not entities
    assert c.with_options(timeout=5).entities is not entities
    c.close()


def test_telemetry_is_not_built_until_used_and_copies_share_it() -> None:
    c = client([])
    assert c._telemetry.built() is None
    copy = c.with_options(max_retries=0)
    assert copy.telemetry is c.telemetry  # built through the copy, shared with the original
    assert c._telemetry.built() is c.telemetry
    c.close()


def test_buffered_events_build_the_shared_telemetry() -> None:
    sent: list[httpx.Request] = []
    c = client(sent, telemetry=TelemetryConfig(flush_interval=60))
    copy = c.with_options(timeout=5)
    assert copy.events.buffered.ingest(agent_id="a", session_id="s", type="custom")
    assert c.events.buffered.stats().enqueued == 1
    c.close()
    assert [r.url.path for r in sent] == ["/v1/events/batch"]


def test_unused_telemetry_is_not_built_by_close_and_drops_records_after_it(
    caplog: pytest.LogCaptureFixture,
) -> None:
    sent: list[httpx.Request] = []
    c = client(sent)
    c.close()
    assert c._telemetry.built() is None
    with caplog.at_level(logging.WARNING, logger="agentplatform"):
        assert c.events.buffered.ingest(agent_id="a", session_id="s", type="custom") is None
    assert c.events.buffered.stats().dropped == 1
    assert "the client is closed" in caplog.text
    assert sent == []


def test_a_given_telemetry_config_is_closed_even_when_unused() -> None:
    c = client([], telemetry=TelemetryConfig(service_name="svc"))
    c.close()
    telemetry = c._telemetry.built()
    assert telemetry is not None
    assert telemetry.track(ap.TelemetryEventBuilder(model="m").latency(1).build()) is None
    assert telemetry.stats().dropped == 1


async def test_async_unused_telemetry_drops_records_after_close() -> None:
    http = httpx.AsyncClient(transport=httpx.MockTransport(lambda r: httpx.Response(500)))
    c = ap.AsyncClient(api_key="sk", base_url="http://api.test", http_client=http)
    await c.aclose()
    assert c._telemetry.built() is None
    assert await c.events.buffered.ingest(agent_id="a", session_id="s", type="custom") is None
    assert c.events.buffered.stats().dropped == 1


def test_deferred_builds_once_when_threads_race() -> None:
    built: list[object] = []

    def build() -> object:
        time.sleep(0.02)
        value = object()
        built.append(value)
        return value

    deferred: Deferred[object] = Deferred(build)
    seen: list[object] = []
    threads = [threading.Thread(target=lambda: seen.append(deferred.get())) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    assert len(built) == 1
    assert seen == built * 8


def test_deferred_closed_before_built_hands_the_late_value_over() -> None:
    late: list[str] = []
    deferred = Deferred(lambda: "value")
    deferred.close(late.append)
    assert deferred.built() is None
    assert deferred.get() == "value"
    assert deferred.get() == "value"
    assert late == ["value"]
