"""Apache Spark: monitored jobs, data-quality reports and bulk writes from DataFrames.

```python
from agentplatform.integrations.spark import monitor_job, write_events

@monitor_job(name="nightly-scoring", client=client)   # or: with monitor_job(...) as run:
def score(): ...                                      # task_started, task_completed / error

result = write_events(events_df, job_id="backfill-2026-01")   # key and URL as for Client()
result.accepted, result.duplicates, result.rejected
```

`write_events`, `write_telemetry` and `write_entities` run one task per partition
(`mapPartitionsWithIndex`, like `foreachPartition`) over the rows as Spark writes them in
JSON (`to_json`, on the JVM side: timestamps with their offset, maps and structs as objects,
binary as base64, nulls left out); each task builds its own client from the settings
resolved here on the driver (never a pickled client) and sends its rows in batches.
Every row gets a deterministic id from `job_id`, the partition and its index
(an `event_id` column takes precedence), and every request an idempotency key that is a
digest of its content, so a retried task, or the job run again with the same `job_id`,
never stores a row twice. That holds when each partition has the same rows in the same
order in every attempt: true of reading files or tables and of narrow transformations;
after a shuffle, `sortWithinPartitions` first or bring an `event_id` column. The
service's idempotency keys last a limited time (24 hours in the sandbox); event ids
are kept with the data. Needs the `spark` extra (and classic Spark, not Spark Connect).
"""

from __future__ import annotations

import datetime
import operator
import uuid
from collections.abc import Mapping
from typing import Any

import attrs

from .. import _params
from ..errors import AgentPlatformError, InvalidParameterError
from . import _spark_writer as writers
from ._data_quality import DataQualityReport, log_data_quality
from ._requires import require
from ._spark_jobs import JobMonitor, JobRun, current_run, observe
from ._spark_quality import spark_data_quality
from ._spark_settings import ClientSettings

_functions = require("pyspark.sql.functions", "spark")

__all__ = [
    "DataQualityReport",
    "JobMonitor",
    "JobRun",
    "RowError",
    "WriteRejectedError",
    "WriteResult",
    "current_run",
    "data_quality",
    "log_data_quality",
    "monitor_job",
    "observe",
    "write_entities",
    "write_events",
    "write_telemetry",
]

RowError = writers.RowError
DEFAULT_BATCH_SIZE = 500


def monitor_job(
    name: str,
    *,
    client: Any,
    spark: Any | None = None,
    agent_id: str | None = None,
    session_id: str | None = None,
    attributes: Mapping[str, Any] | None = None,
) -> JobMonitor:
    """Monitor code that runs Spark jobs, as a decorator or a context manager.

    Each run records agent events on `client.events.buffered`: `task_started`, then
    `task_completed` with `duration_ms`, `spark_jobs`, `failed_jobs`, `stages`,
    `failed_tasks`, `rows` (the counts of frames passed through `run.observe(df, label)`
    or `observe(df, label)` on which a DataFrame action ran: `collect`, `count`, a
    write; RDD conversions, such as the bulk writes here, are not observed) and
    `application_id`; or
    `error` with the same and `error_type`, `error_message` when the code raises (the
    exception propagates unchanged). Jobs started from other threads count when those
    threads inherit the job group (`pyspark.InheritableThread`).

    Args:
        name: the job's name (`attributes["job"]`).
        client: an agentplatform `Client`.
        spark: the `SparkSession` (default: the active one when a run starts).
        agent_id: the events' agent (default: `name`).
        session_id: the events' session (default: a fresh id per run).
        attributes: added to every event's attributes.
    """
    from .._client import Client

    if not isinstance(client, Client):
        raise InvalidParameterError(
            "client", f"expected an agentplatform Client, got {type(client).__name__}."
        )
    return JobMonitor(
        _params.text("name", name, max_length=200),
        client=client,
        spark=spark,
        agent_id=None if agent_id is None else _params.text("agent_id", agent_id),
        session_id=None if session_id is None else _params.text("session_id", session_id),
        attributes=_params.mapping("attributes", attributes or {}),
    )


def data_quality(df: Any, *, dataset_name: str, reference: Any | None = None) -> DataQualityReport:
    """Count the rows, null cells (per column and in all) and duplicate rows of a Spark
    DataFrame, and measure numeric drift against `reference`, in one aggregation on the
    cluster (no row is collected); log it with `log_data_quality(report, telemetry=...)`."""
    return spark_data_quality(df, dataset_name=dataset_name, reference=reference)


@attrs.frozen
class WriteResult:
    """What a bulk write stored.

    Attributes:
        job_id: the job id the row ids were made from (pass it again to re-run safely).
        rows: rows read from the DataFrame.
        accepted: rows the service stored now.
        duplicates: rows it already had (sent by an earlier attempt or run).
        rejected: rows refused, by this SDK's checks or by the service.
        errors: the first rejections (up to 10 per partition), with partition and index.
    """

    job_id: str
    rows: int
    accepted: int
    duplicates: int
    rejected: int
    errors: tuple[writers.RowError, ...]


class WriteRejectedError(AgentPlatformError):
    """More rows were rejected than `max_rejected` allows; the others were written.

    Attributes:
        result: the `WriteResult`.
    """

    def __init__(self, result: WriteResult) -> None:
        first = "; ".join(
            f"partition {e.partition} row {e.row}: {e.message}" for e in result.errors[:3]
        )
        super().__init__(
            f"{result.rejected} of {result.rows} rows were rejected (job_id "
            f"{result.job_id!r}); first: {first}"
        )
        self.result = result


