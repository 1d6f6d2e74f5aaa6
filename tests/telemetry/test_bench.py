"""bench/bench_telemetry.py runs (tiny sizes) and every record it sends is acknowledged."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "bench" / "bench_telemetry.py"


def test_the_benchmark_runs_end_to_end() -> None:
    done = subprocess.run(
        [
            sys.executable,
            str(BENCH),
            "--events",
            "3000",
            "--e2e-events",
            "300",
            "--runs",
            "1",
            "--batch-size",
            "100",
            "--queue",
            "100",
            "--json",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout[done.stdout.index("{") :])
    assert set(report["enqueue_us"]) >= {
        "track(built event)",
        "log_model_call(...)",
        "spool: track(built event)",
        "spool: await track (async)",
        "spool, fsync=True: track",
    }
    assert all(value > 0 for value in report["enqueue_us"].values())
    assert report["flood"]["dropped"] >= 3000 - 200
    assert report["end_to_end_per_s"]["sync"] > 0 and report["null_sink_per_s"]["async"] > 0
    assert report["null_sink_spool_per_s"]["sync"] > 0
    assert report["outage"]["on_disk"] == report["outage"]["records"] == 750
