"""The sandbox as a Kafka consumer: records from a real broker reach the same ingestion as
HTTP batches, deduplicated by `event_id`, validated by the spec, committed after storing."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import confluent_kafka
import httpx
import pytest
from agentplatform_sandbox import OTHER_TENANT, Sandbox
from agentplatform_sandbox.broker import KafkaBroker
from agentplatform_sandbox.kafka_ingest import KafkaIngest

WAIT_S = 30.0
START = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def llm_record(n: int, latency_ms: float = 100.0, **extra: Any) -> dict[str, Any]:
    return {
        "kind": "llm_event",
        "event_id": f"llm-{n}",
        "timestamp": (START + timedelta(seconds=n)).isoformat(),
        "service_name": "checkout",
        "model": "gpt-test",
        "latency_ms": latency_ms,
        **extra,
    }


def agent_event(n: int) -> dict[str, Any]:
    return {
        "event_id": f"evt-{n}",
        "agent_id": "planner",
        "session_id": "s1",
        "type": "tool_call",
        "attributes": {"n": n},
    }


def headers(tenant: str | None = None, **more: str) -> list[tuple[str, bytes]]:
    found = {"content-type": "application/json", "schema-version": "1.0.0", **more}
    if tenant is not None:
        found["tenant-id"] = tenant
    return [(name, value.encode()) for name, value in found.items()]


class Producer:
    """A plain confluent-kafka producer, as any service would run one."""

    def __init__(self, broker: KafkaBroker) -> None:
        self.inner = confluent_kafka.Producer(
            {"bootstrap.servers": broker.bootstrap_servers, "enable.idempotence": True}
        )

    def send(
        self,
        topic: str,
        value: Any,
        *,
        key: str | None = None,
        raw: bytes | None = None,
        message_headers: list[tuple[str, bytes]] | None = None,
    ) -> None:
        body = raw if raw is not None else json.dumps(value).encode()
        self.inner.produce(
            topic,
            value=body,
            key=None if key is None else key.encode(),
            headers=headers() if message_headers is None else message_headers,
        )
        self.inner.poll(0)

    def flush(self) -> None:
        assert self.inner.flush(15) == 0


@pytest.fixture
def producer(kafka_broker: KafkaBroker) -> Producer:
    return Producer(kafka_broker)


@pytest.fixture
def sandbox(kafka_broker: KafkaBroker, topics: dict[str, Any]) -> Iterator[Sandbox]:
    with Sandbox(kafka_bootstrap=kafka_broker.bootstrap_servers, kafka_options=topics) as running:
        assert running.kafka is not None
        assert running.kafka.wait_until_assigned(WAIT_S)
        yield running


def ingest(sandbox: Sandbox) -> KafkaIngest:
    assert sandbox.kafka is not None
    return sandbox.kafka


def test_records_and_events_are_ingested_once(
    sandbox: Sandbox, producer: Producer, topics: dict[str, Any]
) -> None:
    for n in range(300):
        producer.send(topics["telemetry_topic"], llm_record(n), key=f"llm-{n}")
    for n in range(50):
        producer.send(topics["events_topic"], agent_event(n), key=f"evt-{n}")
    for n in range(20):  # a producer's redelivery after a retry
        producer.send(topics["telemetry_topic"], llm_record(n), key=f"llm-{n}")
    producer.flush()
    stats = ingest(sandbox).wait_for(370, WAIT_S)
    assert (stats.ingested, stats.duplicates, stats.invalid) == (350, 20, 0), stats
    assert stats.by_topic == {topics["telemetry_topic"]: 300, topics["events_topic"]: 50}
    assert stats.commits >= 1
    store = sandbox.state.tenant("tenant_default")
    assert sorted(store.telemetry_ids) == sorted(f"llm-{n}" for n in range(300))
    with sandbox.client() as http:
        events = http.get("/v1/events", params={"limit": 100}).json()["data"]
    assert sorted(event["id"] for event in events) == sorted(f"evt-{n}" for n in range(50))


def test_bad_messages_are_counted_and_never_stop_the_consumer(
    sandbox: Sandbox, producer: Producer, topics: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="agentplatform_sandbox.kafka")
    topic = topics["telemetry_topic"]
    producer.send(topic, None, raw=b"{not json")
    producer.send(topic, None, raw=b"[" * 100_000 + b"]" * 100_000)
    producer.send(topic, [1, 2, 3])
    producer.send(topic, {"kind": "llm_event", "event_id": "x"})  # misses required fields
    producer.send(topic, llm_record(1, latency_ms=-5))  # breaks `minimum`
    producer.send(topic, llm_record(2), message_headers=headers(**{"content-type": "text/csv"}))
    producer.send(topic, llm_record(3), message_headers=headers(**{"schema-version": "2.0.0"}))
    producer.send(topics["events_topic"], {"agent_id": "a"})
    producer.send(topic, llm_record(4))  # a good one after all that
    producer.flush()
    stats = ingest(sandbox).wait_for(9, WAIT_S)
    assert (stats.invalid, stats.ingested) == (8, 1), stats
    assert ingest(sandbox).running
    assert "Kafka record rejected" in caplog.text


def test_the_tenant_comes_from_the_headers(
    sandbox: Sandbox, producer: Producer, topics: dict[str, Any]
) -> None:
    producer.send(topics["telemetry_topic"], llm_record(1), message_headers=headers(OTHER_TENANT))
    producer.send(topics["telemetry_topic"], llm_record(2))
    producer.flush()
    ingest(sandbox).wait_for(2, WAIT_S)
    assert sandbox.state.tenant(OTHER_TENANT).telemetry_ids == {"llm-1"}
    assert sandbox.state.tenant("tenant_default").telemetry_ids == {"llm-2"}


def test_a_latency_spike_becomes_an_anomaly(
    sandbox: Sandbox, producer: Producer, topics: dict[str, Any]
) -> None:
    # One key, so one partition: the spike arrives after its history.
    for n in range(30):
        producer.send(
            topics["telemetry_topic"], llm_record(n, latency_ms=100.0 + n % 3), key="checkout"
        )
    producer.send(topics["telemetry_topic"], llm_record(99, latency_ms=5_000.0), key="checkout")
    producer.flush()
    ingest(sandbox).wait_for(31, WAIT_S)
    with sandbox.client() as http:
        anomalies = http.get("/v1/anomalies").json()["data"]
    assert [a["anomaly_type"] for a in anomalies] == ["latency_spike"]


def test_offsets_are_committed_after_ingestion(
    kafka_broker: KafkaBroker, producer: Producer, topics: dict[str, Any]
) -> None:
    topic = topics["telemetry_topic"]
    with Sandbox(kafka_bootstrap=kafka_broker.bootstrap_servers, kafka_options=topics) as first:
        for n in range(40):
            producer.send(topic, llm_record(n))
        producer.flush()
        assert ingest(first).wait_for(40, WAIT_S).ingested == 40
    for n in range(40, 65):
        producer.send(topic, llm_record(n))
    producer.flush()
    # A new sandbox (empty state) in the same group starts after the committed offsets.
    with Sandbox(kafka_bootstrap=kafka_broker.bootstrap_servers, kafka_options=topics) as second:
        stats = ingest(second).wait_for(25, WAIT_S)
        assert (stats.received, stats.ingested) == (25, 25), stats
        store = second.state.tenant("tenant_default")
        assert store.telemetry_ids == {f"llm-{n}" for n in range(40, 65)}


def test_without_confluent_kafka_the_error_names_the_extra(
    monkeypatch: pytest.MonkeyPatch, topics: dict[str, Any]
) -> None:
    monkeypatch.setitem(sys.modules, "confluent_kafka", None)
    sandbox = Sandbox(kafka_bootstrap="127.0.0.1:1", kafka_options=topics)
    with pytest.raises(ModuleNotFoundError, match=r"pip install 'agentplatform\[kafka\]'"):
        sandbox.start()
    assert not sandbox.running
    with pytest.raises(httpx.ConnectError):
        httpx.get(sandbox.url + "/v1/health", timeout=1)


def test_the_sandbox_command_consumes_kafka(kafka_broker: KafkaBroker, producer: Producer) -> None:
    process = subprocess.Popen(
        [sys.executable, "-c", "from agentplatform.cli import main; main()",
         "sandbox", "--port", "0", "--log-level", "warning",
         "--kafka", kafka_broker.bootstrap_servers],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )  # fmt: skip
    try:
        assert process.stdout is not None
        url = process.stdout.readline().split(" at ")[1].strip()
        banner = [process.stdout.readline() for _ in range(3)]  # key, console, consuming
        assert banner[2].startswith("Consuming agentplatform.telemetry and agentplatform.events")
        producer.send("agentplatform.events", agent_event(7))
        producer.flush()
        with httpx.Client(base_url=url, headers={"X-API-Key": "sk_test_sandbox_0000"}) as http:
            for _ in range(300):  # bounded: 30 s
                found = http.get("/v1/events").json()["data"]
                if found:
                    break
                time.sleep(0.1)
        assert [event["id"] for event in found] == ["evt-7"]
    finally:
        process.terminate()
        process.wait(timeout=20)
