"""Cost of the buffered telemetry pipeline: enqueue time, end-to-end rate, memory under a flood.

    python bench/bench_telemetry.py [--events 200000] [--e2e-events 50000]
                                    [--batch-size 1000] [--queue 1000] [--runs 5]
                                    [--base-url URL --api-key KEY] [--json]

1. Enqueue cost (µs per call, best of --runs) with the exporter held, so only the
   caller's side is measured: `track` of a built event, `log_model_call`,
   `events.buffered.ingest`, build-and-track, and `await track` on `AsyncClient`;
   next to a naive enqueue (uuid4 + datetime + dict + `queue.Queue.put`) as a ratio.
   The same with `spool_dir` (each record framed and written to the spool segment
   before the call returns), and with `fsync=True` (a device flush per record).
2. Enqueue cost while the exporter is sending to a live sandbox (it shares the GIL).
3. End to end: records per second from the first `track` until `flush()` returns, with
   every record acknowledged (sync and async clients): into the sandbox (bound by the
   sandbox's own per-record checks) and into a null sink that only counts records
   (bound by the client: encoding, gzip, HTTP), without and with a spool (the exporter
   then reads every batch back from disk and logs its progress there).
4. Peak memory (tracemalloc) while --events records flood a --queue slot queue with the
   exporter held, next to the same flood into an unbounded queue.
5. An outage with a spool: --events / 4 records tracked while the service refuses
   connections (the exporter is in its retry loop); how fast they reach the disk.

The sandbox and the sink run in child processes (their own GIL); --base-url points the
sandbox measurements at a running service instead. Run from the
repository root, or with ``PYTHONPATH=overlays:generated`` when not installed.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import gc
import json
import logging
import queue
import shutil
import sys
import tempfile
import threading
import time
import tracemalloc
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

_ROOT = Path(__file__).resolve().parent.parent
for _path in (_ROOT / "generated", _ROOT / "overlays", _ROOT / "sandbox"):
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

import agentplatform as ap  # noqa: E402
from _common import free_port  # noqa: E402
from _telemetry_servers import SANDBOX_KEY, sandbox_process, sink_process  # noqa: E402
from agentplatform.telemetry import (  # noqa: E402
    LlmEvent,
    Telemetry,
    TelemetryConfig,
    TelemetryEventBuilder,
)


def sample_event() -> LlmEvent:
    return (
        TelemetryEventBuilder(service="bench", model="gpt-4o-mini")
        .prompt("What is our refund policy?", tokens=7)
        .response("Refunds are accepted within 30 days.", tokens=8, finish_reason="stop")
        .latency(412.5)
        .cost(0.00021)
        .metadata(user_tier="pro")
        .build()
    )


class HeldSender:
    """A sender that holds the exporter until released (answers with all accepted)."""

    def __init__(self) -> None:
        self.release = threading.Event()

    def __call__(self, call: Any) -> Any:
        from agentplatform_api.models import BatchResult

        self.release.wait()
        return BatchResult(accepted=0, duplicates=0, rejected=[])


def held_telemetry(
    queue_size: int, spool_dir: str | None = None, fsync: bool = False
) -> tuple[Telemetry, HeldSender]:
    sender = HeldSender()
    config = TelemetryConfig(
        service_name="bench",
        max_queue_size=queue_size,
        batch_size=1000,
        flush_interval=3600,
        spool_dir=spool_dir,
        fsync=fsync,
    )
    return Telemetry(sender, config), sender


@contextmanager
def scratch() -> Iterator[str]:
    """A temporary spool directory, removed afterwards."""
    directory = tempfile.mkdtemp(prefix="bench-spool-")
    try:
        yield directory
    finally:
        shutil.rmtree(directory, ignore_errors=True)


def per_call_us(fn: Callable[[int], None], n: int, runs: int) -> float:
    """Best time per call (µs) of `fn(n)`, which makes n calls."""
    best = float("inf")
    for _ in range(runs):
        gc.collect()
        gc.disable()
        try:
            started = time.perf_counter()
            fn(n)
            best = min(best, time.perf_counter() - started)
        finally:
            gc.enable()
    return best / n * 1e6


def bench_enqueue(n: int, runs: int) -> dict[str, float]:
    """µs per enqueue with the exporter held (no spool, then write-through to a spool)."""
    event = sample_event()
    results: dict[str, float] = {}
    spool: dict[str, Any] = {"dir": None, "fsync": False}

    def fresh() -> Telemetry:
        telemetry, _ = held_telemetry(n + 10, spool["dir"], spool["fsync"])
        return telemetry

    def track(k: int) -> None:
        telemetry = fresh()
        put = telemetry.track
        for _ in range(k):
            put(event)
        done(telemetry)

    def model_call(k: int) -> None:
        telemetry = fresh()
        log = telemetry.log_model_call
        for _ in range(k):
            log("fraud-v3", latency_ms=3.2, input_data={"amount": 12}, prediction={"score": 0.1})
        done(telemetry)

    def agent_event(k: int) -> None:
        from agentplatform.resources.events import BufferedEvents

        telemetry = fresh()
        ingest = BufferedEvents(telemetry._events).ingest
        for _ in range(k):
            ingest(agent_id="planner", session_id="s1", type="tool_call")
        done(telemetry)

    def build_and_track(k: int) -> None:
        telemetry = fresh()
        for i in range(k):
            telemetry.track(
                TelemetryEventBuilder(service="bench", model="gpt-4o-mini")
                .prompt("What is our refund policy?", tokens=7)
                .response("Refunds within 30 days.", tokens=8, finish_reason="stop")
                .latency(float(i))
                .build()
            )
        done(telemetry)

    def async_track(k: int) -> None:
        async def main() -> None:
            from agentplatform.telemetry import AsyncTelemetry

            async def never(call: Any) -> Any:
                await asyncio.Event().wait()

            config = TelemetryConfig(
                service_name="bench",
                max_queue_size=k + 10,
                batch_size=1000,
                flush_interval=3600,
                spool_dir=spool["dir"],
            )
            telemetry = AsyncTelemetry(never, config)
            put = telemetry.track
            for _ in range(k):
                await put(event)
            telemetry._records._queue.clear()
            task = telemetry._records._task
            if task is not None:
                task.cancel()

        asyncio.run(main())

    def naive(k: int) -> None:
        q: queue.Queue[dict[str, Any]] = queue.Queue(maxsize=k + 10)
        payload = event.payload
        for _ in range(k):
            q.put_nowait(
                {
                    **payload,
                    "event_id": uuid.uuid4().hex,
                    "timestamp": datetime.datetime.now(datetime.UTC).isoformat(),
                }
            )

    results["track(built event)"] = per_call_us(track, n, runs)
    results["log_model_call(...)"] = per_call_us(model_call, n // 4, runs)
    results["events.buffered.ingest(...)"] = per_call_us(agent_event, n // 4, runs)
    results["build + track"] = per_call_us(build_and_track, n // 10, runs)
    results["await track(built event) (async)"] = per_call_us(async_track, n // 4, runs)
    with scratch() as spool["dir"]:
        results["spool: track(built event)"] = per_call_us(track, n // 4, runs)
        results["spool: log_model_call(...)"] = per_call_us(model_call, n // 4, runs)
        results["spool: events.buffered.ingest(...)"] = per_call_us(agent_event, n // 4, runs)
        results["spool: await track (async)"] = per_call_us(async_track, n // 4, runs)
        spool["fsync"] = True
        results["spool, fsync=True: track"] = per_call_us(track, max(10, n // 2000), 1)
    results["naive: uuid4+datetime+dict+Queue.put"] = per_call_us(naive, n // 4, runs)
    return results


def done(telemetry: Telemetry) -> None:
    """Forget what a held pipeline enqueued (its spool files go with the scratch dir)."""
    telemetry._records._queue.clear()
    telemetry._events._queue.clear()


def bench_outage_spooling(n: int) -> dict[str, float]:
    """Records tracked with a spool while the service refuses connections: how fast they
    reach the disk, and how many are there when the last `track` returns."""
    event = sample_event()
    with scratch() as spool_dir:
        config = TelemetryConfig(
            service_name="bench", spool_dir=spool_dir, batch_size=100, shutdown_timeout=0.5
        )
        closed = f"http://127.0.0.1:{free_port()}"
        client = ap.Client(base_url=closed, api_key="k", max_retries=0, telemetry=config)
        client.telemetry.track(event)
        started = time.perf_counter()
        for _ in range(n - 1):
            client.telemetry.track(event)
        elapsed = time.perf_counter() - started
        stats = client.telemetry.stats()
        client.close()  # waits up to shutdown_timeout, then leaves the records spooled
    if stats.spooled != n:
        raise SystemExit(f"outage: {stats.spooled} of {n} records on disk")
    return {"records": n, "on_disk": stats.spooled, "per_s": (n - 1) / elapsed}


def bench_live_enqueue(base_url: str, api_key: str, n: int, batch_size: int) -> float:
    """µs per `track` while the exporter is sending to the service."""
    event = sample_event()
    config = TelemetryConfig(service_name="bench", batch_size=batch_size, max_queue_size=n + 10)
    with ap.Client(base_url=base_url, api_key=api_key, telemetry=config) as client:
        client.telemetry.track(event)
        client.telemetry.flush(60)
        started = time.perf_counter()
        for _ in range(n):
            client.telemetry.track(event)
        elapsed = time.perf_counter() - started
        client.telemetry.flush(120)
    return elapsed / n * 1e6


def bench_end_to_end(
    base_url: str, api_key: str, n: int, batch_size: int, spool_dir: str | None = None
) -> dict[str, float]:
    """Records per second from the first enqueue until all are acknowledged."""
    event = sample_event()
    config = TelemetryConfig(
        service_name="bench", batch_size=batch_size, max_queue_size=n + 10, spool_dir=spool_dir
    )
    out: dict[str, float] = {}
    with ap.Client(base_url=base_url, api_key=api_key, telemetry=config) as client:
        client.telemetry.track(event)
        client.telemetry.flush(60)
        before = client.telemetry.stats().sent
        started = time.perf_counter()
        for _ in range(n):
            client.telemetry.track(event)
        ok = client.telemetry.flush(300)
        elapsed = time.perf_counter() - started
        sent = client.telemetry.stats().sent - before
    if not ok or sent != n:
        raise SystemExit(f"sync end to end: {sent} of {n} acknowledged")
    out["sync"] = n / elapsed

    async def run_async() -> float:
        async with ap.AsyncClient(base_url=base_url, api_key=api_key, telemetry=config) as aclient:
            await aclient.telemetry.track(event)
            await aclient.telemetry.flush(60)
            before = aclient.telemetry.stats().sent
            started = time.perf_counter()
            for _ in range(n):
                await aclient.telemetry.track(event)
            ok = await aclient.telemetry.flush(300)
            elapsed = time.perf_counter() - started
            sent = aclient.telemetry.stats().sent - before
        if not ok or sent != n:
            raise SystemExit(f"async end to end: {sent} of {n} acknowledged")
        return n / elapsed

    out["async"] = asyncio.run(run_async())
    return out


def flood_peak_bytes(n: int, queue_size: int) -> tuple[int, int]:
    """Peak traced bytes while n records flood a held pipeline; and how many were dropped."""
    telemetry, sender = held_telemetry(queue_size)
    event = sample_event()
    telemetry.track(event)
    gc.collect()
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        base, _ = tracemalloc.get_traced_memory()
        for _ in range(n):
            telemetry.track(event)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    dropped = telemetry.stats().dropped
    telemetry._records._queue.clear()
    sender.release.set()
    telemetry.close(timeout=1)
    return peak - base, dropped


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--events", type=int, default=200_000, help="records per measurement")
    parser.add_argument("--e2e-events", type=int, default=50_000, help="records sent end to end")
    parser.add_argument("--batch-size", type=int, default=1000, help="records per request")
    parser.add_argument("--queue", type=int, default=1000, help="queue slots for the flood")
    parser.add_argument("--runs", type=int, default=5, help="runs per enqueue measurement")
    parser.add_argument("--base-url", help="a running service (default: start a sandbox)")
    parser.add_argument("--api-key", default=SANDBOX_KEY, help="its API key")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)

    # Held exporters and deliberate outages would log warnings that are not results.
    logging.getLogger("agentplatform.telemetry").setLevel(logging.ERROR)
    report: dict[str, Any] = {"python": sys.version.split()[0]}
    report["enqueue_us"] = bench_enqueue(args.events, args.runs)
    bounded, dropped = flood_peak_bytes(args.events, args.queue)
    unbounded, _ = flood_peak_bytes(args.events, args.events + 10)
    report["flood"] = {
        "events": args.events,
        "queue": args.queue,
        "peak_bytes_bounded": bounded,
        "dropped": dropped,
        "peak_bytes_unbounded": unbounded,
    }
    if args.base_url:
        url_context: Any = contextmanager(lambda: iter([args.base_url]))()
    else:
        url_context = sandbox_process()
    with url_context as url:
        report["live_enqueue_us"] = bench_live_enqueue(
            url, args.api_key, args.e2e_events, args.batch_size
        )
        report["end_to_end_per_s"] = bench_end_to_end(
            url, args.api_key, args.e2e_events, args.batch_size
        )
    with sink_process() as url:
        report["null_sink_per_s"] = bench_end_to_end(
            url, args.api_key, args.e2e_events * 4, args.batch_size
        )
        with scratch() as spool_dir:
            report["null_sink_spool_per_s"] = bench_end_to_end(
                url, args.api_key, args.e2e_events * 4, args.batch_size, spool_dir
            )
    report["outage"] = bench_outage_spooling(args.events // 4)

    if args.json:
        print(json.dumps(report, indent=2))
        return
    enqueue = report["enqueue_us"]
    naive = enqueue["naive: uuid4+datetime+dict+Queue.put"]
    print(f"Python {report['python']}\n")
    print("Enqueue cost, exporter held (best of runs); spool: written to disk before return")
    for name, value in enqueue.items():
        print(f"  {name:<40} {value:7.2f} µs   {value / naive:5.2f}x naive")
    with_spool = enqueue["spool: track(built event)"] / enqueue["track(built event)"]
    print(f"  write-through spool / in-memory queue (track): {with_spool:.2f}x")
    print(f"\nEnqueue cost while exporting to the service: {report['live_enqueue_us']:.2f} µs")
    rates, sink = report["end_to_end_per_s"], report["null_sink_per_s"]
    spooled = report["null_sink_spool_per_s"]
    print(
        f"\nEnd to end, batch {args.batch_size}, every record acknowledged (records/s):\n"
        f"  {'':<34} {'sync':>10} {'async':>10}\n"
        f"  {f'into the sandbox ({args.e2e_events:,})':<34} "
        f"{rates['sync']:>10,.0f} {rates['async']:>10,.0f}\n"
        f"  {f'into a null sink ({args.e2e_events * 4:,})':<34} "
        f"{sink['sync']:>10,.0f} {sink['async']:>10,.0f}\n"
        f"  {'  the same through the spool':<34} "
        f"{spooled['sync']:>10,.0f} {spooled['async']:>10,.0f}"
    )
    flood = report["flood"]
    print(
        f"\nFlood of {flood['events']:,} records, exporter held (tracemalloc peak):\n"
        f"  queue of {flood['queue']:,}: {flood['peak_bytes_bounded'] / 1e6:7.2f} MB "
        f"({flood['dropped']:,} dropped, counted)\n"
        f"  unbounded:      {flood['peak_bytes_unbounded'] / 1e6:7.2f} MB"
    )
    outage = report["outage"]
    print(
        f"\nOutage with a spool (connections refused, exporter retrying): "
        f"{outage['records']:,} records tracked at {outage['per_s']:,.0f}/s, "
        f"{outage['on_disk']:,} on disk when the last track() returned"
    )


if __name__ == "__main__":
    main()
