"""`Sandbox(data_dir=...)`: a restart serves every kind of object again, read through the SDK."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from agentplatform import Client, errors, webhooks
from agentplatform_sandbox import OTHER_API_KEY, ManualClock, Sandbox, SandboxState
from agentplatform_sandbox.idempotency import RETENTION_S
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from .helpers import ONTOLOGY

FAST = {"research_step_s": 0.01, "webhook_retry_delays_s": (0.05,), "validate_responses": True}


def telemetry(event_id: str, latency_ms: float) -> dict[str, Any]:
    return {
        "kind": "llm_event",
        "event_id": event_id,
        "timestamp": "2026-01-01T00:00:00Z",
        "service_name": "bot",
        "model": "gpt-x",
        "latency_ms": latency_ms,
        "prompt_tokens": 10,
        "completion_tokens": 5,
        "cost_usd": 0.001,
    }


def ingest(sandbox: Sandbox, records: list[dict[str, Any]]) -> dict[str, Any]:
    with sandbox.client() as http:
        response = http.post("/v1/telemetry/batch", json={"records": records})
    assert response.status_code == 202, response.text
    body: dict[str, Any] = response.json()
    return body


def wait_until(check: Any, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def populate(sandbox: Sandbox, hook_url: str) -> dict[str, Any]:
    """One object of every kind (and a few changes to them); what to look for afterwards."""
    with Client(base_url=sandbox.url, api_key=sandbox.api_key) as client:
        ontology = client.ontology.put_schema(**ONTOLOGY)
        hook = client.webhooks.create(url=hook_url, events=["entity.deleted", "anomaly.detected"])
        ada = client.entities.create(type="Person", properties={"name": "Ada"})
        acme = client.entities.create(type="Company", properties={"name": "Acme"})
        gone = client.entities.create(type="Person", properties={"name": "Bob"})
        client.entities.update(ada.id, properties={"age": 36})
        client.entities.delete(gone.id)
        relation = client.relations.create(
            type="WORKS_AT", from_entity_id=ada.id, to_entity_id=acme.id
        )
        for index in range(3):
            client.events.ingest(
                agent_id="a", session_id="s", type="tool_call", event_id=f"e{index}"
            )
        memory = client.memory.store(user_id="u1", key="lang", value="Python")
        doomed = client.memory.store(user_id="u1", key="editor", value="vi")
        client.memory.delete(doomed.id)
        job = client.research.create("retries", depth=1)
        chat = client.chat.create("Hello", user_id="u1", use_memory=True)
        key = client.api_keys.create(name="ci")
        revoked = client.api_keys.create(name="old")
        client.api_keys.delete(revoked.id)
        replayed = client.entities.create(
            type="Company", properties={"name": "Once"}, idempotency_key="idem-1"
        )
    ingest(sandbox, [telemetry(f"t{index}", 100 + index % 3) for index in range(12)])
    ingest(sandbox, [telemetry("spike", 5000)])
    with Client(base_url=sandbox.url, api_key=sandbox.api_key) as client:
        wait_until(lambda: client.research.get(job.id).status == "succeeded")
    sandbox.state.wait_for_deliveries(2)
    return {
        "ontology_version": ontology.version,
        "hook": hook,
        "entities": [ada.id, acme.id, replayed.id],
        "relation": relation.id,
        "memory": memory.id,
        "job": job.id,
        "conversation": chat.conversation_id,
        "key": key,
        "revoked": revoked.secret,
        "replayed": replayed.id,
    }


def snapshot(sandbox: Sandbox) -> dict[str, Any]:
    """Everything the SDK (and the state, for what the API does not list) shows."""
    state = sandbox.state
    with Client(base_url=sandbox.url, api_key=sandbox.api_key) as client:
        return {
            "schema": client.ontology.get_schema().to_dict(),
            "entities": [e.to_dict() for e in client.entities.list()],
            "relations": [r.to_dict() for r in client.relations.list()],
            "events": [e.to_dict() for e in client.events.list()],
            "anomalies": [a.to_dict() for a in client.anomalies.list()],
            "memories": [m.to_dict() for m in client.memory.list()],
            "webhooks": [w.to_dict() for w in client.webhooks.list()],
            "api_keys": [k.to_dict() for k in client.api_keys.list()],
            "telemetry": state.telemetry_records(),
            "deliveries": [
                (d.id, d.webhook_id, d.event_type, d.body, d.status, d.attempts, d.headers)
                for d in state.webhook_deliveries()
            ],
            "conversations": dict(state.tenant("tenant_default").conversations),
            "series": {
                key: (list(series.values), series.mean, series.std)
                for key, series in state.tenant("tenant_default").series.items()
            },
        }


@pytest.fixture
def receiver(httpserver: HTTPServer) -> list[Request]:
    """Requests received at `/hook` of the local HTTP server."""
    received: list[Request] = []

    def handler(request: Request) -> Response:
        received.append(request)
        return Response("ok")

    httpserver.expect_request("/hook", method="POST").respond_with_handler(handler)
    return received


def test_restart_keeps_everything(
    tmp_path: Path, httpserver: HTTPServer, receiver: list[Request]
) -> None:
    with Sandbox(data_dir=tmp_path, **FAST) as first:
        made = populate(first, httpserver.url_for("/hook"))
        before = snapshot(first)
        port = first.port
    assert [d[2] for d in before["deliveries"]] == ["entity.deleted", "anomaly.detected"]
    assert [d[4] for d in before["deliveries"]] == ["delivered", "delivered"]
    assert len(before["anomalies"]) == 1
    with Sandbox(data_dir=tmp_path, port=port, **FAST) as second:
        assert snapshot(second) == before
        with Client(base_url=second.url, api_key=second.api_key) as client:
            assert [e["id"] for e in before["entities"]] == made["entities"]
            assert client.entities.get(made["entities"][0]).version == 2
            assert client.relations.get(made["relation"]).from_entity_id == made["entities"][0]
            assert client.ontology.get_schema().version == made["ontology_version"]
            assert client.memory.retrieve(made["memory"]).value == "Python"
            job = client.research.get(made["job"])
            assert (job.status, job.progress) == ("succeeded", 1.0)
            # The created key still works (only its digest was written); the deleted one not.
            with Client(base_url=second.url, api_key=made["key"].secret) as by_key:
                assert [k.id for k in by_key.api_keys.list()][-1] == made["key"].id
            with (
                Client(base_url=second.url, api_key=made["revoked"]) as by_revoked,
                pytest.raises(errors.AuthenticationError),
            ):
                by_revoked.api_keys.list().to_list()
            # An idempotent create replays after the restart.
            again = client.with_raw_response.entities.create(
                type="Company", properties={"name": "Once"}, idempotency_key="idem-1"
            )
            assert again.headers["Idempotent-Replayed"] == "true"
            assert again.parse().id == made["replayed"]
            # The webhook keeps its secret: a delivery after the restart verifies with it.
            client.entities.delete(made["entities"][1])
        second.state.wait_for_deliveries(3)
        last = receiver[-1]
        event = webhooks.verify(last.get_data(), dict(last.headers), made["hook"].secret)
        assert event.to_dict()["data"]["entity_id"] == made["entities"][1]


def test_rolling_series_continue_after_restart(tmp_path: Path) -> None:
    with Sandbox(data_dir=tmp_path) as first:
        ingest(first, [telemetry(f"t{index}", 100 + index % 3) for index in range(10)])
    with Sandbox(data_dir=tmp_path) as second:
        assert ingest(second, [telemetry("spike", 9000)])["accepted"] == 1
        anomalies = second.state.anomalies()
        assert [a["event_id"] for a in anomalies] == ["spike"]
        assert anomalies[0]["detection_method"] == "zscore"
        assert ingest(second, [telemetry("t3", 5)]) == {
            "accepted": 0,
            "duplicates": 1,
            "rejected": [],
        }


def test_order_and_cursors_survive_a_restart(tmp_path: Path) -> None:
    with Sandbox(data_dir=tmp_path) as first, first.client() as http:
        made = [
            http.post("/v1/entities", json={"type": "Note", "properties": {"n": n}}).json()["id"]
            for n in range(5)
        ]
        page = http.get("/v1/entities", params={"limit": 2}).json()
        rest = http.get("/v1/entities", params={"cursor": page["next_cursor"]}).json()
    with Sandbox(data_dir=tmp_path) as second, second.client() as http:
        again = http.get("/v1/entities", params={"cursor": page["next_cursor"]}).json()
        assert again == rest
        newer = http.post("/v1/entities", json={"type": "Note", "properties": {"n": 5}}).json()
        with Client(base_url=second.url, api_key=second.api_key) as client:
            assert [e.id for e in client.entities.list(limit=2)] == [*made, newer["id"]]


def test_deleted_initial_key_stays_deleted(tmp_path: Path) -> None:
    with Sandbox(data_dir=tmp_path) as first:
        other = httpx.Client(base_url=first.url, headers={"X-API-Key": OTHER_API_KEY})
        with other:
            key_id = other.get("/v1/api-keys").json()["data"][0]["id"]
            assert other.delete(f"/v1/api-keys/{key_id}").status_code == 204
    with Sandbox(data_dir=tmp_path) as second:
        response = httpx.get(second.url + "/v1/api-keys", headers={"X-API-Key": OTHER_API_KEY})
        assert response.status_code == 401
        with second.client() as http:
            assert http.get("/v1/api-keys").status_code == 200


def test_reset_empties_the_data_dir(tmp_path: Path) -> None:
    with Sandbox(data_dir=tmp_path) as first, first.client() as http:
        http.post("/v1/entities", json={"type": "Note", "properties": {}})
        first.reset()
        assert http.get("/v1/entities").json()["data"] == []
        kept = http.post("/v1/memories", json={"user_id": "u", "key": "k", "value": "v"})
    with Sandbox(data_dir=tmp_path) as second, second.client() as http:
        assert http.get("/v1/entities").json()["data"] == []
        assert [m["id"] for m in http.get("/v1/memories").json()["data"]] == [kept.json()["id"]]


def test_pending_delivery_is_sent_after_a_restart(tmp_path: Path, httpserver: HTTPServer) -> None:
    httpserver.expect_request("/late", method="POST").respond_with_data("no", status=503)
    with Sandbox(data_dir=tmp_path, webhook_retry_delays_s=(60.0,)) as first:
        with first.client() as http:
            http.post(
                "/v1/webhooks",
                json={"url": httpserver.url_for("/late"), "events": ["entity.deleted"]},
            )
            entity = http.post("/v1/entities", json={"type": "Note", "properties": {}}).json()
            http.delete(f"/v1/entities/{entity['id']}")
        wait_until(lambda: first.state.webhook_deliveries()[0].attempts == ["503"])
    httpserver.clear()
    httpserver.expect_request("/late", method="POST").respond_with_data("ok")
    with Sandbox(data_dir=tmp_path) as second:
        (delivery,) = second.state.wait_for_deliveries(1)
        assert delivery.attempts == ["503", "200"]


def test_expired_idempotent_replies_are_dropped_at_load(tmp_path: Path) -> None:
    clock = ManualClock()
    body = {"type": "Note", "properties": {}}
    keyed = {"Idempotency-Key": "once"}
    with (
        Sandbox(state=SandboxState(clock=clock, data_dir=tmp_path)) as first,
        first.client() as http,
    ):
        made = http.post("/v1/entities", json=body, headers=keyed).json()["id"]
    first.state.close()
    state = SandboxState(clock=clock, data_dir=tmp_path)
    with Sandbox(state=state) as second, second.client() as http:
        assert http.post("/v1/entities", json=body, headers=keyed).json()["id"] == made
    state.close()
    clock.advance(RETENTION_S + 1)
    state = SandboxState(clock=clock, data_dir=tmp_path)
    assert state.idempotency.keys() == []
    with Sandbox(state=state) as third, third.client() as http:
        assert http.post("/v1/entities", json=body, headers=keyed).json()["id"] != made
    state.close()
