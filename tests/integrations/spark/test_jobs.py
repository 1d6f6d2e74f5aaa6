"""`monitor_job`: Spark runs recorded as agent events, with the status tracker's counts."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import agentplatform as ap
import pytest
from agentplatform.integrations import current_trace
from agentplatform.integrations.spark import current_run, monitor_job, observe
from agentplatform_sandbox import Sandbox
from agentplatform_sandbox.state import DEFAULT_TENANT
from pyspark.sql import SparkSession
from pyspark.sql import functions as F


@pytest.fixture
def client(target: dict[str, Any]) -> Iterator[ap.Client]:
    with ap.Client(**target) as made:
        yield made


def events(client: ap.Client, sandbox: Sandbox) -> list[dict[str, Any]]:
    assert client.events.buffered.flush(10.0)
    stored = sandbox.state.tenant(DEFAULT_TENANT).events.values()
    return [s.data for s in sorted(stored, key=lambda s: s.seq)]


def test_a_block_records_its_jobs_stages_rows_and_duration(
    spark: SparkSession, client: ap.Client, platform: Sandbox
) -> None:
    context = spark.sparkContext
    context.setJobGroup("outer-group", "the caller's own group")
    with monitor_job("scoring", client=client, attributes={"team": "ml"}) as run:
        assert current_run() is run
        trace = current_trace()
        source = run.observe(spark.range(1_000, numPartitions=2), "read")
        written = observe(source.filter(F.col("id") % 2 == 0), "written")
        assert written.groupBy((F.col("id") % 3).alias("k")).count().count() == 3
        never = run.observe(spark.range(5), "unused")  # no action: no count
        assert never is not None
    assert current_run() is None
    assert context.getLocalProperty("spark.jobGroup.id") == "outer-group"  # given back
    context.setLocalProperty("spark.jobGroup.id", None)  # type: ignore[arg-type]
    started, completed = events(client, platform)
    assert (started["type"], completed["type"]) == ("task_started", "task_completed")
    assert started["agent_id"] == completed["agent_id"] == "scoring"
    assert started["session_id"] == completed["session_id"] == run.run_id
    assert started["trace_id"] == completed["trace_id"] == trace.trace_id
    attributes = completed["attributes"]
    assert attributes == run.attributes | {"team": "ml"}
    assert attributes["rows"] == {"read": 1_000, "written": 500}
    assert attributes["spark_jobs"] >= 1 and attributes["stages"] >= 2
    assert attributes["failed_tasks"] == 0 and attributes["failed_jobs"] == 0
    assert attributes["duration_ms"] > 0
    assert attributes["application_id"] == context.applicationId


def test_a_decorated_function_that_raises_records_an_error_event(
    spark: SparkSession, client: ap.Client, platform: Sandbox
) -> None:
    @monitor_job("broken", client=client, agent_id="etl", session_id="nightly")
    def broken(rows: int) -> int:
        assert spark.range(rows).count() == rows
        raise KeyError("missing column")

    with pytest.raises(KeyError, match="missing column"):
        broken(10)
    assert broken.__name__ == "broken"
    started, failed = events(client, platform)
    assert failed["type"] == "error" and failed["agent_id"] == "etl"
    assert failed["session_id"] == started["session_id"] == "nightly"
    assert failed["attributes"]["error_type"] == "KeyError"
    assert "missing column" in failed["attributes"]["error_message"]
    assert failed["attributes"]["spark_jobs"] >= 1


def test_nested_runs_count_their_jobs_in_the_enclosing_run(
    spark: SparkSession, client: ap.Client, platform: Sandbox
) -> None:
    with monitor_job("alone", client=client) as alone:
        spark.range(10).count()
    monitor = monitor_job("outer", client=client)
    with monitor as outer:
        spark.range(10).count()
        with monitor_job("inner", client=client) as inner:
            spark.range(10).count()
            spark.range(20).count()
    one = alone.attributes["spark_jobs"]  # the jobs of one count()
    assert one >= 1 and inner.attributes["spark_jobs"] == 2 * one
    assert outer.attributes["spark_jobs"] == 3 * one
    assert [(e["agent_id"], e["type"]) for e in events(client, platform)][2:] == [
        ("outer", "task_started"),
        ("inner", "task_started"),
        ("inner", "task_completed"),
        ("outer", "task_completed"),
    ]
    assert "outer" in repr(monitor)


def test_arguments_are_checked(spark: SparkSession, client: ap.Client) -> None:
    with pytest.raises(ap.InvalidParameterError, match="client: expected an agentplatform"):
        monitor_job("x", client=client.telemetry)
    with pytest.raises(ap.InvalidParameterError, match="name"):
        monitor_job("", client=client)
    with monitor_job("x", client=client, spark=spark) as run:
        with pytest.raises(ap.InvalidParameterError, match="label"):
            run.observe(spark.range(1), "")
        run.observe(spark.range(1), "a")
        with pytest.raises(ap.InvalidParameterError, match="observed already"):
            run.observe(spark.range(1), "a")
    frame = spark.range(1)
    assert observe(frame, "outside") is frame  # no run: the frame as it is
