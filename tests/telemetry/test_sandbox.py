"""Against the sandbox with faults: N records in, N accepted exactly once (sync and async)."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import _modes
import agentplatform as ap
import pytest
from agentplatform.telemetry import TelemetryConfig
from agentplatform_sandbox import DEFAULT_TENANT, Faults, Sandbox

from ._support import assert_exactly_once, child_env, event, frames_on_disk, logged_keys

http_backend = _modes.http_backend  # the async tests run over httpx and over aiohttp

CHILD = Path(__file__).with_name("_child.py")
FAULTS = Faults(
    error_rate=0.15, rate_429=0.1, drop_rate=0.1, drop_after_rate=0.1, retry_after_s=0, seed=11
)


def config(**options: Any) -> TelemetryConfig:
    settings: dict[str, Any] = {
        "service_name": "svc",
        "batch_size": 50,
        "flush_interval": 0.05,
        "retry_initial_delay": 0.001,
        "retry_max_delay": 0.01,
    }
    settings.update(options)
    return TelemetryConfig(**settings)


def sync_client(sandbox: Sandbox, **options: Any) -> ap.Client:
    return ap.Client(api_key=sandbox.api_key, base_url=sandbox.url, telemetry=config(**options))


def async_client(sandbox: Sandbox, **options: Any) -> ap.AsyncClient:
    return ap.AsyncClient(
        api_key=sandbox.api_key, base_url=sandbox.url, telemetry=config(**options)
    )


def stored_event_ids(sandbox: Sandbox) -> list[str]:
    with sandbox.state.lock:
        return list(sandbox.state.tenant(DEFAULT_TENANT).events)


def test_sync_exactly_once_through_5xx_429_and_dropped_connections(sandbox: Sandbox) -> None:
    sandbox.set_faults(FAULTS)
    with sync_client(sandbox) as client:
        ids = [client.telemetry.track(event()) for _ in range(1500)]
        ids += [client.telemetry.log_model_call("m", latency_ms=1.0) for _ in range(250)]
        ids += [client.telemetry.log_data_quality("d", record_count=3) for _ in range(250)]
        events = [
            client.events.buffered.ingest(agent_id="a", session_id="s", type="custom")
            for _ in range(300)
        ]
        assert client.telemetry.flush(timeout=120)
        stats = client.telemetry.stats()
        event_stats = client.events.buffered.stats()
    assert None not in ids and len(set(ids)) == 2000
    assert_exactly_once(sandbox, ids)
    assert (stats.sent, stats.duplicates, stats.failed, stats.dropped) == (2000, 0, 0, 0)
    assert stats.retries > 0, "the faults should have caused batch retries"
    assert sorted(stored_event_ids(sandbox)) == sorted(events)
    assert event_stats.sent == 300
    log = sandbox.state.request_log()
    assert any(r.status == 0 for r in log), "no connection was dropped"
    assert any(r.status == 429 for r in log) and any(r.status >= 500 for r in log)


async def test_async_exactly_once_through_faults(sandbox: Sandbox, http_backend: str) -> None:
    sandbox.set_faults(FAULTS)
    async with async_client(sandbox) as client:
        ids = [await client.telemetry.track(event()) for _ in range(1500)]
        ids += [await client.telemetry.log_model_call("m", latency_ms=1.0) for _ in range(250)]
        ids += [await client.telemetry.log_data_quality("d", record_count=3) for _ in range(250)]
        events = [
            await client.events.buffered.ingest(agent_id="a", session_id="s", type="custom")
            for _ in range(300)
        ]
        assert await client.telemetry.flush(timeout=120)
        stats = client.telemetry.stats()
    assert_exactly_once(sandbox, ids)
    assert (stats.sent, stats.duplicates, stats.failed, stats.dropped) == (2000, 0, 0, 0)
    assert stats.retries > 0
    assert sorted(stored_event_ids(sandbox)) == sorted(events)


def test_records_wait_out_a_server_restart(sandbox: Sandbox) -> None:
    with sync_client(sandbox, max_queue_size=5000) as client:
        first = [client.telemetry.track(event()) for _ in range(100)]
        assert client.telemetry.flush(30)
        sandbox.stop()
        try:
            second = [client.telemetry.track(event()) for _ in range(400)]
            assert client.telemetry.flush(timeout=0.3) is False
            assert client.telemetry.stats().retries > 0
        finally:
            sandbox.start()
        assert client.telemetry.flush(timeout=60)
    assert_exactly_once(sandbox, first + second)


async def test_async_records_wait_out_a_server_restart(sandbox: Sandbox, http_backend: str) -> None:
    async with async_client(sandbox) as client:
        sandbox.stop()
        try:
            ids = [await client.telemetry.track(event()) for _ in range(300)]
            assert await client.telemetry.flush(timeout=0.3) is False
        finally:
            sandbox.start()
        assert await client.telemetry.flush(timeout=60)
    assert_exactly_once(sandbox, ids)


def test_enqueue_never_blocks_while_the_service_is_down(sandbox: Sandbox) -> None:
    sandbox.stop()
    try:
        client = sync_client(sandbox, max_queue_size=1000, shutdown_timeout=0.1)
        done = threading.Event()

        def flood() -> None:
            for _ in range(20_000):
                client.telemetry.track(event())
            done.set()

        threading.Thread(target=flood, daemon=True).start()
        assert done.wait(60), "track() blocked while the service was down"
        stats = client.telemetry.stats()
        assert stats.enqueued + stats.dropped == 20_000 and stats.dropped >= 18_900
        client.close()
    finally:
        sandbox.start()


def test_per_record_rejections_reach_on_error(sandbox: Sandbox) -> None:
    from agentplatform_api.models import LlmEventRecord

    failures: list[tuple[BaseException, list[dict[str, Any]]]] = []
    bad = LlmEventRecord.from_dict(
        {
            "kind": "llm_event",
            "event_id": "bad-1",
            "timestamp": "2026-01-01T00:00:00Z",
            "service_name": "svc",
            "model": "m",
            "latency_ms": -5,
        }
    )
    with sync_client(sandbox, on_error=lambda e, r: failures.append((e, r))) as client:
        good = client.telemetry.track(event())
        client.telemetry.track(bad)
        assert client.telemetry.flush(30)
        stats = client.telemetry.stats()
    assert (stats.sent, stats.failed) == (1, 1)
    ((error, records),) = failures
    assert isinstance(error, ap.UnprocessableEntityError)
    assert records[0]["event_id"] == "bad-1"
    assert_exactly_once(sandbox, [good])


def test_resending_known_ids_counts_duplicates(sandbox: Sandbox) -> None:
    from agentplatform.telemetry import TelemetryEventBuilder

    with sync_client(sandbox) as client:
        for _ in range(3):
            client.telemetry.track(TelemetryEventBuilder(model="m").event_id("same").build())
            assert client.telemetry.flush(30)
        stats = client.telemetry.stats()
    assert (stats.sent, stats.duplicates) == (1, 2)
    assert_exactly_once(sandbox, ["same"])


def run_child(sandbox: Sandbox, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(CHILD), *args],
        env=child_env(sandbox),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize("mode", ["sync", "async"])
@pytest.mark.parametrize(
    ("how", "faults"),
    [
        ("exit", Faults(error_rate=1.0, retry_after_s=0)),
        ("crash", Faults(error_rate=1.0, retry_after_s=0)),
        ("crash", Faults(drop_after_rate=1.0)),
    ],
    ids=["exit-while-failing", "crash-while-failing", "crash-after-server-accepted"],
)
def test_a_client_process_restart_with_a_spool_loses_and_repeats_nothing(
    sandbox: Sandbox, tmp_path: Path, mode: str, how: str, faults: Faults
) -> None:
    spool, ids_file, stats_file = tmp_path / "spool", tmp_path / "ids", tmp_path / "stats"
    sandbox.set_faults(faults)
    first = run_child(sandbox, "enqueue", str(spool), "300", str(ids_file), how, mode)
    assert first.returncode == (17 if how == "crash" else 0), first.stderr
    *ids, event_id = json.loads(ids_file.read_text())
    seen_first = sandbox.state.idempotency_keys_seen()
    assert frames_on_disk(spool) == 300 and frames_on_disk(spool, "events") == 1
    tried = logged_keys(spool) & set(seen_first)
    assert tried, "no logged batch reached the service"
    if faults.drop_after_rate:
        # The service stored these batches but the answers were lost: the new process
        # must send them again under the same keys, and the service replays its answers.
        assert len(sandbox.state.telemetry_event_ids()) > 0
    else:
        assert sandbox.state.telemetry_event_ids() == []

    sandbox.set_faults(Faults())
    second = run_child(sandbox, "deliver", str(spool), str(stats_file), mode)
    assert second.returncode == 0, second.stderr
    stats = json.loads(stats_file.read_text())
    assert stats["ok"] is True
    assert_exactly_once(sandbox, ids)
    assert stored_event_ids(sandbox) == [event_id]
    assert stats["sent"] == 300 and stats["dups"] == 0
    keys_second = set(sandbox.state.idempotency_keys_seen()[len(seen_first) :])
    assert tried <= keys_second, "a replayed batch was sent under another key"
    assert list(spool.glob("*/*")) == []


def test_spooled_batches_are_sent_before_new_records(sandbox: Sandbox, tmp_path: Path) -> None:
    spool = tmp_path / "spool"
    sandbox.set_faults(Faults(error_rate=1.0, retry_after_s=0))
    first = run_child(sandbox, "enqueue", str(spool), "120", str(tmp_path / "ids"), "exit", "sync")
    assert first.returncode == 0, first.stderr
    old = json.loads((tmp_path / "ids").read_text())[:-1]
    sandbox.set_faults(Faults())
    with sync_client(sandbox, spool_dir=spool) as client:
        new = [client.telemetry.track(event()) for _ in range(10)]
        assert client.telemetry.flush(30)
    assert sandbox.state.telemetry_event_ids() == old + new


async def test_asyncio_run_ending_without_close_still_delivers(
    sandbox: Sandbox, http_backend: str
) -> None:
    def scenario() -> list[str | None]:
        async def main() -> list[str | None]:
            client = async_client(sandbox, flush_interval=60)
            return [await client.telemetry.track(event()) for _ in range(5)]

        return asyncio.run(main())

    ids = await asyncio.to_thread(scenario)
    assert_exactly_once(sandbox, [i for i in ids if i])
