"""Agent events: single and batch ingestion, duplicates, per-index rejections, filters."""

from __future__ import annotations

from typing import Any

import httpx

from .helpers import assert_problem, fields

TRACEPARENT = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"


def event(**overrides: Any) -> dict[str, Any]:
    body = {"agent_id": "planner", "session_id": "s1", "type": "tool_call"}
    body.update(overrides)
    return body


def test_single_event_defaults_and_trace_from_traceparent(client: httpx.Client) -> None:
    response = client.post("/v1/events", json=event(), headers={"traceparent": TRACEPARENT})
    assert response.status_code == 201
    stored = response.json()
    assert stored["id"].startswith("evt_")
    assert stored["timestamp"] == stored["received_at"]
    assert stored["trace_id"] == "0af7651916cd43dd8448eb211c80319c"
    assert stored["span_id"] == "b7ad6b7169203331"
    assert stored["attributes"] == {}


def test_repeated_event_id_returns_the_stored_event(client: httpx.Client) -> None:
    first = client.post("/v1/events", json=event(event_id="e1", attributes={"n": 1})).json()
    second = client.post("/v1/events", json=event(event_id="e1", attributes={"n": 2}))
    assert second.status_code == 201
    assert second.json() == first
    assert len(client.get("/v1/events").json()["data"]) == 1


def test_batch_accepts_rejects_by_index_and_counts_duplicates(client: httpx.Client) -> None:
    client.post("/v1/events", json=event(event_id="known")).raise_for_status()
    batch = [
        event(event_id="known"),
        event(type="not-a-type"),
        event(event_id="new"),
        {"agent_id": "x"},
        event(event_id="new"),
        event(trace_id="XYZ"),
    ]
    response = client.post("/v1/events/batch", json={"events": batch})
    assert response.status_code == 202
    result = response.json()
    assert result["accepted"] == 1
    assert result["duplicates"] == 2
    rejected = {item["index"]: item["problem"] for item in result["rejected"]}
    assert sorted(rejected) == [1, 3, 5]
    assert rejected[1]["status"] == 422
    assert fields(rejected[1]) == {
        "type": "must be one of: llm_call, tool_call, task_started, task_completed, error, custom"
    }
    assert fields(rejected[3]) == {"session_id": "is required", "type": "is required"}
    assert list(fields(rejected[5])) == ["trace_id"]


def test_batch_over_1000_is_413(client: httpx.Client) -> None:
    response = client.post("/v1/events/batch", json={"events": [event()] * 1001})
    assert fields(assert_problem(response, 413, "batch_too_large")) == {
        "events": "must have at most 1000 items"
    }


def test_empty_batch_is_422(client: httpx.Client) -> None:
    assert fields(assert_problem(client.post("/v1/events/batch", json={"events": []}), 422)) == {
        "events": "must have at least 1 items"
    }


def test_listing_filters_and_orders_by_timestamp(client: httpx.Client) -> None:
    batch = [
        event(event_id="late", timestamp="2026-01-03T00:00:00Z"),
        event(event_id="early", timestamp="2026-01-01T00:00:00+02:00", session_id="s2"),
        event(event_id="mid", timestamp="2026-01-02T00:00:00Z", type="error", agent_id="critic"),
    ]
    client.post("/v1/events/batch", json={"events": batch}).raise_for_status()

    def ids(**params: str) -> list[str]:
        return [e["id"] for e in client.get("/v1/events", params=params).json()["data"]]

    assert ids() == ["early", "mid", "late"]
    assert ids(agent_id="critic") == ["mid"]
    assert ids(session_id="s2") == ["early"]
    assert ids(type="tool_call") == ["early", "late"]
    assert ids(since="2026-01-02T00:00:00Z") == ["mid", "late"]
    page = client.get("/v1/events", params={"limit": 2}).json()
    rest = client.get("/v1/events", params={"limit": 2, "cursor": page["next_cursor"]}).json()
    assert [e["id"] for e in page["data"] + rest["data"]] == ["early", "mid", "late"]
    assert_problem(client.get("/v1/events", params={"since": "yesterday"}), 400)
