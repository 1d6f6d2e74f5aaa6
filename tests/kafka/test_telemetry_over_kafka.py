"""Telemetry through a real broker: SDK -> Kafka -> sandbox -> `client.anomalies.list()`.

The same pipeline as HTTP (queue, spool, retries, flush, close) with the Kafka sender;
exactly once rests on `event_id`, which the sandbox's consumer deduplicates.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import agentplatform as ap
import pytest
from agentplatform.telemetry import KafkaConfig, TelemetryConfig, TelemetryEventBuilder
from agentplatform_sandbox import Sandbox
from agentplatform_sandbox.broker import KafkaBroker, free_port

WAIT_S = 60.0


def kafka_config(broker: KafkaBroker | str, topics: dict[str, Any], **options: Any) -> KafkaConfig:
    servers = broker if isinstance(broker, str) else broker.bootstrap_servers
    return KafkaConfig(
        bootstrap_servers=servers,
        topic=topics["telemetry_topic"],
        events_topic=topics["events_topic"],
        **options,
    )


def event(n: int, latency: float = 100.0) -> Any:
    return (
        TelemetryEventBuilder(service="checkout", model="gpt-test")
        .prompt(f"question {n}", tokens=3)
        .response("answer", tokens=2)
        .latency(latency)
        .build()
    )


@pytest.fixture
def sandbox(kafka_broker: KafkaBroker, topics: dict[str, Any]) -> Iterator[Sandbox]:
    with Sandbox(kafka_bootstrap=kafka_broker.bootstrap_servers, kafka_options=topics) as running:
        assert running.kafka is not None and running.kafka.wait_until_assigned(WAIT_S)
        yield running


def consumer(sandbox: Sandbox) -> Any:
    assert sandbox.kafka is not None
    return sandbox.kafka


def client_for(sandbox: Sandbox, telemetry: TelemetryConfig, **options: Any) -> ap.Client:
    return ap.Client(base_url=sandbox.url, api_key=sandbox.api_key, telemetry=telemetry, **options)


def test_20000_records_arrive_once_each(
    sandbox: Sandbox, kafka_broker: KafkaBroker, topics: dict[str, Any]
) -> None:
    count = 20_000
    config = TelemetryConfig(
        kafka=kafka_config(kafka_broker, topics), batch_size=1000, max_queue_size=50_000
    )
    with client_for(sandbox, config) as client:
        ids = [client.telemetry.track(event(n)) for n in range(count)]
        for _ in range(100):
            client.events.buffered.ingest(agent_id="planner", session_id="s1", type="tool_call")
        assert client.telemetry.flush(WAIT_S)
        stats = client.telemetry.stats()
    assert None not in ids and len(set(ids)) == count
    assert (stats.sent, stats.dropped, stats.failed) == (count, 0, 0)
    handled = consumer(sandbox).wait_for(count + 100, WAIT_S)
    assert handled.invalid == 0, handled.last_error
    store = sandbox.state.tenant("tenant_default")
    assert store.telemetry_ids == set(ids)  # every record, none twice
    assert len(store.events) == 100


@pytest.mark.parametrize("compression", ["zstd", "lz4", "snappy", "gzip", "none"])
def test_every_codec_round_trips(
    sandbox: Sandbox, kafka_broker: KafkaBroker, topics: dict[str, Any], compression: str
) -> None:
    config = TelemetryConfig(kafka=kafka_config(kafka_broker, topics, compression=compression))
    with client_for(sandbox, config) as client:
        ids = {client.telemetry.track(event(n)) for n in range(50)}
        assert client.telemetry.flush(WAIT_S)
    consumer(sandbox).wait_for(50, WAIT_S)
    assert sandbox.state.tenant("tenant_default").telemetry_ids == ids


def test_a_spike_sent_through_kafka_is_an_anomaly(
    sandbox: Sandbox, kafka_broker: KafkaBroker, topics: dict[str, Any]
) -> None:
    config = TelemetryConfig(kafka=kafka_config(kafka_broker, topics, partition_key="service_name"))
    with client_for(sandbox, config) as client:
        for n in range(40):
            client.telemetry.track(event(n, latency=100.0 + n % 5))
        client.telemetry.track(event(99, latency=9_000.0))
        assert client.telemetry.flush(WAIT_S)
        consumer(sandbox).wait_for(41, WAIT_S)
        anomalies = list(client.anomalies.list())
    assert [anomaly.anomaly_type for anomaly in anomalies] == ["latency_spike"]
    assert anomalies[0].metric == "latency_ms"


def test_the_tenant_and_workspace_travel_in_the_headers(
    sandbox: Sandbox, kafka_broker: KafkaBroker, topics: dict[str, Any]
) -> None:
    config = TelemetryConfig(kafka=kafka_config(kafka_broker, topics))
    with client_for(sandbox, config, tenant_id="tenant_default", workspace_id="ws_1") as client:
        record_id = client.telemetry.track(event(1))
        assert client.telemetry.flush(WAIT_S)
        producer = client.telemetry._kafka
        assert producer is not None
        assert dict(producer._headers) == {
            "content-type": b"application/json",
            "schema-version": b"1.0.0",
            "tenant-id": b"tenant_default",
            "workspace-id": b"ws_1",
        }
    consumer(sandbox).wait_for(1, WAIT_S)
    assert sandbox.state.tenant("tenant_default").telemetry_ids == {record_id}


def test_records_wait_in_the_spool_until_the_broker_comes_up(
    tmp_path: Path, topics: dict[str, Any]
) -> None:
    broker = KafkaBroker(port=free_port())  # not started: nothing listens there yet
    config = TelemetryConfig(
        kafka=kafka_config(broker.bootstrap_servers, topics, delivery_timeout_s=2),
        spool_dir=tmp_path / "spool",
        retry_initial_delay=0.2,
        retry_max_delay=0.5,
    )
    with Sandbox() as http_only:
        client = client_for(http_only, config)
        ids = {client.telemetry.track(event(n)) for n in range(500)}
        assert not client.telemetry.flush(1.0)  # nothing can be delivered yet
        assert client.telemetry.stats().sent == 0
        with broker:
            with Sandbox(
                kafka_bootstrap=broker.bootstrap_servers, kafka_options=topics
            ) as platform:
                assert client.telemetry.flush(WAIT_S)
                consumer(platform).wait_for(500, WAIT_S)
                assert platform.state.tenant("tenant_default").telemetry_ids == ids
            client.close()


def test_a_restarted_producer_loses_and_doubles_nothing(
    sandbox: Sandbox, kafka_broker: KafkaBroker, topics: dict[str, Any], tmp_path: Path
) -> None:
    spool = tmp_path / "spool"
    config = TelemetryConfig(kafka=kafka_config(kafka_broker, topics), spool_dir=spool)
    first = client_for(sandbox, config)
    ids = {first.telemetry.track(event(n)) for n in range(3000)}
    first.telemetry.close(timeout=0)  # stopped mid-stream: the rest stays in the spool
    second = client_for(sandbox, config)
    ids |= {second.telemetry.track(event(n)) for n in range(3000, 4000)}
    assert second.telemetry.flush(WAIT_S)
    second.close()
    stats = consumer(sandbox).wait_for(4000, WAIT_S)
    assert stats.invalid == 0
    assert sandbox.state.tenant("tenant_default").telemetry_ids == ids


def test_a_wrong_address_is_reported_and_never_hangs(
    topics: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="agentplatform.telemetry")
    address = f"127.0.0.1:{free_port()}"
    config = TelemetryConfig(kafka=kafka_config(address, topics, delivery_timeout_s=1))
    with Sandbox() as http_only:
        client = client_for(http_only, config)
        assert client.telemetry.track(event(1)) is not None  # returns at once
        assert not client.telemetry.flush(3.0)
        stats = client.telemetry.stats()
        assert (stats.sent, stats.queued) == (0, 1)
        assert stats.retries >= 1
        assert client.telemetry.close(timeout=1.0) is False
        client.close()
    assert f"Kafka did not acknowledge 1 of 1 record(s) on topic {topics['telemetry_topic']!r}" in (
        caplog.text
    )
    assert address in caplog.text
