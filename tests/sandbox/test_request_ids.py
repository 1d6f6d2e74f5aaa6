"""`X-Request-ID` on every response: successes, errors, unknown paths and streams."""

from __future__ import annotations

import httpx
from agentplatform_sandbox import Sandbox

from .helpers import assert_problem


def test_every_kind_of_response_has_a_request_id(client: httpx.Client, sandbox: Sandbox) -> None:
    responses = [
        client.get("/v1/health"),
        client.get("/v1/entities"),
        client.post("/v1/entities", json={"type": "Note", "properties": {}}),
        client.get("/v1/entities/ent_missing"),
        client.get("/nowhere"),
        client.put("/v1/entities"),
        httpx.get(sandbox.url + "/v1/entities"),
        client.post("/v1/entities", content=b"{"),
    ]
    entity = responses[2].json()
    responses.append(client.delete(f"/v1/entities/{entity['id']}"))
    with client.stream("POST", "/v1/chat/stream", json={"message": "hi"}) as stream:
        stream.read()
        responses.append(stream)
    ids = [r.headers["x-request-id"] for r in responses]
    assert all(i.startswith("req_") for i in ids)
    assert len(set(ids)) == len(ids)
    logged = {record.request_id for record in sandbox.state.request_log()}
    assert set(ids) <= logged


def test_unknown_path_and_method(client: httpx.Client) -> None:
    problem = assert_problem(client.get("/v2/things"), 404, "route_not_found")
    assert problem["instance"] == "/v2/things"
    wrong = client.put("/v1/entities")
    assert_problem(wrong, 405, "method_not_allowed")
    assert wrong.headers["allow"] == "GET, POST"


def test_literal_paths_win_but_fall_back_by_method(client: httpx.Client) -> None:
    assert client.post("/v1/entities/validate", json={"type": "Note", "properties": {}}).json() == {
        "valid": True,
        "errors": [],
    }
    assert_problem(client.get("/v1/entities/validate"), 404, "not_found")


def test_spec_is_served(client: httpx.Client, sandbox: Sandbox) -> None:
    document = client.get("/openapi.json").json()
    assert document["openapi"] == "3.1.0"
    assert document["servers"] == [
        {
            "url": sandbox.url.removeprefix("http://").join(["http://", ""]),
            "description": "This sandbox",
        }
    ]
    yaml_text = client.get("/openapi.yaml")
    assert yaml_text.headers["content-type"] == "application/yaml"
    assert yaml_text.text.startswith("openapi: 3.1.0")


def test_percent_encoded_path_parameters(client: httpx.Client) -> None:
    problem = assert_problem(client.get("/v1/entities/a%2Fb"), 404)
    assert problem["detail"] == "No entity with id 'a/b'."
