"""The executor side of the bulk writes: one partition's rows, sent in batches, exactly once.

Spark may run a partition more than once: a task is retried after a failure, and a job
may be run again. An attempt can also be cut short without an error reaching this code
(a UDF failing upstream ends the row iterator early), so an attempt may send a batch
that a later attempt sends longer. Two rules make any number of attempts store each row
once:

- every row has a deterministic id, from the job id, the partition and the row's index
  in it (unless the row brings its own `event_id`), so the service drops a row it has;
- every request's idempotency key is a digest of its content, so a batch sent again
  unchanged replays the first answer, and a different batch never reuses a key (which
  the service would refuse with 409).

Both need the partition to hold the same rows in the same order in every attempt, as
Spark's own retries assume of a deterministic plan.
"""

from __future__ import annotations

import datetime
import decimal
import hashlib
import json
import math
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

import attrs

from ..errors import AgentPlatformError, InvalidParameterError, UnprocessableEntityError
from ..resources.events import agent_event_payload
from ._spark_settings import ClientSettings

MAX_ERRORS = 10
"""Rejected rows described per partition (all of them are counted)."""
_UTC = datetime.UTC


@attrs.frozen
class RowError:
    """A row that was not stored: where it is, and why."""

    partition: int
    row: int
    message: str


@attrs.define
class PartitionResult:
    """What one attempt at a partition did (only successful attempts reach the driver)."""

    partition: int
    rows: int = 0
    accepted: int = 0
    duplicates: int = 0
    rejected: int = 0
    errors: list[RowError] = attrs.field(factory=list)

    def reject(self, row: int, message: str) -> None:
        """Count a rejected row, keeping the first `MAX_ERRORS` messages."""
        self.rejected += 1
        if len(self.errors) < MAX_ERRORS:
            self.errors.append(RowError(self.partition, row, message))


def row_id(job_id: str, kind: str, partition: int, index: int) -> str:
    """The deterministic id of a row: 32 hex digits."""
    return hashlib.sha256(f"{kind}/{job_id}/{partition}/{index}".encode()).hexdigest()[:32]


def content_key(kind: str, job_id: str, lines: Iterable[str]) -> str:
    """An idempotency key that is a digest of the request's content."""
    digest = hashlib.sha256(f"{kind}\n{job_id}\n".encode())
    for line in lines:
        digest.update(line.encode())
        digest.update(b"\n")
    return f"ap-{kind}-{digest.hexdigest()}"


def instant(value: Any) -> datetime.datetime:
    """A timezone-aware datetime from a Spark timestamp (naive local time) or RFC 3339 text."""
    if isinstance(value, str):
        try:
            value = datetime.datetime.fromisoformat(value)
        except ValueError:
            raise InvalidParameterError("timestamp", f"not RFC 3339: {value!r}.") from None
    if not isinstance(value, datetime.datetime):
        raise InvalidParameterError("timestamp", f"expected a timestamp, got {value!r}.")
    return value if value.tzinfo is not None else value.astimezone(_UTC)


def jsonable(name: str, value: Any) -> Any:
    """A Spark value as JSON: maps and structs as objects, arrays as lists, decimals as
    numbers, dates and timestamps as RFC 3339 text. NaN, infinity and bytes are refused."""
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise InvalidParameterError(name, f"{value!r} is not a JSON number.")
        return value
    if isinstance(value, decimal.Decimal):
        return jsonable(name, float(value))
    if isinstance(value, datetime.datetime):
        return instant(value).isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    as_dict = getattr(value, "asDict", None)  # pyspark.sql.Row (a struct)
    if callable(as_dict):
        value = as_dict()
    if isinstance(value, Mapping):
        return {str(k): jsonable(f"{name}.{k}", v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(f"{name}[{i}]", v) for i, v in enumerate(value)]
    raise InvalidParameterError(name, f"{type(value).__name__} values cannot be sent as JSON.")


def _fields(row: Any) -> dict[str, Any]:
    """A row's non-null fields: from its JSON (which Spark writes on the JVM side: twice as
    fast to read as `Row` objects), a `Row` or a mapping."""
    if isinstance(row, str):
        data = json.loads(row)
    else:
        as_dict = getattr(row, "asDict", None)
        data = as_dict() if callable(as_dict) else dict(row)
    if not isinstance(data, dict):
        raise InvalidParameterError("row", "expected a JSON object.")
    return {k: v for k, v in data.items() if v is not None}


def _line(payload: Mapping[str, Any]) -> str:
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), allow_nan=False)


