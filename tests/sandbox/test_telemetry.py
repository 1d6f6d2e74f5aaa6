"""Telemetry: gzip bodies, dedup by event_id, per-index rejections, anomaly detection."""

from __future__ import annotations

import gzip
import json
from typing import Any

import httpx
from agentplatform_sandbox import Sandbox

from .helpers import assert_problem, fields


def llm(event_id: str, latency_ms: float, **extra: Any) -> dict[str, Any]:
    record = {
        "kind": "llm_event",
        "event_id": event_id,
        "timestamp": "2026-01-01T00:00:00Z",
        "service_name": "support-bot",
        "model": "gpt-4o-mini",
        "latency_ms": latency_ms,
        "cost_usd": 0.001,
    }
    record.update(extra)
    return record


def send(client: httpx.Client, records: list[Any], *, gzipped: bool = False) -> dict[str, Any]:
    body = json.dumps({"records": records}).encode()
    headers = {"Content-Type": "application/json"}
    if gzipped:
        body = gzip.compress(body)
        headers["Content-Encoding"] = "gzip"
    response = client.post("/v1/telemetry/batch", content=body, headers=headers)
    assert response.status_code == 202, response.text
    result: dict[str, Any] = response.json()
    return result


def test_gzip_dedup_and_rejections(client: httpx.Client, sandbox: Sandbox) -> None:
    records = [
        llm("e1", 100),
        {
            "kind": "model_call",
            "event_id": "m1",
            "timestamp": "2026-01-01T00:00:00Z",
            "model_name": "ranker",
            "latency_ms": 5,
        },
        {
            "kind": "data_quality",
            "event_id": "d1",
            "timestamp": "2026-01-01T00:00:00Z",
            "dataset_name": "orders",
            "record_count": 10,
            "null_count": 1,
            "anomaly_score": 0.1,
        },
        llm("bad", -1),
        {"kind": "mystery", "event_id": "x"},
        "not an object",
        {"event_id": "no-kind"},
        {"kind": ["llm_event"], "event_id": "list-kind"},
        llm("e1", 100),
    ]
    result = send(client, records, gzipped=True)
    assert result["accepted"] == 3
    assert result["duplicates"] == 1
    rejected = {item["index"]: item["problem"] for item in result["rejected"]}
    assert sorted(rejected) == [3, 4, 5, 6, 7]
    assert fields(rejected[3]) == {"latency_ms": "must be >= 0"}
    assert fields(rejected[4]) == {"kind": "must be one of: llm_event, model_call, data_quality"}
    assert fields(rejected[5]) == {"record": "must be an object"}
    assert fields(rejected[6]) == {"kind": "is required"}
    assert list(fields(rejected[7])) == ["kind"]
    assert all(p["status"] == 422 and p["code"] == "validation_failed" for p in rejected.values())

    again = send(client, [llm("e1", 100), llm("e2", 100)])
    assert (again["accepted"], again["duplicates"]) == (1, 1)
    assert sandbox.state.telemetry_event_ids() == ["e1", "m1", "d1", "e2"]
    assert sandbox.state.telemetry_records()[1]["model_name"] == "ranker"


def test_invalid_gzip_and_oversized_batch(client: httpx.Client) -> None:
    broken = client.post(
        "/v1/telemetry/batch",
        content=b"not gzip",
        headers={"Content-Encoding": "gzip", "Content-Type": "application/json"},
    )
    assert_problem(broken, 400, "invalid_gzip")
    truncated = client.post(
        "/v1/telemetry/batch",
        content=gzip.compress(b'{"records": []}')[:-8],
        headers={"Content-Encoding": "gzip", "Content-Type": "application/json"},
    )
    assert_problem(truncated, 400, "invalid_gzip")
    other = client.post("/v1/telemetry/batch", content=b"{}", headers={"Content-Encoding": "br"})
    assert_problem(other, 400, "unsupported_encoding")
    big = client.post("/v1/telemetry/batch", json={"records": [llm("x", 1)] * 1001})
    assert_problem(big, 413, "batch_too_large")


def test_latency_spike_is_an_anomaly_with_a_webhook(client: httpx.Client, sandbox: Sandbox) -> None:
    baseline = [llm(f"b{n}", 100 + (n % 3), cost_usd=0.001) for n in range(8)]
    send(client, baseline)
    assert client.get("/v1/anomalies").json()["data"] == []
    hook = client.post(
        "/v1/webhooks", json={"url": "http://127.0.0.1:9/never", "events": ["anomaly.detected"]}
    )
    assert hook.status_code == 201
    send(client, [llm("spike", 5000, cost_usd=0.001)])

    anomalies = client.get("/v1/anomalies").json()["data"]
    assert len(anomalies) == 1
    anomaly = anomalies[0]
    assert anomaly["anomaly_type"] == "latency_spike"
    assert anomaly["detection_method"] == "zscore"
    assert anomaly["severity"] == "critical"
    assert anomaly["metric"] == "latency_ms"
    assert anomaly["service_name"] == "support-bot"
    assert anomaly["event_id"] == "spike"
    assert anomaly["observed_value"] == 5000
    assert anomaly["score"] > 3
    assert client.get(f"/v1/anomalies/{anomaly['id']}").json() == anomaly
    assert_problem(client.get("/v1/anomalies/anom_nope"), 404)
    queued = sandbox.state.webhook_deliveries(event_type="anomaly.detected")
    assert len(queued) == 1
    assert queued[0].payload["data"]["id"] == anomaly["id"]


def test_cost_and_data_quality_anomalies_and_filters(
    client: httpx.Client, sandbox: Sandbox
) -> None:
    send(client, [llm(f"b{n}", 100, cost_usd=0.01 + n * 0.0001) for n in range(10)])
    send(client, [llm("pricey", 100, cost_usd=0.02)])
    send(
        client,
        [
            {
                "kind": "data_quality",
                "event_id": "dq",
                "timestamp": "2026-01-01T00:00:00Z",
                "dataset_name": "orders",
                "record_count": 10,
                "anomaly_score": 0.97,
            },
            {
                "kind": "data_quality",
                "event_id": "dq2",
                "timestamp": "2026-01-01T00:00:00Z",
                "service_name": "etl",
                "dataset_name": "users",
                "record_count": 1,
                "anomaly_score": 0.85,
            },
        ],
    )
    listed = client.get("/v1/anomalies").json()["data"]
    assert [a["anomaly_type"] for a in listed] == ["data_quality", "data_quality", "cost_spike"]
    assert [a["severity"] for a in listed[:2]] == ["medium", "critical"]
    assert listed[1]["service_name"] == "orders"
    assert listed[1]["detection_method"] == "threshold"

    def types(**params: str) -> list[str]:
        return [a["event_id"] for a in client.get("/v1/anomalies", params=params).json()["data"]]

    assert types(anomaly_type="cost_spike") == ["pricey"]
    assert types(severity="critical") == ["dq", "pricey"]
    assert types(severity="medium") == ["dq2"]
    assert types(service_name="etl") == ["dq2"]
    assert types(since="2000-01-01T00:00:00Z") == ["dq2", "dq", "pricey"]
    assert types(since="2999-01-01T00:00:00Z") == []
    assert len(sandbox.state.anomalies()) == 3


def test_separate_series_per_service_and_model(client: httpx.Client) -> None:
    send(client, [llm(f"a{n}", 100) for n in range(8)])
    send(client, [llm("other-model", 5000, model="big-model")])
    assert client.get("/v1/anomalies").json()["data"] == []
