"""The executor side of the Spark bulk writes, run here on plain rows (no Spark needed):
attempts cut short, retried or repeated store every row once."""

from __future__ import annotations

import datetime
import decimal
import pickle
import threading
from typing import Any

import agentplatform as ap
import pytest
from agentplatform.integrations import _spark_writer as writers
from agentplatform.integrations._spark_settings import ClientSettings
from agentplatform_sandbox import Sandbox
from agentplatform_sandbox.state import DEFAULT_TENANT

STARTED = "2026-01-01T00:00:00+00:00"


def settings(sandbox: Sandbox, **options: Any) -> ClientSettings:
    return ClientSettings.resolve(sandbox.api_key, sandbox.url, options)


def event_rows(count: int, start: int = 0) -> list[dict[str, Any]]:
    return [
        {"agent_id": "a", "session_id": "s", "type": "custom", "attributes": {"n": str(n)}}
        for n in range(start, start + count)
    ]


def run(task: writers.PartitionWriter, partition: int, rows: Any) -> writers.PartitionResult:
    (result,) = list(task(partition, rows))
    return result


def stored_events(sandbox: Sandbox) -> list[dict[str, Any]]:
    return [s.data for s in sandbox.state.tenant(DEFAULT_TENANT).events.values()]


def test_a_truncated_attempt_then_a_full_one_store_each_row_once(sandbox: Sandbox) -> None:
    task = writers.PartitionWriter(writers.EVENTS, settings(sandbox), "job-1", 40)
    rows = event_rows(100)
    first = run(task, 3, iter(rows[:57]))  # the iterator ended early: a short last batch
    assert (first.rows, first.accepted, first.duplicates) == (57, 57, 0)
    retry = run(task, 3, iter(rows))  # same partition, all rows: no 409, no second copy
    assert (retry.rows, retry.accepted, retry.duplicates, retry.rejected) == (100, 43, 57, 0)
    again = run(task, 3, iter(rows))  # unchanged batches replay their first answers
    assert again.accepted == 0 and again.duplicates == 100
    events = stored_events(sandbox)
    assert len(events) == 100
    assert sorted(int(e["attributes"]["n"]) for e in events) == list(range(100))
    ids = {e["id"] for e in events}
    assert writers.row_id("job-1", "events", 3, 0) in ids and len(ids) == 100


def test_other_partitions_and_jobs_get_other_ids(sandbox: Sandbox) -> None:
    rows = event_rows(5)
    for partition, job in [(0, "job-1"), (1, "job-1"), (0, "job-2")]:
        task = writers.PartitionWriter(writers.EVENTS, settings(sandbox), job, 10)
        assert run(task, partition, iter(rows)).accepted == 5
    assert len(stored_events(sandbox)) == 15


def test_an_event_id_column_wins_and_bad_rows_are_rejected_by_index(sandbox: Sandbox) -> None:
    rows = [
        {"agent_id": "a", "session_id": "s", "type": "custom", "event_id": "mine-1"},
        {"agent_id": None, "session_id": "s", "type": "custom"},
        {"agent_id": "a", "session_id": "s", "type": "not-a-type"},
        {"agent_id": "a", "session_id": "s", "type": "custom", "attributes": {"x": float("nan")}},
        {"agent_id": "a", "session_id": "s", "type": "custom", "timestamp": "yesterday"},
        {"agent_id": "a", "session_id": "s", "type": "custom", "span_id": "short"},
    ]
    task = writers.PartitionWriter(writers.EVENTS, settings(sandbox), "job", 10)
    result = run(task, 0, iter(rows))
    assert (result.accepted, result.rejected) == (1, 5)
    assert [e.row for e in result.errors] == [1, 2, 3, 4, 5]
    assert "agent_id" in result.errors[0].message and "type" in result.errors[1].message
    assert [e["id"] for e in stored_events(sandbox)] == ["mine-1"]


def test_only_the_first_errors_are_described_but_all_are_counted(sandbox: Sandbox) -> None:
    task = writers.PartitionWriter(writers.EVENTS, settings(sandbox), "job", 10)
    result = run(task, 0, iter([{"agent_id": None}] * 25))
    assert result.rejected == 25 and len(result.errors) == writers.MAX_ERRORS


def test_telemetry_rows_get_ids_a_stable_timestamp_and_the_services_checks(
    sandbox: Sandbox,
) -> None:
    rows = [
        {"model_name": "scorer", "latency_ms": 12.5, "input_data": {"x": 1}},
        {"model_name": "scorer", "latency_ms": decimal.Decimal("3.25")},
        {"model_name": "scorer"},  # no latency_ms: the service rejects it
    ]
    build = writers.telemetry_builder("model_call", STARTED)
    writer = writers.Writer("telemetry", build, writers.send_telemetry)
    task = writers.PartitionWriter(writer, settings(sandbox), "job", 10)
    result = run(task, 0, iter(rows))
    assert (result.accepted, result.rejected) == (2, 1)
    assert result.errors[0].row == 2 and "latency_ms" in result.errors[0].message
    records = sandbox.state.telemetry_records()
    assert [r["latency_ms"] for r in records] == [12.5, 3.25]
    assert {r["timestamp"] for r in records} == {STARTED}
    assert run(task, 0, iter(rows)).duplicates == 2
    no_kind = writers.PartitionWriter(
        writers.Writer(
            "telemetry", writers.telemetry_builder(None, STARTED), writers.send_telemetry
        ),
        settings(sandbox),
        "job",
        10,
    )
    assert "kind" in run(no_kind, 0, iter(rows[:1])).errors[0].message


