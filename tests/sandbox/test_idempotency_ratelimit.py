"""Idempotency-key replay and 409s; per-key rate limits answering 429 with Retry-After."""

from __future__ import annotations

import httpx
from agentplatform_sandbox import DEFAULT_TENANT, OTHER_API_KEY, Sandbox

from .helpers import assert_problem


def test_same_key_same_body_replays_the_first_response(
    client: httpx.Client, sandbox: Sandbox
) -> None:
    body = {"type": "Note", "properties": {"n": 1}}
    first = client.post("/v1/entities", json=body, headers={"Idempotency-Key": "k1"})
    second = client.post("/v1/entities", json=body, headers={"Idempotency-Key": "k1"})
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    assert second.headers["idempotent-replayed"] == "true"
    assert second.headers["etag"] == first.headers["etag"]
    assert second.headers["x-request-id"] != first.headers["x-request-id"]
    assert len(client.get("/v1/entities").json()["data"]) == 1
    assert sandbox.state.idempotency_keys_seen() == ["k1", "k1"]
    assert sandbox.state.idempotency_keys_seen(DEFAULT_TENANT) == ["k1", "k1"]
    replays = [r.replayed for r in sandbox.state.request_log() if r.idempotency_key == "k1"]
    assert replays == [False, True]


def test_same_key_other_body_is_409(client: httpx.Client) -> None:
    client.post(
        "/v1/entities", json={"type": "A", "properties": {}}, headers={"Idempotency-Key": "k"}
    )
    other = client.post(
        "/v1/entities", json={"type": "B", "properties": {}}, headers={"Idempotency-Key": "k"}
    )
    assert_problem(other, 409, "idempotency_key_reused")
    assert other.headers["x-should-retry"] == "false"


def test_handler_errors_are_replayed_too(client: httpx.Client) -> None:
    body = {"type": "LINKS", "from_entity_id": "ent_x", "to_entity_id": "ent_y"}
    first = client.post("/v1/relations", json=body, headers={"Idempotency-Key": "r"})
    second = client.post("/v1/relations", json=body, headers={"Idempotency-Key": "r"})
    assert first.status_code == second.status_code == 404
    assert first.json() == second.json()


def test_validation_failures_are_not_stored(client: httpx.Client) -> None:
    bad = client.post("/v1/entities", json={"type": ""}, headers={"Idempotency-Key": "v"})
    assert_problem(bad, 422)
    good = client.post(
        "/v1/entities", json={"type": "Note", "properties": {}}, headers={"Idempotency-Key": "v"}
    )
    assert good.status_code == 201


def test_keys_are_per_tenant(client: httpx.Client, sandbox: Sandbox) -> None:
    body = {"type": "Note", "properties": {}}
    mine = client.post("/v1/entities", json=body, headers={"Idempotency-Key": "shared"}).json()
    theirs = httpx.post(
        sandbox.url + "/v1/entities",
        json=body,
        headers={"Idempotency-Key": "shared", "X-API-Key": OTHER_API_KEY},
    ).json()
    assert mine["id"] != theirs["id"]


def test_rate_limit_answers_429_with_retry_after() -> None:
    with Sandbox(rate_limit_per_min=3, validate_responses=True) as server, server.client() as http:
        assert [http.get("/v1/entities").status_code for _ in range(3)] == [200, 200, 200]
        limited = http.get("/v1/entities")
        assert_problem(limited, 429, "rate_limited")
        assert int(limited.headers["retry-after"]) >= 1
        other = httpx.get(server.url + "/v1/entities", headers={"X-API-Key": OTHER_API_KEY})
        assert other.status_code == 200
        assert httpx.get(server.url + "/v1/health").status_code == 200
        server.reset()
        assert http.get("/v1/entities").status_code == 200
