"""Memories with TTL (on an injected clock) and knowledge search ranking."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from agentplatform_sandbox import ManualClock, Sandbox

from .helpers import assert_problem


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(start=1_767_225_600.0)  # 2026-01-01T00:00:00Z


@pytest.fixture
def timed(clock: ManualClock) -> Iterator[httpx.Client]:
    """A client of a sandbox whose time only moves when the test says so."""
    with Sandbox(clock=clock, validate_responses=True) as server, server.client() as http:
        yield http


def test_ttl_expiry(timed: httpx.Client, clock: ManualClock) -> None:
    short = timed.post(
        "/v1/memories", json={"user_id": "u", "key": "mood", "value": "sunny", "ttl_s": 60}
    ).json()
    forever = timed.post(
        "/v1/memories", json={"user_id": "u", "key": "name", "value": "Ada", "tags": ["id"]}
    ).json()
    assert short["created_at"] == "2026-01-01T00:00:00.000Z"
    assert short["expires_at"] == "2026-01-01T00:01:00.000Z"
    assert forever["expires_at"] is None
    assert timed.get(f"/v1/memories/{short['id']}").status_code == 200

    clock.advance(59.9)
    assert len(timed.get("/v1/memories").json()["data"]) == 2
    clock.advance(0.1)
    assert_problem(timed.get(f"/v1/memories/{short['id']}"), 404)
    assert [m["id"] for m in timed.get("/v1/memories").json()["data"]] == [forever["id"]]
    assert_problem(timed.delete(f"/v1/memories/{short['id']}"), 404)


def test_same_user_and_key_replace_the_value(client: httpx.Client) -> None:
    first = client.post("/v1/memories", json={"user_id": "u", "key": "k", "value": "1"}).json()
    second = client.post("/v1/memories", json={"user_id": "u", "key": "k", "value": "2"}).json()
    assert second["id"] == first["id"]
    assert second["value"] == "2"
    assert len(client.get("/v1/memories").json()["data"]) == 1


def test_memory_filters_and_delete(client: httpx.Client) -> None:
    a = client.post(
        "/v1/memories", json={"user_id": "u1", "key": "a", "value": "x", "tags": ["t"]}
    ).json()
    b = client.post("/v1/memories", json={"user_id": "u2", "key": "b", "value": "y"}).json()

    def ids(**params: str) -> list[str]:
        return [m["id"] for m in client.get("/v1/memories", params=params).json()["data"]]

    assert ids(user_id="u1") == [a["id"]]
    assert ids(tag="t") == [a["id"]]
    assert ids(user_id="u2", tag="t") == []
    assert client.delete(f"/v1/memories/{b['id']}").status_code == 204
    assert ids() == [a["id"]]


def test_knowledge_ranked_by_token_overlap(client: httpx.Client) -> None:
    response = client.post(
        "/v1/knowledge/search", json={"query": "retries with jitter and backoff", "limit": 3}
    )
    results = response.json()["results"]
    assert results[0]["id"] == "kn_gotcha_01"
    assert results[0]["score"] == 1.0
    assert [r["score"] for r in results] == sorted((r["score"] for r in results), reverse=True)
    assert len(results) <= 3
    assert {"id", "kind", "title", "content", "score", "tags"} <= set(results[0])


def test_knowledge_kinds_filter_and_no_match(client: httpx.Client) -> None:
    patterns = client.post(
        "/v1/knowledge/search", json={"query": "retries", "kinds": ["pattern"]}
    ).json()["results"]
    assert [r["id"] for r in patterns] == ["kn_pattern_02"]
    nothing = client.post("/v1/knowledge/search", json={"query": "zebra"}).json()
    assert nothing == {"results": []}
    default_limit = client.post(
        "/v1/knowledge/search", json={"query": "graph memory retries tokens vector webhooks"}
    )
    assert len(default_limit.json()["results"]) == 5
