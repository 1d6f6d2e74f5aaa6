"""Small helpers shared by the sandbox tests."""

from __future__ import annotations

from typing import Any

import httpx

ONTOLOGY: dict[str, Any] = {
    "entity_types": [
        {
            "id": "Person",
            "properties": {
                "name": {"type": "string"},
                "age": {"type": "integer"},
                "born": {"type": "datetime"},
                "role": {"type": "string", "enum": ["staff", "contractor"]},
            },
            "required": ["name"],
        },
        {
            "id": "Engineer",
            "parent": "Person",
            "properties": {"language": {"type": "string"}},
            "required": ["language"],
        },
        {"id": "Backend", "parent": "Engineer"},
        {"id": "Company", "properties": {"name": {"type": "string"}}, "required": ["name"]},
    ],
    "relation_types": [
        {"id": "WORKS_AT", "from_types": ["Person"], "to_types": ["Company"]},
        {"id": "KNOWS", "from_types": ["Person"], "to_types": ["Person"]},
    ],
}


def assert_problem(
    response: httpx.Response, status: int, code: str | None = None
) -> dict[str, Any]:
    """Check an RFC 9457 problem response and return its body."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    assert body["type"].startswith("https://agentplatform.dev/problems/")
    assert body["title"]
    assert body["request_id"] == response.headers["x-request-id"]
    if code is not None:
        assert body["code"] == code
    return body


def fields(problem: dict[str, Any]) -> dict[str, str]:
    """The problem's field errors as {field: message}."""
    return {error["field"]: error["message"] for error in problem.get("errors", [])}


def create(
    client: httpx.Client, type_: str, embedding: list[float] | None = None, **props: Any
) -> dict[str, Any]:
    """Create an entity and return it (asserting 201)."""
    body: dict[str, Any] = {"type": type_, "properties": props}
    if embedding is not None:
        body["embedding"] = embedding
    response = client.post("/v1/entities", json=body)
    assert response.status_code == 201, response.text
    entity: dict[str, Any] = response.json()
    return entity


def relate(client: httpx.Client, type_: str, source: str, target: str) -> dict[str, Any]:
    """Create a relation and return it (asserting 201)."""
    response = client.post(
        "/v1/relations", json={"type": type_, "from_entity_id": source, "to_entity_id": target}
    )
    assert response.status_code == 201, response.text
    relation: dict[str, Any] = response.json()
    return relation
