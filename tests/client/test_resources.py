"""Every resource call of the design's table builds the right method, path, query and body."""

from __future__ import annotations

from typing import Any

import agentplatform as ap
import pytest
from pytest_httpserver import HTTPServer

from ._case import Case, limit
from ._cases_graph import GRAPH_CASES
from ._cases_platform import PLATFORM_CASES
from ._support import (
    ENTITY,
    collect,
    page,
    run,
)

CASES = [*GRAPH_CASES, *PLATFORM_CASES]


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
async def test_call_builds_the_right_request(client: Any, server: HTTPServer, case: Case) -> None:
    expectation: dict[str, Any] = {"method": case.method, "query_string": case.query or ""}
    if case.json is not None:
        expectation["json"] = case.json
    if case.headers:
        expectation["headers"] = case.headers
    handler = server.expect_request(case.uri, **expectation)
    if case.status == 204:
        handler.respond_with_data("", status=204)
    else:
        handler.respond_with_json(case.response, status=case.status)

    result = await run(case.call(client))
    if isinstance(result, (ap.SyncPaginator, ap.AsyncPaginator)):
        items = await collect(result)
        assert len(items) == 1
        result = items[0]

    assert len(server.log) == 1
    request, response = server.log[0]
    assert response.status_code == case.status, response.get_data(as_text=True)
    if case.json is None:
        assert request.get_data() == b""
    if case.method == "POST":
        assert request.headers.get("Idempotency-Key")
    if case.expected is None:
        assert result is None
    else:
        assert isinstance(result, case.expected)


async def test_list_walks_every_page_with_the_cursor(client: Any, server: HTTPServer) -> None:
    second = {**ENTITY, "id": "ent_2"}
    server.expect_ordered_request(
        "/v1/entities", method="GET", query_string=limit(type="Person")
    ).respond_with_json(page(ENTITY, cursor="c2"))
    server.expect_ordered_request(
        "/v1/entities", method="GET", query_string=limit(type="Person", cursor="c2")
    ).respond_with_json(page(second))
    items = await collect(client.entities.list(type="Person"))
    assert [item.id for item in items] == ["ent_1", "ent_2"]
    server.check_assertions()


def test_every_resource_of_the_table_is_there(client: Any) -> None:
    table = {
        "ontology": ["put_schema", "get_schema", "get_entity_type", "list_subtypes"],
        "entities": ["create", "get", "update", "delete", "validate", "list"],
        "relations": ["create", "get", "delete", "list"],
        "queries": ["hybrid", "expand_types"],
        "events": ["ingest", "ingest_batch", "list"],
        "anomalies": ["list", "get"],
        "chat": ["create", "stream"],
        "knowledge": ["search"],
        "memory": ["store", "retrieve", "list", "delete"],
        "research": ["create", "get", "wait"],
        "api_keys": ["list", "create", "delete"],
        "webhooks": ["list", "create", "delete"],
    }
    covered = {case.id.split(" ")[0] for case in CASES}
    for resource, calls in table.items():
        for name in calls:
            assert callable(getattr(getattr(client, resource), name)), f"{resource}.{name}"
            if (resource, name) not in {("chat", "stream"), ("research", "wait")}:
                assert f"{resource}.{name}" in covered, f"{resource}.{name} has no request test"
    assert callable(client.health)