Item = tuple[int, dict[str, Any], str]
"""A row ready to send: its index in the partition, its payload and the payload's JSON."""
Send = Callable[[Any, list[Item], str], tuple[int, int, list[tuple[int, str]]]]
"""`send(client, items, key) -> (accepted, duplicates, [(position, message), ...])`."""


@attrs.frozen
class Writer:
    """How one kind of record is built from a row and sent."""

    kind: str
    build: Callable[[dict[str, Any], str], dict[str, Any]]
    send: Send
    per_row: bool = False  # one request per row (entities), else one per batch


@attrs.frozen
class PartitionWriter:
    """The function each task runs on its partition (`rdd.mapPartitionsWithIndex`)."""

    writer: Writer
    settings: ClientSettings
    job_id: str
    batch_size: int

    def __call__(self, partition: int, rows: Iterable[Any]) -> Iterator[PartitionResult]:
        """Send one partition's rows; yield its `PartitionResult`."""
        writer, job_id = self.writer, self.job_id
        result = PartitionResult(partition)
        with self.settings.client() as client:
            batch: list[Item] = []
            for index, row in enumerate(rows):
                result.rows += 1
                try:
                    payload = writer.build(
                        _fields(row), row_id(job_id, writer.kind, partition, index)
                    )
                    batch.append((index, payload, _line(payload)))
                except (AgentPlatformError, ValueError, TypeError) as exc:
                    result.reject(index, str(exc))
                if len(batch) >= self.batch_size:
                    self._send(client, batch, result)
                    batch = []
            if batch:
                self._send(client, batch, result)
        yield result

    def _send(self, client: Any, batch: list[Item], result: PartitionResult) -> None:
        writer = self.writer
        groups = [[item] for item in batch] if writer.per_row else [batch]
        for group in groups:
            key = content_key(writer.kind, self.job_id, (line for _, _, line in group))
            accepted, duplicates, rejected = writer.send(client, group, key)
            result.accepted += accepted
            result.duplicates += duplicates
            for position, message in rejected:
                result.reject(group[position][0], message)


# --- agent events -----------------------------------------------------------------------

EVENT_COLUMNS = frozenset(
    {"event_id", "agent_id", "session_id", "type", "timestamp", "trace_id", "span_id"}
    | {"attributes"}
)


def build_event(row: dict[str, Any], ident: str) -> dict[str, Any]:
    """A checked agent event from a row (its `event_id` defaults to `ident`)."""
    timestamp = row.get("timestamp")
    attributes = row.get("attributes")
    return agent_event_payload(
        agent_id=row.get("agent_id"),  # type: ignore[arg-type]
        session_id=row.get("session_id"),  # type: ignore[arg-type]
        type=row.get("type"),  # type: ignore[arg-type]
        timestamp=None if timestamp is None else instant(timestamp),
        trace_id=row.get("trace_id"),
        span_id=row.get("span_id"),
        attributes=None if attributes is None else jsonable("attributes", attributes),
        event_id=row.get("event_id", ident),
    )


def send_events(client: Any, items: list[Item], key: str) -> tuple[int, int, list[tuple[int, str]]]:
    """POST /v1/events/batch."""
    from agentplatform_api.api.events import ingest_event_batch
    from agentplatform_api.models import AgentEventBatch

    empty = AgentEventBatch(events=[])
    return _post(client, items, key, endpoint=ingest_event_batch, empty=empty, field="events")


def _post(
    client: Any, items: list[Item], key: str, *, endpoint: Any, empty: Any, field: str
) -> tuple[int, int, list[tuple[int, str]]]:
    """POST a batch whose body is the rows' JSON as it is (checked, encoded once), through
    the client's runner (its retries, hooks and headers)."""
    from .._operation import Call

    body = ",".join(line for _, _, line in items)
    content = f'{{"{field}":[{body}]}}'.encode()
    call: Call[Any] = Call(_RawBatch(endpoint, empty), {"content": content, "key": key}, {})
    return _counts(client.with_raw_response._runner.run(call))


