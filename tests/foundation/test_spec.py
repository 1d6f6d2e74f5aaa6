"""openapi.yaml is valid and follows the API outline's conventions."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from openapi_spec_validator import validate
from openapi_spec_validator.readers import read_from_filename

ROOT = Path(__file__).resolve().parents[2]
SPEC_PATH = ROOT / "openapi.yaml"
METHODS = ("get", "put", "post", "patch", "delete")


@pytest.fixture(scope="module")
def spec() -> dict[str, Any]:
    return yaml.safe_load(SPEC_PATH.read_text(encoding="utf-8"))


def _operations(spec: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (path, method, op)
        for path, item in spec["paths"].items()
        for method, op in item.items()
        if method in METHODS
    ]


def _resolve(spec: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        target: Any = spec
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = target
    return node


def test_spec_passes_openapi_spec_validator() -> None:
    spec_dict, base_uri = read_from_filename(str(SPEC_PATH))
    validate(spec_dict, base_uri=base_uri)


def test_spec_is_openapi_3_1_with_webhooks(spec: dict[str, Any]) -> None:
    assert spec["openapi"].startswith("3.1")
    assert set(spec["webhooks"]) == {"anomaly.detected", "research.completed", "entity.deleted"}


def test_every_operation_has_id_tag_summary(spec: dict[str, Any]) -> None:
    ids = []
    for path, method, op in _operations(spec):
        assert op.get("operationId"), f"{method} {path} lacks operationId"
        assert op.get("tags"), f"{method} {path} lacks a tag"
        assert op.get("summary"), f"{method} {path} lacks a summary"
        ids.append(op["operationId"])
    assert len(ids) == len(set(ids)) == 38


def test_every_post_takes_an_idempotency_key(spec: dict[str, Any]) -> None:
    for path, method, op in _operations(spec):
        if method != "post":
            continue
        names = {_resolve(spec, p)["name"] for p in op.get("parameters", [])}
        assert "Idempotency-Key" in names, f"POST {path} lacks Idempotency-Key"


def test_every_response_declares_x_request_id(spec: dict[str, Any]) -> None:
    for path, method, op in _operations(spec):
        for status, response in op["responses"].items():
            headers = _resolve(spec, response).get("headers", {})
            assert "X-Request-ID" in headers, f"{method} {path} {status} lacks X-Request-ID"


def test_errors_are_problem_documents_with_retry_after_on_429_and_503(
    spec: dict[str, Any],
) -> None:
    for path, method, op in _operations(spec):
        errors = {s: _resolve(spec, r) for s, r in op["responses"].items() if s >= "400"}
        assert {"400", "429", "500", "503"} <= set(errors), f"{method} {path}"
        for status, response in errors.items():
            assert list(response["content"]) == ["application/problem+json"], (path, status)
        for status in ("429", "503"):
            assert "Retry-After" in errors[status]["headers"]


def test_security_is_global_and_health_is_open(spec: dict[str, Any]) -> None:
    assert spec["security"] == [{"ApiKeyAuth": []}]
    scheme = spec["components"]["securitySchemes"]["ApiKeyAuth"]
    assert scheme == {**scheme, "type": "apiKey", "in": "header", "name": "X-API-Key"}
    assert spec["paths"]["/v1/health"]["get"]["security"] == []


def test_list_operations_are_cursor_paginated(spec: dict[str, Any]) -> None:
    lists = [op for _, m, op in _operations(spec) if op["operationId"].startswith("list")]
    paginated = [op for op in lists if op["operationId"] != "listSubtypes"]
    assert len(paginated) == 7
    for op in paginated:
        names = {_resolve(spec, p)["name"] for p in op["parameters"]}
        assert {"limit", "cursor"} <= names, op["operationId"]
        page = _resolve(spec, op["responses"]["200"]["content"]["application/json"]["schema"])
        assert set(page["required"]) == {"data", "next_cursor", "has_more"}


def test_telemetry_records_are_discriminated_by_kind(spec: dict[str, Any]) -> None:
    record = spec["components"]["schemas"]["TelemetryRecord"]
    assert record["discriminator"]["propertyName"] == "kind"
    for kind, ref in record["discriminator"]["mapping"].items():
        variant = _resolve(spec, {"$ref": ref})
        assert variant["properties"]["kind"]["const"] == kind
        assert "kind" in variant["required"]


def test_chat_stream_is_an_event_stream(spec: dict[str, Any]) -> None:
    op = spec["paths"]["/v1/chat/stream"]["post"]
    assert "text/event-stream" in op["responses"]["200"]["content"]
    names = {_resolve(spec, p)["name"] for p in op["parameters"]}
    assert "Last-Event-ID" in names


def test_main_schemas_carry_examples(spec: dict[str, Any]) -> None:
    schemas = spec["components"]["schemas"]
    for name in (
        "Entity",
        "EntityCreate",
        "Problem",
        "ChatRequest",
        "ChatResponse",
        "Anomaly",
        "LlmEventRecord",
        "ResearchJob",
        "Health",
        "BatchResult",
    ):
        assert schemas[name].get("examples"), name
