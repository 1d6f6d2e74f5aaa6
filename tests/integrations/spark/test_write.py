"""Bulk writes from Spark DataFrames into a real sandbox, with task failures injected."""

from __future__ import annotations

from typing import Any

import agentplatform as ap
import pytest
from agentplatform.integrations.spark import (
    WriteRejectedError,
    monitor_job,
    write_entities,
    write_events,
    write_telemetry,
)
from agentplatform_sandbox import Sandbox
from agentplatform_sandbox.state import DEFAULT_TENANT
from pyspark import TaskContext
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F
from pyspark.sql.types import StringType

ROWS = 100_000
PARTITIONS = 4
FAIL_AT = 1_500  # the row of each partition whose first attempt fails


def events(spark: SparkSession, count: int, partitions: int = PARTITIONS) -> DataFrame:
    return spark.range(count, numPartitions=partitions).select(
        F.concat(F.lit("agent-"), (F.col("id") % 7).cast("string")).alias("agent_id"),
        F.lit("backfill").alias("session_id"),
        F.lit("custom").alias("type"),
        F.create_map(F.lit("n"), F.col("id").cast("string")).alias("attributes"),
    )


def stored(sandbox: Sandbox) -> list[dict[str, Any]]:
    """The events the writes stored (not those of `monitor_job`)."""
    found = [s.data for s in sandbox.state.tenant(DEFAULT_TENANT).events.values()]
    return [event for event in found if event["session_id"] == "backfill"]


