"""A client process for the restart tests: enqueue records, then exit, crash, or deliver.

    python _child.py enqueue <spool_dir> <count> <ids_file> exit|crash sync|async
    python _child.py burst <spool_dir> <count> <ids_file> sync|async
    python _child.py deliver <spool_dir> <stats_file> sync|async

The base URL and key come from AGENTPLATFORM_BASE_URL / AGENTPLATFORM_API_KEY. "crash"
ends the process with `os._exit` (no exit hook, no flush) once a batch request failed;
"exit" returns normally, so the exit hook flushes and leaves the rest in the spool.
"burst" tracks `count` records (and a tenth as many agent events) as fast as it can,
writes their ids, prints "ready" and waits to be killed (by SIGKILL, from the test).
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

import agentplatform as ap
from agentplatform.telemetry import LlmEvent, TelemetryConfig, TelemetryEventBuilder

CRASH_STATUS = 17


def config(spool_dir: str) -> TelemetryConfig:
    return TelemetryConfig(
        service_name="child",
        spool_dir=spool_dir,
        batch_size=50,
        flush_interval=0.05,
        retry_initial_delay=0.05,
        retry_max_delay=0.2,
        shutdown_timeout=0.5,
    )


def event(i: int) -> LlmEvent:
    return TelemetryEventBuilder(model="m").prompt(f"q{i}").response(f"a{i}").latency(i).build()


def enqueue_sync(spool_dir: str, count: int, ids_file: Path, how: str) -> None:
    client = ap.Client(max_retries=0, telemetry=config(spool_dir))
    ids = [client.telemetry.track(event(i)) for i in range(count)]
    ids.append(client.events.buffered.ingest(agent_id="a", session_id="s", type="custom"))
    ids_file.write_text(json.dumps(ids))
    if how == "crash":
        deadline = time.monotonic() + 30  # until a request failed: the exporter is mid-batch
        while client.telemetry.stats().retries == 0 and time.monotonic() < deadline:
            client.telemetry.flush(timeout=0.05)
        os._exit(CRASH_STATUS)


async def enqueue_async(spool_dir: str, count: int, how: str) -> list[Any]:
    client = ap.AsyncClient(max_retries=0, telemetry=config(spool_dir))
    ids: list[Any] = [await client.telemetry.track(event(i)) for i in range(count)]
    ids.append(await client.events.buffered.ingest(agent_id="a", session_id="s", type="custom"))
    if how == "crash":
        deadline = time.monotonic() + 30  # until a request failed: the exporter is mid-batch
        while client.telemetry.stats().retries == 0 and time.monotonic() < deadline:
            await client.telemetry.flush(timeout=0.05)
    return ids


def burst_sync(spool_dir: str, count: int, ids_file: Path) -> None:
    client = ap.Client(telemetry=burst_config(spool_dir))
    ids = [client.telemetry.track(event(i)) for i in range(count)]
    events = [
        client.events.buffered.ingest(agent_id="a", session_id="s", type="custom")
        for _ in range(count // 10)
    ]
    ready(ids_file, ids, events)
    time.sleep(60)  # the exporter runs until the kill


async def burst_async(spool_dir: str, count: int, ids_file: Path) -> None:
    client = ap.AsyncClient(telemetry=burst_config(spool_dir))
    ids = [await client.telemetry.track(event(i)) for i in range(count)]
    events = [
        await client.events.buffered.ingest(agent_id="a", session_id="s", type="custom")
        for _ in range(count // 10)
    ]
    ready(ids_file, ids, events)
    await asyncio.sleep(60)  # the exporter runs until the kill


def burst_config(spool_dir: str) -> TelemetryConfig:
    return TelemetryConfig(service_name="child", spool_dir=spool_dir, batch_size=500)


def ready(ids_file: Path, ids: list[Any], events: list[Any]) -> None:
    """Hand the ids over and say so; the test kills the process from here on."""
    ids_file.write_text(json.dumps({"telemetry": ids, "events": events}))
    print("ready", flush=True)


def stats_of(ok: bool, client: ap.Client | ap.AsyncClient) -> dict[str, Any]:
    stats, events = client.telemetry.stats(), client.events.buffered.stats()
    return {"ok": ok, "sent": stats.sent, "dups": stats.duplicates, "events": events.sent}


def deliver_sync(spool_dir: str) -> dict[str, Any]:
    with ap.Client(telemetry=config(spool_dir)) as client:
        ok = client.telemetry.flush(timeout=60)
    return stats_of(ok, client)


async def deliver_async(spool_dir: str) -> dict[str, Any]:
    async with ap.AsyncClient(telemetry=config(spool_dir)) as client:
        ok = await client.telemetry.flush(timeout=60)
    return stats_of(ok, client)


def main(argv: list[str]) -> None:
    use_async = argv[-1] == "async"
    if argv[1] == "burst":
        spool_dir, count, ids_file = argv[2], int(argv[3]), Path(argv[4])
        if use_async:
            asyncio.run(burst_async(spool_dir, count, ids_file))
        else:
            burst_sync(spool_dir, count, ids_file)
        return
    if argv[1] == "enqueue":
        spool_dir, count, ids_file, how = argv[2], int(argv[3]), Path(argv[4]), argv[5]
        if not use_async:
            enqueue_sync(spool_dir, count, ids_file, how)
            return
        if how == "crash":

            async def crash() -> None:
                ids = await enqueue_async(spool_dir, count, how)
                ids_file.write_text(json.dumps(ids))
                os._exit(CRASH_STATUS)

            asyncio.run(crash())
        ids_file.write_text(json.dumps(asyncio.run(enqueue_async(spool_dir, count, how))))
    else:
        run = asyncio.run(deliver_async(argv[2])) if use_async else deliver_sync(argv[2])
        Path(argv[3]).write_text(json.dumps(run))


if __name__ == "__main__":
    main(sys.argv)
