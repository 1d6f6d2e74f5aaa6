"""Entities: ETag / If-Match, merge updates, deletion with relations and a webhook."""

from __future__ import annotations

import httpx
from agentplatform_sandbox import Sandbox
from pytest_httpserver import HTTPServer

from .helpers import ONTOLOGY, assert_problem, create, relate


def test_etag_and_if_match(client: httpx.Client) -> None:
    entity = create(client, "Note", text="a")
    fetched = client.get(f"/v1/entities/{entity['id']}")
    etag = fetched.headers["etag"]
    assert etag == f'"{entity["id"]}.v1"'

    stale = client.patch(
        f"/v1/entities/{entity['id']}",
        json={"properties": {"text": "b"}},
        headers={"If-Match": '"other.v9"'},
    )
    assert_problem(stale, 412, "precondition_failed")

    updated = client.patch(
        f"/v1/entities/{entity['id']}",
        json={"properties": {"text": "b"}},
        headers={"If-Match": etag},
    )
    assert updated.status_code == 200
    assert updated.json()["version"] == 2
    assert updated.headers["etag"] == f'"{entity["id"]}.v2"'
    again = client.patch(
        f"/v1/entities/{entity['id']}",
        json={"properties": {"text": "c"}},
        headers={"If-Match": etag},
    )
    assert_problem(again, 412)
    star = client.patch(
        f"/v1/entities/{entity['id']}", json={"properties": {"n": 1}}, headers={"If-Match": "*"}
    )
    assert star.json()["version"] == 3


def test_patch_merges_and_null_removes(client: httpx.Client) -> None:
    entity = create(client, "Note", a=1, b=2, embedding=[1.0, 0.0])
    updated = client.patch(
        f"/v1/entities/{entity['id']}",
        json={"properties": {"a": None, "c": 3}, "embedding": [0, 1]},
    ).json()
    assert updated["properties"] == {"b": 2, "c": 3}
    assert updated["embedding"] == [0, 1]
    assert updated["created_at"] == entity["created_at"]


def test_patch_is_checked_against_the_ontology(client: httpx.Client) -> None:
    client.put("/v1/ontology/schema", json=ONTOLOGY).raise_for_status()
    person = create(client, "Person", name="Ada")
    response = client.patch(f"/v1/entities/{person['id']}", json={"properties": {"name": None}})
    assert_problem(response, 422)
    assert client.get(f"/v1/entities/{person['id']}").json()["properties"] == {"name": "Ada"}


def test_missing_entity_is_404(client: httpx.Client) -> None:
    assert_problem(client.get("/v1/entities/ent_nope"), 404, "not_found")
    assert_problem(client.patch("/v1/entities/ent_nope", json={"properties": {}}), 404)
    assert_problem(client.delete("/v1/entities/ent_nope"), 404)


def test_delete_removes_relations_and_emits_webhook(
    client: httpx.Client, sandbox: Sandbox, httpserver: HTTPServer
) -> None:
    httpserver.expect_request("/hook", method="POST").respond_with_data("ok")
    client.post(
        "/v1/webhooks", json={"url": httpserver.url_for("/hook"), "events": ["entity.deleted"]}
    ).raise_for_status()
    a = create(client, "Note")
    b = create(client, "Note")
    c = create(client, "Note")
    gone = relate(client, "LINKS", a["id"], b["id"])
    gone_too = relate(client, "LINKS", c["id"], a["id"])
    kept = relate(client, "LINKS", b["id"], c["id"])

    response = client.delete(f"/v1/entities/{a['id']}")
    assert response.status_code == 204
    assert response.content == b""
    assert_problem(client.get(f"/v1/entities/{a['id']}"), 404)
    assert_problem(client.get(f"/v1/relations/{gone['id']}"), 404)
    assert_problem(client.get(f"/v1/relations/{gone_too['id']}"), 404)
    assert client.get(f"/v1/relations/{kept['id']}").status_code == 200

    (delivery,) = sandbox.state.wait_for_deliveries(1, event_type="entity.deleted")
    assert delivery.payload["data"] == {"entity_id": a["id"], "type": "Note"}
    assert delivery.payload["type"] == "entity.deleted"
