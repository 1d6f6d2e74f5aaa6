"""Request validation against openapi.yaml: 400 for bad JSON or parameters, 422 for bodies."""

from __future__ import annotations

import httpx

from .helpers import assert_problem, fields


def test_malformed_json_is_400(client: httpx.Client) -> None:
    problem = assert_problem(
        client.post(
            "/v1/entities", content=b"{not json", headers={"Content-Type": "application/json"}
        ),
        400,
        "malformed_json",
    )
    assert fields(problem) == {"body": "is not valid JSON"}


def test_non_finite_numbers_are_400(client: httpx.Client) -> None:
    for raw in (
        b'{"type": "A", "properties": {"x": NaN}}',
        b'{"type": "A", "properties": {"x": 1e999}}',
    ):
        response = client.post(
            "/v1/entities", content=raw, headers={"Content-Type": "application/json"}
        )
        assert_problem(response, 400, "malformed_json")


def test_missing_body_and_wrong_media_type_are_400(client: httpx.Client) -> None:
    assert fields(assert_problem(client.post("/v1/entities"), 400, "body_required")) == {
        "body": "is required"
    }
    wrong = client.post("/v1/entities", content=b"type=A", headers={"Content-Type": "text/plain"})
    assert_problem(wrong, 400, "unsupported_media_type")
    assert (
        client.post(
            "/v1/entities",
            content=b'{"type": "A", "properties": {}}',
            headers={"Content-Type": "application/merge-patch+json"},
        ).status_code
        == 201
    )


def test_body_schema_violations_are_422_naming_fields(client: httpx.Client) -> None:
    response = client.post("/v1/entities", json={"type": "", "properties": [], "embedding": ["x"]})
    problem = assert_problem(response, 422, "validation_failed")
    assert fields(problem) == {
        "embedding[0]": "must be a number",
        "properties": "must be an object",
        "type": "must be at least 1 characters long",
    }
    assert problem["detail"].startswith("embedding[0]: must be a number (and 2 more)")
    missing = assert_problem(client.post("/v1/memories", json={"user_id": "u"}), 422)
    assert fields(missing) == {"key": "is required", "value": "is required"}
    nested = client.post(
        "/v1/queries/hybrid", json={"graph_query": {"start_entity_ids": [], "depth": 9}}
    )
    assert fields(assert_problem(nested, 422)) == {
        "graph_query.depth": "must be <= 5",
        "graph_query.start_entity_ids": "must have at least 1 items",
    }
    other = client.post("/v1/webhooks", json={"url": "not a uri", "events": ["nope"]})
    assert fields(assert_problem(other, 422)) == {
        "events[0]": "must be one of: anomaly.detected, research.completed, entity.deleted",
        "url": "must be a valid uri",
    }
    dated = client.post("/v1/api-keys", json={"name": "k", "expires_at": "2026-13-01T00:00:00Z"})
    assert fields(assert_problem(dated, 422)) == {"expires_at": "must be a valid date-time"}
    constant = client.post(
        "/v1/telemetry/batch", json={"records": [{"kind": "llm_event"}], "extra": 1}
    )
    assert constant.status_code == 202


def test_bad_parameters_are_400(client: httpx.Client) -> None:
    enum = client.get("/v1/relations", params={"direction": "sideways"})
    assert fields(assert_problem(enum, 400, "bad_request")) == {
        "direction": "must be one of: outgoing, incoming, both"
    }
    too_big = client.get("/v1/events", params={"limit": 201})
    assert fields(assert_problem(too_big, 400)) == {"limit": "must be <= 200"}
    header = client.get("/v1/entities", headers={"traceparent": "bogus"})
    assert list(fields(assert_problem(header, 400))) == ["traceparent"]
    long_key = client.post(
        "/v1/entities", json={"type": "A", "properties": {}}, headers={"Idempotency-Key": "k" * 256}
    )
    assert fields(assert_problem(long_key, 400)) == {
        "Idempotency-Key": "must be at most 255 characters long"
    }
    empty_filter = client.get("/v1/entities", params={"type": ""})
    assert fields(assert_problem(empty_filter, 400)) == {
        "type": "must be at least 1 characters long"
    }
