"""bench/bench_spark.py measures what it says, at a tiny size, with the suite's session."""

from __future__ import annotations

import importlib
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from agentplatform_sandbox import Sandbox
from agentplatform_sandbox.state import DEFAULT_TENANT
from pyspark.sql import SparkSession

BENCH = Path(__file__).resolve().parents[3] / "bench"


@pytest.fixture
def bench(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    monkeypatch.syspath_prepend(str(BENCH))
    return importlib.import_module("bench_spark")


def test_both_variants_store_every_row(
    bench: ModuleType, spark: SparkSession, platform: Sandbox, target: dict[str, Any]
) -> None:
    report = bench.measure(
        spark, platform.url, platform.api_key, rows=1_200, batch_size=500, runs=1
    )
    assert report["loop"] > 0 and report["spark"] > 0
    assert report["ratio"] == report["spark"] / report["loop"]
    stored = platform.state.tenant(DEFAULT_TENANT).events
    assert len(stored) == 1_200 + 1_200 + 1_200  # warm-up, loop, spark: fresh ids each
