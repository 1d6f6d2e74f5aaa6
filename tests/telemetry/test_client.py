"""How the clients carry telemetry: lazy start, shared by copies, flushed by close, GC-safe."""

from __future__ import annotations

import gc
import gzip
import json
import threading
import time
from typing import Any

import agentplatform as ap
import httpx
import pytest
from agentplatform.telemetry import AsyncTelemetry, Telemetry, TelemetryConfig

from ._support import event


class Service:
    """An in-memory batch endpoint for an httpx MockTransport."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []
        self.lock = threading.Lock()

    def __call__(self, request: httpx.Request) -> httpx.Response:
        with self.lock:
            self.requests.append(request)
        body = json.loads(gzip.decompress(request.content))
        count = len(body.get("records", body.get("events", [])))
        return httpx.Response(202, json={"accepted": count, "duplicates": 0, "rejected": []})

    @property
    def records(self) -> list[dict[str, Any]]:
        with self.lock:
            requests = list(self.requests)
        out = []
        for request in requests:
            body = json.loads(gzip.decompress(request.content))
            out += body.get("records", body.get("events", []))
        return out


def sync_client(service: Service, **options: Any) -> ap.Client:
    http = httpx.Client(transport=httpx.MockTransport(service))
    config = TelemetryConfig(service_name="svc", **options)
    return ap.Client(api_key="sk", base_url="http://api.test", http_client=http, telemetry=config)


def async_client(service: Service, **options: Any) -> ap.AsyncClient:
    http = httpx.AsyncClient(transport=httpx.MockTransport(service))
    config = TelemetryConfig(service_name="svc", **options)
    return ap.AsyncClient(
        api_key="sk", base_url="http://api.test", http_client=http, telemetry=config
    )


def test_clients_carry_telemetry_and_buffered_events() -> None:
    service = Service()
    client = sync_client(service)
    assert isinstance(client.telemetry, Telemetry)
    assert client.events.buffered is client.events.buffered
    assert client.telemetry._records._thread is None
    assert service.requests == []
    assert "TelemetryStats" in repr(client.telemetry)
    client.close()


async def test_async_clients_carry_async_telemetry() -> None:
    service = Service()
    client = async_client(service)
    assert isinstance(client.telemetry, AsyncTelemetry)
    await client.telemetry.track(event())
    await client.events.buffered.ingest(agent_id="a", session_id="s", type="custom")
    await client.aclose()
    assert len(service.records) == 2
    assert {r.url.path for r in service.requests} == {"/v1/telemetry/batch", "/v1/events/batch"}


def test_the_telemetry_option_must_be_a_config() -> None:
    with pytest.raises(ap.ConfigurationError, match="TelemetryConfig"):
        ap.Client(api_key="sk", base_url="http://api.test", telemetry={"batch_size": 5})  # type: ignore[typeddict-item]


def test_close_flushes_what_is_queued() -> None:
    service = Service()
    with sync_client(service, flush_interval=60) as client:
        ids = [client.telemetry.track(event()) for _ in range(3)]
        client.events.buffered.ingest(agent_id="a", session_id="s", type="custom")
    assert [r["event_id"] for r in service.records if "kind" in r] == ids
    assert client.telemetry.stats().sent == 3


def test_copies_share_the_telemetry_of_the_original() -> None:
    service = Service()
    client = sync_client(service, flush_interval=60)
    copy = client.with_options(timeout=5)
    assert copy.telemetry is client.telemetry
    copy.telemetry.track(event())
    copy.close()
    assert client.telemetry.stats().queued == 1
    client.close()
    assert client.telemetry.stats().sent == 1


async def test_async_copies_share_the_telemetry() -> None:
    service = Service()
    client = async_client(service, flush_interval=60)
    copy = client.with_options(timeout=5)
    assert copy.telemetry is client.telemetry
    await copy.telemetry.track(event())
    await copy.aclose()
    assert client.telemetry.stats().queued == 1
    await client.aclose()
    assert client.telemetry.stats().sent == 1


def test_raw_response_resources_have_no_buffer() -> None:
    client = sync_client(Service())
    with pytest.raises(ap.ConfigurationError, match=r"client\.events\.buffered"):
        _ = client.with_raw_response.events.buffered
    client.close()


def test_direct_event_calls_still_work() -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        if request.url.path == "/v1/events":
            stored = {
                **body,
                "id": "e1",
                "timestamp": "2026-01-01T00:00:00Z",
                "received_at": "2026-01-01T00:00:00Z",
                "attributes": {},
            }
            return httpx.Response(201, json=stored)
        return httpx.Response(202, json={"accepted": 1, "duplicates": 0, "rejected": []})

    http = httpx.Client(transport=httpx.MockTransport(answer))
    with ap.Client(api_key="sk", base_url="http://api.test", http_client=http) as client:
        stored = client.events.ingest(agent_id="a", session_id="s", type="custom")
        assert stored.id == "e1"
        result = client.events.ingest_batch(
            [{"agent_id": "a", "session_id": "s", "type": "custom"}]
        )
        assert result.accepted == 1


def test_a_collected_client_delivers_and_its_exporter_ends() -> None:
    service = Service()
    client = sync_client(service, flush_interval=0.01)
    event_id = client.telemetry.track(event())
    pipeline = client.telemetry._records
    thread = pipeline._thread
    assert thread is not None
    del client
    gc.collect()
    thread.join(30)
    assert not thread.is_alive()
    assert [r["event_id"] for r in service.records] == [event_id]
    assert pipeline._atexit is False
    assert pipeline.put({"kind": "llm_event"}) is None


async def test_a_collected_async_client_delivers_and_its_exporter_ends() -> None:
    service = Service()
    client = async_client(service, flush_interval=0.01)
    event_id = await client.telemetry.track(event())
    pipeline = client.telemetry._records
    task = pipeline._task
    assert task is not None
    del client
    gc.collect()
    deadline = time.monotonic() + 30
    while not task.done():
        assert time.monotonic() < deadline
        import asyncio

        await asyncio.sleep(0.01)
    assert [r["event_id"] for r in service.records] == [event_id]
    assert pipeline._atexit is False
