"""Research jobs move queued -> running -> succeeded over time and notify webhooks."""

from __future__ import annotations

import httpx
from agentplatform_sandbox import ManualClock, Sandbox
from pytest_httpserver import HTTPServer

from .helpers import assert_problem


def test_progression_on_an_injected_clock() -> None:
    clock = ManualClock(start=1_767_225_600.0)
    with Sandbox(clock=clock, research_step_s=2.0, validate_responses=True) as server:
        http = server.client()
        job = http.post("/v1/research", json={"query": "graph memory for agents", "depth": 2})
        assert job.status_code == 202
        created = job.json()
        assert (created["status"], created["progress"], created["result"]) == ("queued", 0.0, None)

        def get() -> dict[str, object]:
            body: dict[str, object] = http.get(f"/v1/research/{created['id']}").json()
            return body

        seen = []
        for _ in range(5):
            clock.advance(2.0)
            current = get()
            seen.append((current["status"], current["progress"]))
        assert seen == [
            ("running", 0.25),
            ("running", 0.5),
            ("running", 0.75),
            ("succeeded", 1.0),
            ("succeeded", 1.0),
        ]
        result = get()["result"]
        assert isinstance(result, dict)
        assert "graph memory for agents" in result["summary"]
        assert result["sources"][0]["url"].startswith("https://agentplatform.dev/knowledge/")
        assert get()["updated_at"] == "2026-01-01T00:00:08.000Z"
        assert_problem(http.get("/v1/research/job_nope"), 404)
        http.close()


def test_real_time_job_succeeds_and_webhook_fires(
    client: httpx.Client, sandbox: Sandbox, httpserver: HTTPServer
) -> None:
    httpserver.expect_request("/research").respond_with_data("")
    client.post(
        "/v1/webhooks",
        json={"url": httpserver.url_for("/research"), "events": ["research.completed"]},
    ).raise_for_status()
    job = client.post("/v1/research", json={"query": "idempotency", "depth": 1}).json()
    (delivery,) = sandbox.state.wait_for_deliveries(1, event_type="research.completed")
    assert delivery.payload["data"]["id"] == job["id"]
    assert delivery.payload["data"]["status"] == "succeeded"
    assert client.get(f"/v1/research/{job['id']}").json()["status"] == "succeeded"


def test_fail_trigger_ends_failed_with_a_problem(client: httpx.Client, sandbox: Sandbox) -> None:
    client.post(
        "/v1/webhooks", json={"url": "http://127.0.0.1:9/x", "events": ["research.completed"]}
    ).raise_for_status()
    job = client.post("/v1/research", json={"query": "please !fail", "depth": 1}).json()
    (delivery,) = sandbox.state.wait_for_deliveries(
        1, event_type="research.completed", status="failed"
    )
    data = delivery.payload["data"]
    assert data["status"] == "failed"
    assert data["error"]["code"] == "research_failed"
    assert data["result"] is None
    assert client.get(f"/v1/research/{job['id']}").json()["status"] == "failed"


def test_zero_step_time_finishes_at_once() -> None:
    with Sandbox(research_step_s=0) as server, server.client() as http:
        job = http.post("/v1/research", json={"query": "q"}).json()
        assert job["status"] == "succeeded"
