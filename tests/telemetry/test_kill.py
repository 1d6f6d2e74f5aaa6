"""SIGKILL of a producer with `spool_dir`: every record `track()` returned reaches the
sandbox exactly once, sent by the next process on the same directory."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from agentplatform_sandbox import DEFAULT_TENANT, Faults, Sandbox

from ._support import assert_exactly_once, child_env, frames_on_disk

CHILD = Path(__file__).with_name("_child.py")


def child(sandbox: Sandbox, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, str(CHILD), *args],
        env=child_env(sandbox),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def burst_then_kill(sandbox: Sandbox, spool: Path, ids_file: Path, count: int, mode: str) -> None:
    """Run a burst child and SIGKILL it as soon as its last `track()` has returned."""
    producer = child(sandbox, "burst", str(spool), str(count), str(ids_file), mode)
    try:
        assert producer.stdout is not None
        line = producer.stdout.readline()  # bounded: the child prints or dies
        assert line.strip() == "ready", producer.stderr.read() if producer.stderr else ""
        os.kill(producer.pid, signal.SIGKILL)
        assert producer.wait(30) == -signal.SIGKILL
    finally:
        if producer.poll() is None:
            producer.kill()
            producer.wait(30)


def deliver(sandbox: Sandbox, spool: Path, stats_file: Path, mode: str) -> dict[str, object]:
    consumer = child(sandbox, "deliver", str(spool), str(stats_file), mode)
    _, err = consumer.communicate(timeout=120)
    assert consumer.returncode == 0, err
    stats: dict[str, object] = json.loads(stats_file.read_text())
    return stats


def stored_events(sandbox: Sandbox) -> list[str]:
    with sandbox.state.lock:
        return list(sandbox.state.tenant(DEFAULT_TENANT).events)


@pytest.mark.parametrize(
    ("mode", "count", "faults"),
    [
        ("sync", 10_100, None),
        ("async", 10_100, None),
        ("sync", 2_000, Faults(error_rate=1.0, retry_after_s=0)),
        ("async", 2_000, Faults(drop_after_rate=1.0)),
    ],
    ids=["sync-burst", "async-burst", "sync-service-down", "async-answers-lost"],
)
def test_sigkill_right_after_track_loses_and_repeats_nothing(
    sandbox: Sandbox, tmp_path: Path, mode: str, count: int, faults: Faults | None
) -> None:
    spool, ids_file, stats_file = tmp_path / "spool", tmp_path / "ids", tmp_path / "stats"
    if faults is not None:
        sandbox.set_faults(faults)
    burst_then_kill(sandbox, spool, ids_file, count, mode)
    ids = json.loads(ids_file.read_text())
    assert None not in ids["telemetry"] and len(ids["telemetry"]) == count
    if faults is not None and faults.error_rate:  # nothing was acknowledged, nothing deleted
        assert sandbox.state.telemetry_event_ids() == []
        on_disk = frames_on_disk(spool) + frames_on_disk(spool, "events")
        assert on_disk == count + count // 10, "a returned record was not on disk"

    sandbox.set_faults(Faults())
    stats = deliver(sandbox, spool, stats_file, mode)
    assert stats["ok"] is True
    assert_exactly_once(sandbox, ids["telemetry"])
    assert sorted(stored_events(sandbox)) == sorted(ids["events"])
    assert list(spool.glob("*/*")) == [], "the spool was not emptied"