def test_entities_are_created_once_per_row_even_when_rows_are_equal(
    sandbox: Sandbox, client: ap.Client
) -> None:
    client.ontology.put_schema(
        entity_types=[{"id": "Person", "properties": {"name": {"type": "string"}}}]
    )
    rows = [
        {"name": "Ada", "embedding": [1.0, 0.0]},
        {"name": "Ada", "embedding": [1.0, 0.0]},
        {"name": 42},  # the ontology says string
    ]
    writer = writers.Writer(
        "entities", writers.entity_builder("Person"), writers.send_entity, per_row=True
    )
    task = writers.PartitionWriter(writer, settings(sandbox), "job", 10)
    first = run(task, 0, iter(rows))
    assert (first.accepted, first.duplicates, first.rejected) == (2, 0, 1)
    again = run(task, 0, iter(rows))
    assert (again.accepted, again.duplicates, again.rejected) == (0, 2, 1)
    entities = sandbox.state.entities()
    assert [(e["properties"], e["embedding"]) for e in entities] == [
        ({"name": "Ada"}, [1.0, 0.0]),
        ({"name": "Ada"}, [1.0, 0.0]),
    ]
    by_column = writers.entity_builder(None)
    assert by_column({"type": "Person", "name": "x"}, "id")["type"] == "Person"
    with pytest.raises(ap.InvalidParameterError, match="type"):
        by_column({"name": "x"}, "id")


def test_spark_values_become_json() -> None:
    class Row:  # what pyspark.sql.Row offers
        def asDict(self) -> dict[str, Any]:
            return {"inner": decimal.Decimal("1.5")}

    naive = datetime.datetime(2026, 1, 2, 3, 4, 5)
    value = {
        "when": naive,
        "day": datetime.date(2026, 1, 2),
        "struct": Row(),
        "list": (1, "a", None, True),
    }
    converted = writers.jsonable("attributes", value)
    assert converted["when"] == naive.astimezone(datetime.UTC).isoformat()
    assert converted["day"] == "2026-01-02" and converted["struct"] == {"inner": 1.5}
    assert converted["list"] == [1, "a", None, True]
    with pytest.raises(ap.InvalidParameterError, match=r"attributes\.b: bytes values"):
        writers.jsonable("attributes", {"b": b"raw"})
    with pytest.raises(ap.InvalidParameterError, match=r"attributes\[0\]"):
        writers.jsonable("attributes", [float("inf")])
    aware = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
    assert writers.instant("2026-01-01T00:00:00Z") == aware
    with pytest.raises(ap.InvalidParameterError, match="expected a timestamp"):
        writers.instant(5)


def test_keys_depend_on_content_and_ids_on_place() -> None:
    assert writers.content_key("events", "j", ["a", "b"]) != writers.content_key(
        "events", "j", ["a"]
    )
    assert writers.content_key("events", "j", ["a"]) == writers.content_key("events", "j", ["a"])
    assert writers.content_key("events", "j", ["a"]) != writers.content_key("events", "k", ["a"])
    assert len(writers.content_key("events", "j", ["a"])) < 255
    assert writers.row_id("j", "events", 0, 1) != writers.row_id("j", "events", 1, 0)
    assert len(writers.row_id("j", "events", 0, 1)) == 32


def test_settings_are_resolved_on_the_driver_and_hide_the_key(
    sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AGENTPLATFORM_API_KEY", sandbox.api_key)
    monkeypatch.setenv("AGENTPLATFORM_BASE_URL", sandbox.url)
    resolved = ClientSettings.resolve(None, None, {"timeout": 5.0})
    monkeypatch.delenv("AGENTPLATFORM_API_KEY")  # an executor may have no environment
    copy = pickle.loads(pickle.dumps(resolved))
    assert copy.options["api_key"] == sandbox.api_key and copy.options["timeout"] == 5.0
    assert sandbox.api_key not in repr(copy) and sandbox.url in repr(copy)
    with copy.client() as made:
        assert made.health().status == "ok"


def test_settings_that_cannot_reach_executors_are_refused(sandbox: Sandbox) -> None:
    with pytest.raises(ap.InvalidParameterError, match="http_client"):
        ClientSettings.resolve(sandbox.api_key, sandbox.url, {"http_client": object()})
    with pytest.raises(ap.InvalidParameterError, match="telemetry"):
        ClientSettings.resolve(sandbox.api_key, sandbox.url, {"telemetry": None})
    with pytest.raises(ap.InvalidParameterError, match="before_request: must be picklable"):
        ClientSettings.resolve(
            sandbox.api_key, sandbox.url, {"before_request": lambda r: threading.Lock()}
        )
    with pytest.raises(ap.ConfigurationError):
        ClientSettings.resolve(None, sandbox.url, {})