def write_events(
    df: Any,
    *,
    api_key: str | None = None,
    base_url: str | None = None,
    job_id: str | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    max_rejected: int | None = 0,
    **client_options: Any,
) -> WriteResult:
    """Store each row of `df` as an agent event (`POST /v1/events/batch`).

    Columns: `agent_id`, `session_id`, `type` (required), `event_id`, `timestamp`,
    `trace_id`, `span_id`, `attributes` (a map or struct); no others.

    Args:
        df: a Spark DataFrame.
        api_key, base_url, client_options: as for `agentplatform.Client`, resolved here.
        job_id: names the write; the same id on a re-run stores nothing twice (default:
            a fresh one, so only task retries are deduplicated).
        batch_size: rows per request (1..1000).
        max_rejected: raise `WriteRejectedError` after the write when more rows than
            this were rejected (None: never).
    """
    columns = set(_columns(df))
    missing = {"agent_id", "session_id", "type"} - columns
    unknown = columns - writers.EVENT_COLUMNS
    if missing or unknown:
        raise InvalidParameterError(
            "df",
            f"agent events need the columns agent_id, session_id and type, and may have "
            f"{', '.join(sorted(writers.EVENT_COLUMNS - {'agent_id', 'session_id', 'type'}))}; "
            f"missing: {', '.join(sorted(missing)) or 'none'}, "
            f"unknown: {', '.join(sorted(unknown)) or 'none'}.",
        )
    return _write(
        df,
        writers.EVENTS,
        settings=ClientSettings.resolve(api_key, base_url, client_options),
        job_id=job_id,
        batch_size=batch_size,
        max_rejected=max_rejected,
    )


def write_telemetry(
    df: Any,
    *,
    kind: str | None = None,
    api_key: str | None = None,
    base_url: str | None = None,
    job_id: str | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    max_rejected: int | None = 0,
    **client_options: Any,
) -> WriteResult:
    """Store each row of `df` as a telemetry record (`POST /v1/telemetry/batch`).

    Columns are the record's fields (`model_name`, `latency_ms`, `input_data`, ... for
    `model_call`; `dataset_name`, `record_count`, ... for `data_quality`; `model`,
    `prompt`, ... for `llm_event`), with `kind` as an argument or a column. A record
    without `timestamp` is stamped with the time the write started; the service checks
    every record and rejects bad ones by index. Other arguments as for `write_events`.
    """
    if kind is None and "kind" not in _columns(df):
        raise InvalidParameterError("kind", "give kind= or a `kind` column.")
    if kind is not None:
        _params.choices("kind", kind, ("llm_event", "model_call", "data_quality"))
    started = datetime.datetime.now(datetime.UTC).isoformat()
    writer = writers.Writer(
        "telemetry", writers.telemetry_builder(kind, started), writers.send_telemetry
    )
    return _write(
        df,
        writer,
        settings=ClientSettings.resolve(api_key, base_url, client_options),
        job_id=job_id,
        batch_size=batch_size,
        max_rejected=max_rejected,
    )


def write_entities(
    df: Any,
    *,
    type: str | None = None,
    api_key: str | None = None,
    base_url: str | None = None,
    job_id: str | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    max_rejected: int | None = 0,
    **client_options: Any,
) -> WriteResult:
    """Create an entity of `type` (else of the row's `type` column) per row of `df`.

    Every non-null column is a property, except `embedding` (an array of numbers). The
    API creates one entity per request, so each row is one `POST /v1/entities` whose
    idempotency key is made from `job_id`, the row's place and content: a retried or
    re-run task replays the answer instead of creating the entity again (within the
    service's idempotency window). Rows the ontology refuses are rejected. Other
    arguments as for `write_events`.
    """
    if type is None and "type" not in _columns(df):
        raise InvalidParameterError("type", "give type= or a `type` column.")
    if type is not None:
        _params.text("type", type)
    writer = writers.Writer(
        "entities", writers.entity_builder(type), writers.send_entity, per_row=True
    )
    return _write(
        df,
        writer,
        settings=ClientSettings.resolve(api_key, base_url, client_options),
        job_id=job_id,
        batch_size=batch_size,
        max_rejected=max_rejected,
    )


def _columns(df: Any) -> list[str]:
    columns = getattr(df, "columns", None)
    if not isinstance(columns, list) or not hasattr(df, "select"):
        raise InvalidParameterError("df", f"expected a Spark DataFrame, got {type(df).__name__}.")
    return columns


def _write(
    df: Any,
    writer: writers.Writer,
    *,
    settings: ClientSettings,
    job_id: str | None,
    batch_size: int,
    max_rejected: int | None,
) -> WriteResult:
    job = uuid.uuid4().hex if job_id is None else _params.text("job_id", job_id, max_length=200)
    size = _params.integer("batch_size", batch_size, minimum=1, maximum=1000)
    if max_rejected is not None:
        _params.integer("max_rejected", max_rejected, minimum=0)
    as_json = df.select(_functions.to_json(_functions.struct("*")))  # written by the JVM
    try:
        rows = as_json.rdd.map(operator.itemgetter(0))
    except Exception as exc:  # Spark Connect frames have no RDD
        raise InvalidParameterError(
            "df", f"bulk writes need classic Spark, not Spark Connect: {exc}"
        ) from None
    task = writers.PartitionWriter(writer, settings, job, size)
    parts = rows.mapPartitionsWithIndex(task).collect()
    result = WriteResult(
        job_id=job,
        rows=sum(p.rows for p in parts),
        accepted=sum(p.accepted for p in parts),
        duplicates=sum(p.duplicates for p in parts),
        rejected=sum(p.rejected for p in parts),
        errors=tuple(e for p in sorted(parts, key=lambda p: p.partition) for e in p.errors),
    )
    if max_rejected is not None and result.rejected > max_rejected:
        raise WriteRejectedError(result)
    return result
