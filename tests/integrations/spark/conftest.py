"""One SparkSession for every Spark test (local, 2 cores, UI off), and a sandbox that
the executors reach on loopback."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from typing import Any

import pytest
from agentplatform_sandbox import Sandbox
from pyspark.sql import SparkSession


@pytest.fixture(scope="session")
def spark() -> Iterator[SparkSession]:
    """`local[2,4]`: two cores, and up to 4 attempts per task (plain `local[2]` never
    retries a task, which the exactly-once tests need)."""
    os.environ["PYSPARK_PYTHON"] = sys.executable  # executors use this interpreter
    session = (
        SparkSession.builder.master("local[2,4]")
        .appName("agentplatform-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.pyspark.python", sys.executable)
        .config("spark.sql.execution.pythonUDF.arrow.enabled", "false")
        .config("spark.sql.execution.arrow.pyspark.enabled", "false")
        .config("spark.driver.memory", "1g")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


@pytest.fixture(scope="session")
def spark_sandbox_server() -> Iterator[Sandbox]:
    """A sandbox without a practical rate limit: entity writes are a request per row."""
    with Sandbox(rate_limit_per_min=10_000_000) as server:
        yield server


@pytest.fixture
def platform(spark_sandbox_server: Sandbox) -> Sandbox:
    """The Spark tests' sandbox, emptied."""
    spark_sandbox_server.reset()
    return spark_sandbox_server


@pytest.fixture
def target(platform: Sandbox) -> dict[str, Any]:
    """The settings executors build their clients from."""
    return {"api_key": platform.api_key, "base_url": platform.url}