def _counts(raw: Any) -> tuple[int, int, list[tuple[int, str]]]:
    """(accepted, duplicates, rejections) of a batch answer. A replayed answer (the batch
    was sent before, by an earlier attempt or run) stored nothing now: its rows count as
    duplicates."""
    answer = raw.parsed
    rejected = [(r.index, str(r.problem.detail or r.problem.title)) for r in answer.rejected]
    if _replayed(raw):
        return 0, answer.accepted + answer.duplicates, rejected
    return answer.accepted, answer.duplicates, rejected


def _replayed(raw: Any) -> bool:
    return bool(raw.headers.get("idempotent-replayed") == "true")


EVENTS = Writer("events", build_event, send_events)


# --- telemetry records ------------------------------------------------------------------


def telemetry_builder(
    kind: str | None, timestamp: str
) -> Callable[[dict[str, Any], str], dict[str, Any]]:
    """Rows to telemetry records of `kind` (else the row's `kind` column), stamped with
    `timestamp` (the write's start, the same in every attempt) when they have none."""

    def build(row: dict[str, Any], ident: str) -> dict[str, Any]:
        record = {name: jsonable(name, value) for name, value in row.items()}
        record.setdefault("kind", kind)
        record.setdefault("event_id", ident)
        record.setdefault("timestamp", timestamp)
        if not isinstance(record["kind"], str):
            raise InvalidParameterError("kind", "give kind= or a `kind` column.")
        return record

    return build


def send_telemetry(
    client: Any, items: list[Item], key: str
) -> tuple[int, int, list[tuple[int, str]]]:
    """POST /v1/telemetry/batch (each record is checked by the service, by index)."""
    from agentplatform_api.api.telemetry import ingest_telemetry_batch
    from agentplatform_api.models import TelemetryBatch

    empty = TelemetryBatch(records=[])
    return _post(client, items, key, endpoint=ingest_telemetry_batch, empty=empty, field="records")


class _RawBatch:
    """A generated batch endpoint sending a body that is already JSON."""

    def __init__(self, endpoint: Any, empty: Any) -> None:
        self._endpoint = endpoint
        self._empty = empty
        self.__name__ = endpoint.__name__

    def _get_kwargs(self, *, content: bytes, key: str) -> dict[str, Any]:
        kwargs: dict[str, Any] = self._endpoint._get_kwargs(body=self._empty, idempotency_key=key)
        del kwargs["json"]
        kwargs["content"] = content
        return kwargs

    def _parse_response(self, *, client: Any, response: Any) -> Any:
        return self._endpoint._parse_response(client=client, response=response)


# --- entities ---------------------------------------------------------------------------


def entity_builder(type: str | None) -> Callable[[dict[str, Any], str], dict[str, Any]]:
    """Rows to entities of `type` (else the row's `type` column): the `embedding` column is
    the embedding, every other non-null column a property. `ident` keys the request."""

    def build(row: dict[str, Any], ident: str) -> dict[str, Any]:
        properties = dict(row)
        kind = properties.pop("type", None) if type is None else type
        if not isinstance(kind, str):
            raise InvalidParameterError("type", "give type= or a `type` column.")
        embedding = properties.pop("embedding", None)
        entity = {"type": kind, "properties": jsonable("properties", properties), "row": ident}
        if embedding is not None:
            entity["embedding"] = jsonable("embedding", embedding)
        return entity

    return build


def send_entity(client: Any, items: list[Item], key: str) -> tuple[int, int, list[tuple[int, str]]]:
    """POST /v1/entities for one row (the key holds the row id, so equal rows stay two)."""
    ((_, entity, _),) = items
    try:
        raw = client.with_raw_response.entities.create(
            type=entity["type"],
            properties=entity["properties"],
            embedding=entity.get("embedding"),
            idempotency_key=key,
        )
    except (UnprocessableEntityError, InvalidParameterError) as exc:
        return 0, 0, [(0, str(exc))]
    return (0, 1, []) if _replayed(raw) else (1, 0, [])
