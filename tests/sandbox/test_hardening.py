"""Oversized and deeply nested bodies are refused early, and never hold up other requests."""

from __future__ import annotations

import gzip
import json
import threading
from typing import Any

import httpx
import pytest
from agentplatform_sandbox import Sandbox, SandboxApp, SandboxConfig
from agentplatform_sandbox.body import MAX_DEPTH
from agentplatform_sandbox.spec import operations
from agentplatform_sandbox.validation import CompiledOperation, compiled

from .helpers import assert_problem, fields

WAIT_S = 10.0


def _checker(operation_id: str) -> CompiledOperation:
    return compiled(next(op for op in operations() if op.operation_id == operation_id))


def _embedding_body(size: int) -> bytes:
    numbers = b",".join([b"0.25"] * size)
    return b'{"type": "Person", "properties": {}, "embedding": [' + numbers + b"]}"


def _json(client: httpx.Client, path: str, content: bytes) -> httpx.Response:
    return client.post(path, content=content, headers={"Content-Type": "application/json"})


def test_a_20_mb_embedding_is_a_413_before_any_parsing(
    client: httpx.Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    checker = _checker("createEntity")
    calls: list[Any] = []
    monkeypatch.setattr(checker, "validate_body", calls.append)
    body = _embedding_body(5_000_000)
    assert len(body) > 20_000_000
    problem = assert_problem(_json(client, "/v1/entities", body), 413, "body_too_large")
    assert "1048576 bytes" in problem["detail"]
    assert calls == []


def test_an_oversized_array_is_refused_by_its_size_without_schema_validation(
    client: httpx.Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    checker = _checker("createEntity")
    schema = checker.body
    assert schema is not None
    visited: list[Any] = []

    class Spy:
        def iter_errors(self, body: Any) -> Any:
            visited.append(body)
            return schema.iter_errors(body)

    monkeypatch.setattr(checker, "body", Spy())
    assert _json(client, "/v1/entities", _embedding_body(10)).status_code == 201
    assert len(visited) == 1  # a body within the limits is validated by the schema
    visited.clear()
    problem = assert_problem(_json(client, "/v1/entities", _embedding_body(200_000)), 422)
    assert fields(problem) == {"embedding": "must have at most 4096 items"}
    assert visited == []  # the size check answered; the schema never saw the body


@pytest.mark.parametrize(
    ("path", "body", "field", "message"),
    [
        (
            "/v1/memories",
            {"user_id": "u", "key": "k", "value": "v", "tags": ["t"] * 101},
            "tags",
            "must have at most 100 items",
        ),
        (
            "/v1/queries/expand-types",
            {"types": ["A"] * 101},
            "types",
            "must have at most 100 items",
        ),
        (
            "/v1/events",
            {
                "agent_id": "a",
                "session_id": "s",
                "type": "custom",
                "attributes": {f"k{i}": i for i in range(1001)},
            },
            "attributes",
            "must have at most 1000 properties",
        ),
        (
            "/v1/queries/hybrid",
            {"graph_query": {"start_entity_ids": ["e"] * 101}},
            "graph_query.start_entity_ids",
            "must have at most 100 items",
        ),
    ],
)
def test_every_request_array_and_map_is_capped(
    client: httpx.Client, path: str, body: dict[str, Any], field: str, message: str
) -> None:
    assert fields(assert_problem(client.post(path, json=body), 422)) == {field: message}


def test_a_batch_record_with_an_oversized_array_is_rejected_alone(client: httpx.Client) -> None:
    record = {
        "kind": "llm_event",
        "event_id": "e1",
        "timestamp": "2026-01-01T00:00:00Z",
        "service_name": "svc",
        "model": "m",
        "latency_ms": 1.0,
        "prompt": {"text": "hi", "embedding": [0.5] * 5000},
    }
    good = {**record, "event_id": "e2", "prompt": {"text": "hi", "embedding": [0.5]}}
    response = client.post("/v1/telemetry/batch", json={"records": [record, good]})
    assert response.status_code == 202, response.text
    result = response.json()
    assert result["accepted"] == 1
    [rejected] = result["rejected"]
    assert rejected["index"] == 0
    assert fields(rejected["problem"]) == {"prompt.embedding": "must have at most 4096 items"}


def _nested(depth: int) -> Any:
    value: Any = 1
    for _ in range(depth):
        value = {"k": value}
    return value


def test_json_nests_at_most_max_depth_levels(client: httpx.Client) -> None:
    # The body object is the first level, so `attributes` may hold MAX_DEPTH - 1 more.
    ok = {
        "agent_id": "a",
        "session_id": "s",
        "type": "custom",
        "attributes": _nested(MAX_DEPTH - 1),
    }
    assert client.post("/v1/events", json=ok).status_code == 201
    for depth in (MAX_DEPTH, 500, 990, 5000):
        deep = dict(ok, attributes=_nested(depth))
        content = (
            json.dumps(deep).encode()
            if depth < 900
            else (
                b'{"agent_id": "a", "session_id": "s", "type": "custom", "attributes": '
                + b'{"k":' * depth
                + b"1"
                + b"}" * depth
                + b"}"
            )
        )
        problem = assert_problem(_json(client, "/v1/events", content), 400)
        assert problem["code"] in ("body_too_deep", "malformed_json")
        assert fields(problem).keys() == {"body"}


def test_numbers_beyond_a_double_are_400(client: httpx.Client) -> None:
    for literal in (b"1" + b"0" * 400, b"9" * 199 + b"e150", b"1" + b"0" * 400 + b".5"):
        content = b'{"agent_id": "a", "session_id": "s", "type": "custom", "attributes": {"n": '
        response = _json(client, "/v1/events", content + literal + b"}}")
        assert_problem(response, 400, "malformed_json")
    small = b'{"agent_id": "a", "session_id": "s", "type": "custom", "attributes": {"n": 1e-999}}'
    assert _json(client, "/v1/events", small).status_code == 201


def test_other_requests_are_answered_while_a_large_body_is_validated(
    sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Validation of a large invalid body is held mid-way; a health check and a read
    are answered meanwhile, then the large body gets its 422."""
    checker = _checker("createEntity")
    real = checker.validate_body
    inside, release = threading.Event(), threading.Event()
    order: list[str] = []

    def held_validation(body: Any) -> None:
        if isinstance(body, dict) and len(body.get("embedding", ())) > 4096:
            inside.set()
            release.wait(WAIT_S)
        real(body)

    monkeypatch.setattr(checker, "validate_body", held_validation)
    results: dict[str, httpx.Response] = {}

    def send_large() -> None:
        with sandbox.client(timeout=WAIT_S * 2) as http:
            results["large"] = _json(http, "/v1/entities", _embedding_body(100_000))
            order.append("large answered")

    sender = threading.Thread(target=send_large)
    sender.start()
    try:
        assert inside.wait(WAIT_S), "the large body never reached validation"
        with sandbox.client(timeout=WAIT_S / 2) as http:
            assert http.get("/v1/health").status_code == 200
            assert http.get("/v1/entities").json()["data"] == []
            order.append("others answered")
    finally:
        release.set()
        sender.join(WAIT_S * 2)
    assert order == ["others answered", "large answered"]
    assert fields(assert_problem(results["large"], 422)) == {
        "embedding": "must have at most 4096 items"
    }


def test_a_gzip_body_is_held_to_the_operation_limit_once_decoded(client: httpx.Client) -> None:
    body = gzip.compress(_embedding_body(300_000))  # ~1.5 MB decoded, a few KB sent
    response = client.post(
        "/v1/entities",
        content=body,
        headers={"Content-Type": "application/json", "Content-Encoding": "gzip"},
    )
    assert "1048576 bytes" in assert_problem(response, 413, "body_too_large")["detail"]


def test_the_body_limit_is_the_operations_within_the_configured_ceiling() -> None:
    entity = _checker("createEntity").operation
    batch = _checker("ingestTelemetryBatch").operation
    app = SandboxApp()
    assert app.body_limit(entity) == 1024 * 1024
    assert app.body_limit(batch) == 10 * 1024 * 1024
    assert app.body_limit(None) == app.config.max_body_bytes
    small = SandboxApp(config=SandboxConfig(max_body_bytes=1000))
    assert small.body_limit(entity) == small.body_limit(None) == 1000