def test_100k_rows_with_a_task_failure_in_every_partition_are_stored_exactly_once(
    spark: SparkSession, platform: Sandbox, target: dict[str, Any]
) -> None:
    def fail_once_per_partition(agent, n):  # type: ignore[no-untyped-def]  # a UDF: no hints
        """Raises in the first attempt of each partition, mid-partition (defined here, so
        that it is pickled by value: the executors cannot import this test module)."""
        context = TaskContext.get()
        first = context is not None and context.attemptNumber() == 0
        if first and int(n) % (ROWS // PARTITIONS) == FAIL_AT:
            raise RuntimeError(f"injected failure at row {n}")
        return agent

    udf = F.udf(fail_once_per_partition, StringType())
    flaky = events(spark, ROWS).withColumn(
        "agent_id", udf(F.col("agent_id"), F.col("attributes")["n"])
    )
    with ap.Client(**target) as client, monitor_job("backfill", client=client) as run:
        result = write_events(flaky, job_id="backfill-1", batch_size=1000, **target)
    assert run.attributes["failed_tasks"] == PARTITIONS  # each partition did fail once
    assert run.attributes["spark_jobs"] == 1
    found = stored(platform)
    assert len(found) == ROWS
    numbers = sorted(int(event["attributes"]["n"]) for event in found)
    assert numbers == list(range(ROWS))  # every row, none twice
    assert result.rows == ROWS and result.rejected == 0
    assert result.accepted + result.duplicates == ROWS  # failed attempts' rows: duplicates
    assert result.job_id == "backfill-1"


def test_a_rerun_with_the_same_job_id_stores_nothing_new(
    spark: SparkSession, platform: Sandbox, target: dict[str, Any]
) -> None:
    frame = events(spark, 3_000, partitions=3)
    first = write_events(frame, job_id="daily", **target)
    assert (first.accepted, first.duplicates) == (3_000, 0)
    again = write_events(frame, job_id="daily", batch_size=700, **target)  # other batches
    assert (again.rows, again.accepted, again.duplicates) == (3_000, 0, 3_000)
    other = write_events(frame.limit(10), **target)  # a fresh job id: new rows
    assert other.accepted == 10 and other.job_id != "daily"
    assert len(stored(platform)) == 3_010


def test_rejected_rows_are_counted_and_raise_past_max_rejected(
    spark: SparkSession, platform: Sandbox, target: dict[str, Any]
) -> None:
    frame = events(spark, 20, partitions=2).withColumn(
        "type", F.when(F.col("attributes")["n"].isin("3", "15"), "bogus").otherwise("custom")
    )
    with pytest.raises(WriteRejectedError, match="2 of 20 rows were rejected") as error:
        write_events(frame, job_id="j", **target)
    result = error.value.result
    assert (result.accepted, result.rejected) == (18, 2)
    assert [(e.partition, e.row) for e in result.errors] == [(0, 3), (1, 5)]
    assert isinstance(error.value, ap.AgentPlatformError)
    allowed = write_events(frame, job_id="j", max_rejected=None, **target)
    assert (allowed.duplicates, allowed.rejected) == (18, 2)
    assert len(stored(platform)) == 18


def test_telemetry_rows_become_records_once(
    spark: SparkSession, platform: Sandbox, target: dict[str, Any]
) -> None:
    calls = spark.range(200, numPartitions=2).select(
        F.lit("scorer").alias("model_name"),
        (F.col("id") % 50 + 10).cast("double").alias("latency_ms"),
        F.create_map(F.lit("id"), F.col("id")).alias("input_data"),
    )
    result = write_telemetry(calls, kind="model_call", job_id="t", **target)
    assert (result.accepted, result.rejected) == (200, 0)
    assert write_telemetry(calls, kind="model_call", job_id="t", **target).duplicates == 200
    quality = spark.createDataFrame(
        [("data_quality", "orders", 100, 2), ("data_quality", "users", 50, 0)],
        "kind string, dataset_name string, record_count long, null_count long",
    )
    assert write_telemetry(quality, **target).accepted == 2
    records = platform.state.telemetry_records()
    assert sum(r["kind"] == "model_call" for r in records) == 200
    assert {r["dataset_name"] for r in records if r["kind"] == "data_quality"} == {
        "orders",
        "users",
    }


def test_entities_are_created_once_per_row(
    spark: SparkSession, platform: Sandbox, target: dict[str, Any]
) -> None:
    with ap.Client(**target) as client:
        client.ontology.put_schema(
            entity_types=[{"id": "Person", "properties": {"name": {"type": "string"}}}]
        )
    people = spark.createDataFrame(
        [("Ada", [1.0, 0.0]), ("Grace", None), ("Ada", [1.0, 0.0])],
        "name string, embedding array<double>",
    )
    first = write_entities(people, type="Person", job_id="people", **target)
    assert (first.accepted, first.duplicates) == (3, 0)
    again = write_entities(people, type="Person", job_id="people", **target)
    assert (again.accepted, again.duplicates) == (0, 3)
    entities = platform.state.entities()
    assert sorted(e["properties"]["name"] for e in entities) == ["Ada", "Ada", "Grace"]
    assert sorted(str(e["embedding"]) for e in entities) == ["None", "[1.0, 0.0]", "[1.0, 0.0]"]


def test_frames_and_options_are_checked_before_any_job(
    spark: SparkSession, target: dict[str, Any]
) -> None:
    frame = events(spark, 1)
    with pytest.raises(ap.InvalidParameterError, match="missing: agent_id, session_id"):
        write_events(frame.select("type"), **target)
    with pytest.raises(ap.InvalidParameterError, match="unknown: extra"):
        write_events(frame.withColumn("extra", F.lit(1)), **target)
    with pytest.raises(ap.InvalidParameterError, match="expected a Spark DataFrame"):
        write_events([{"agent_id": "a"}], **target)
    with pytest.raises(ap.InvalidParameterError, match="batch_size"):
        write_events(frame, batch_size=1001, **target)
    with pytest.raises(ap.InvalidParameterError, match="kind"):
        write_telemetry(frame, **target)
    with pytest.raises(ap.InvalidParameterError, match="kind"):
        write_telemetry(frame, kind="log_line", **target)
    with pytest.raises(ap.InvalidParameterError, match="type"):
        write_entities(frame.select("agent_id"), **target)
    with pytest.raises(ap.ConfigurationError):
        write_events(frame, base_url=target["base_url"])  # no API key anywhere
