"""bench/bench_instrument.py runs (tiny sizes) and records every instrumented call."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "bench" / "bench_instrument.py"


def test_the_benchmark_runs_end_to_end() -> None:
    done = subprocess.run(
        [sys.executable, str(BENCH), "--requests", "3", "--rounds", "1", "--json"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout[done.stdout.index("{") :])
    assert len(report["us_per_call"]) == 8
    assert all(value > 0 for value in report["us_per_call"].values())
    assert report["ratio"]["openai create (bare)"] == 1.0
    # 5 instrumented variants x (30 warm-up + 3 measured) calls
    assert report["recorded"] == 5 * 33 and report["dropped"] == 0 and report["delivered"]
