"""Lazy cursor pagination (`for` / `async for`, `.pages()`, `max_items`) and its loop guards.

Every test runs with `Client` and `AsyncClient`: against pytest-httpserver handlers that
serve scripted pages (and misbehave on purpose), and against the sandbox with real data.
"""

from __future__ import annotations

import inspect
import json
import os
from collections.abc import AsyncIterator, Iterator
from typing import Any

import _modes
import agentplatform as ap
import pytest
from agentplatform import _transport
from agentplatform.raw_response import RawResponse
from agentplatform.types import Entity, EntityPage, Memory
from agentplatform_sandbox import Sandbox
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

API_KEY = "sk_test_pagination_00000"
T0 = "2026-01-01T00:00:00Z"


def entity(n: int) -> dict[str, Any]:
    return {
        "id": f"ent_{n}",
        "type": "Person",
        "properties": {"name": f"Person {n}"},
        "embedding": None,
        "created_at": T0,
        "updated_at": T0,
        "version": 1,
    }


def page(first: int, count: int, next_cursor: str | None, has_more: bool | None = None) -> dict:
    return {
        "data": [entity(n) for n in range(first, first + count)],
        "next_cursor": next_cursor,
        "has_more": next_cursor is not None if has_more is None else has_more,
    }


class Pages:
    """Serves `/v1/entities`: the page for each cursor (None: the first page)."""

    def __init__(self, pages: dict[str | None, dict[str, Any] | Response]) -> None:
        self.pages = pages
        self.requests: list[Request] = []

    def __call__(self, request: Request) -> Response:
        self.requests.append(request)
        body = self.pages.get(request.args.get("cursor"))
        if body is None:
            return Response("no such page", status=418)
        if isinstance(body, Response):
            return body
        return Response(json.dumps(body), content_type="application/json")

    @property
    def cursors(self) -> list[str | None]:
        return [request.args.get("cursor") for request in self.requests]


def chain(sizes: list[int]) -> dict[str | None, dict[str, Any] | Response]:
    """Pages of the given sizes, linked by cursors c1, c2, ...; ids count up from 1."""
    pages: dict[str | None, dict[str, Any] | Response] = {}
    first = 1
    for index, size in enumerate(sizes):
        cursor = None if index == 0 else f"c{index}"
        following = f"c{index + 1}" if index + 1 < len(sizes) else None
        pages[cursor] = page(first, size, following)
        first += size
    return pages


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> None:
    for name in list(os.environ):
        if name.startswith("AGENTPLATFORM_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("AGENTPLATFORM_CONFIG_FILE", str(tmp_path / "absent.toml"))


@pytest.fixture(autouse=True)
def _no_sleep(monkeypatch: pytest.MonkeyPatch) -> None:
    async def nothing(seconds: float) -> None:
        pass

    monkeypatch.setattr(_transport, "sleep", lambda seconds: None)
    monkeypatch.setattr(_transport, "async_sleep", nothing)


mode = _modes.mode  # sync, async-httpx, async-aiohttp


@pytest.fixture
async def client(mode: str, httpserver: HTTPServer) -> AsyncIterator[Any]:
    options: dict[str, Any] = {
        "api_key": API_KEY,
        "base_url": httpserver.url_for("/").rstrip("/"),
        "max_retries": 0,
    }
    if mode == "sync":
        with ap.Client(**options) as sync_client:
            yield sync_client
    else:
        async with ap.AsyncClient(**options) as async_client:
            yield async_client


def serve(httpserver: HTTPServer, pages: dict[str | None, dict[str, Any] | Response]) -> Pages:
    handler = Pages(pages)
    httpserver.expect_request("/v1/entities", method="GET").respond_with_handler(handler)
    return handler


async def items(paginator: Any, into: list[Any] | None = None) -> list[Any]:
    """Every item of a sync or async paginator; `into` keeps them when iteration fails."""
    found: list[Any] = [] if into is None else into
    if isinstance(paginator, ap.AsyncPaginator):
        async for item in paginator:
            found.append(item)
    else:
        for item in paginator:
            found.append(item)
    return found


async def pages_of(paginator: Any) -> list[Any]:
    if isinstance(paginator, ap.AsyncPaginator):
        return [p async for p in paginator.pages()]
    return list(paginator.pages())


def ids(entities: list[Any]) -> list[str]:
    return [e.id for e in entities]


async def test_iterating_walks_every_page_in_order(
    httpserver: HTTPServer, client: Any, mode: str
) -> None:
    handler = serve(httpserver, chain([3, 3, 3, 3, 2]))
    paginator = client.entities.list(type="Person", limit=3)
    assert isinstance(paginator, ap.SyncPaginator if mode == "sync" else ap.AsyncPaginator)
    found = await items(paginator)
    assert all(isinstance(e, Entity) for e in found)
    assert ids(found) == [f"ent_{n}" for n in range(1, 15)]
    assert handler.cursors == [None, "c1", "c2", "c3", "c4"]
    # The filter and page size go with every page.
    assert [r.args.get("limit") for r in handler.requests] == ["3"] * 5
    assert [r.args.get("type") for r in handler.requests] == ["Person"] * 5


async def test_an_empty_page_that_says_has_more_is_followed(
    httpserver: HTTPServer, client: Any
) -> None:
    handler = serve(
        httpserver,
        {
            None: page(1, 2, "c1"),
            "c1": page(3, 0, "c2"),
            "c2": page(3, 0, "c3"),
            "c3": page(3, 2, None),
        },
    )
    found = await items(client.entities.list())
    assert ids(found) == ["ent_1", "ent_2", "ent_3", "ent_4"]
    assert handler.cursors == [None, "c1", "c2", "c3"]


async def test_an_empty_last_page_ends_the_walk(httpserver: HTTPServer, client: Any) -> None:
    handler = serve(httpserver, {None: page(1, 0, None)})
    assert await items(client.entities.list()) == []
    assert handler.cursors == [None]


async def test_a_cursor_without_has_more_ends_the_walk(httpserver: HTTPServer, client: Any) -> None:
    handler = serve(httpserver, {None: page(1, 2, "c1", has_more=False), "c1": page(3, 2, None)})
    assert ids(await items(client.entities.list())) == ["ent_1", "ent_2"]
    assert handler.cursors == [None]


@pytest.mark.parametrize(
    ("max_items", "expected", "requests"),
    [(4, 4, 2), (3, 3, 1), (1, 1, 1), (9, 9, 3), (100, 9, 3)],
)
async def test_max_items_stops_without_fetching_more_pages(
    httpserver: HTTPServer, client: Any, max_items: int, expected: int, requests: int
) -> None:
    handler = serve(httpserver, chain([3, 3, 3]))
    found = await items(client.entities.list(limit=3, max_items=max_items))
    assert ids(found) == [f"ent_{n}" for n in range(1, expected + 1)]
    assert len(handler.requests) == requests


async def test_max_items_zero_fetches_nothing(httpserver: HTTPServer, client: Any) -> None:
    handler = serve(httpserver, chain([3]))
    assert await items(client.entities.list(max_items=0)) == []
    assert handler.requests == []


async def test_bad_page_arguments_fail_at_once(httpserver: HTTPServer, client: Any) -> None:
    handler = serve(httpserver, chain([3]))
    for kwargs in ({"limit": 0}, {"limit": 201}, {"max_items": -1}, {"limit": "5"}):
        with pytest.raises(ap.InvalidParameterError):
            client.entities.list(**kwargs)
    assert handler.requests == []


async def test_pages_yields_whole_pages(httpserver: HTTPServer, client: Any) -> None:
    handler = serve(httpserver, chain([3, 0, 2]))
    pages = await pages_of(client.entities.list(limit=3))
    assert all(isinstance(p, EntityPage) for p in pages)
    assert [len(p.data) for p in pages] == [3, 0, 2]
    assert [p.has_more for p in pages] == [True, True, False]
    assert [p.next_cursor for p in pages] == ["c1", "c2", None]
    assert handler.cursors == [None, "c1", "c2"]


async def test_stopping_pages_early_fetches_no_more(httpserver: HTTPServer, client: Any) -> None:
    handler = serve(httpserver, chain([3, 3, 3]))
    paginator = client.entities.list()
    seen = []
    if isinstance(paginator, ap.AsyncPaginator):
        async for first in paginator.pages():
            seen.append(first)
            break
    else:
        for first in paginator.pages():
            seen.append(first)
            break
    assert [len(p.data) for p in seen] == [3]
    assert handler.cursors == [None]


async def test_nothing_is_fetched_before_iteration(httpserver: HTTPServer, client: Any) -> None:
    handler = serve(httpserver, chain([2, 2]))
    paginator = client.entities.list(limit=2)
    pages = paginator.pages()
    assert handler.requests == []
    del pages
    # Each iteration starts again from the first page.
    assert len(await items(paginator)) == 4
    assert len(await items(paginator)) == 4
    assert handler.cursors == [None, "c1", None, "c1"]


async def test_to_list(httpserver: HTTPServer, client: Any) -> None:
    serve(httpserver, chain([2, 2, 1]))
    listed = client.entities.list(max_items=4).to_list()
    listed = await listed if inspect.isawaitable(listed) else listed
    assert ids(listed) == ["ent_1", "ent_2", "ent_3", "ent_4"]


@pytest.mark.parametrize("cursor", [None, ""])
async def test_has_more_without_a_cursor_is_a_validation_error(
    httpserver: HTTPServer, client: Any, cursor: str | None
) -> None:
    serve(httpserver, {None: page(1, 2, cursor, has_more=True)})
    found: list[Any] = []
    with pytest.raises(ap.APIResponseValidationError, match="no next_cursor") as caught:
        await items(client.entities.list(), found)
    assert caught.value.field == "next_cursor"
    assert ids(found) == ["ent_1", "ent_2"]  # the page's items came first


async def test_a_repeated_cursor_is_a_validation_error(httpserver: HTTPServer, client: Any) -> None:
    handler = serve(
        httpserver,
        {None: page(1, 1, "c1"), "c1": page(2, 1, "c2"), "c2": page(3, 1, "c1")},
    )
    found: list[Any] = []
    with pytest.raises(ap.APIResponseValidationError, match="'c1' twice") as caught:
        await items(client.entities.list(), found)
    assert caught.value.field == "next_cursor"
    assert ids(found) == ["ent_1", "ent_2", "ent_3"]
    assert handler.cursors == [None, "c1", "c2"]  # never asked for c1 again


async def test_a_page_that_points_at_itself_is_caught(httpserver: HTTPServer, client: Any) -> None:
    handler = serve(httpserver, {None: page(1, 1, "c1"), "c1": page(2, 1, "c1")})
    with pytest.raises(ap.APIResponseValidationError, match="twice"):
        await items(client.entities.list())
    assert handler.cursors == [None, "c1"]


async def test_a_malformed_page_is_a_validation_error(httpserver: HTTPServer, client: Any) -> None:
    serve(httpserver, {None: {"data": [entity(1)], "next_cursor": None}})
    with pytest.raises(ap.APIResponseValidationError, match="has_more"):
        await items(client.entities.list())


async def test_an_error_on_a_later_page_is_raised(httpserver: HTTPServer, client: Any) -> None:
    problem = {"type": "about:blank", "title": "Server error", "status": 500, "detail": "Boom."}
    pages = chain([2, 2])
    pages["c1"] = Response(json.dumps(problem), status=500, content_type="application/problem+json")
    serve(httpserver, pages)
    found: list[Any] = []
    with pytest.raises(ap.InternalServerError, match="Boom"):
        await items(client.entities.list(), found)
    assert ids(found) == ["ent_1", "ent_2"]


async def test_the_raw_client_returns_the_first_page(httpserver: HTTPServer, client: Any) -> None:
    handler = serve(httpserver, chain([2, 2]))
    raw = client.with_raw_response.entities.list(limit=2)
    raw = await raw if inspect.isawaitable(raw) else raw
    assert isinstance(raw, RawResponse)
    assert isinstance(raw.parsed, EntityPage)
    assert raw.parsed.next_cursor == "c1"
    assert handler.cursors == [None]


# --- against the sandbox ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def sandbox_server() -> Iterator[Sandbox]:
    with Sandbox() as running:
        yield running


@pytest.fixture
def sandbox(sandbox_server: Sandbox) -> Sandbox:
    sandbox_server.reset()
    return sandbox_server


@pytest.fixture
async def sandbox_client(mode: str, sandbox: Sandbox) -> AsyncIterator[Any]:
    if mode == "sync":
        with ap.Client(api_key=sandbox.api_key, base_url=sandbox.url) as sync_client:
            yield sync_client
    else:
        async with ap.AsyncClient(api_key=sandbox.api_key, base_url=sandbox.url) as async_client:
            yield async_client


async def store_memories(client: Any, user_id: str, count: int) -> list[str]:
    stored = []
    for n in range(count):
        memory = client.memory.store(user_id=user_id, key=f"fact_{n:02d}", value=f"value {n}")
        memory = await memory if inspect.isawaitable(memory) else memory
        stored.append(memory.id)
    return stored


def list_requests(sandbox: Sandbox) -> int:
    return sum(1 for r in sandbox.state.requests if r.method == "GET" and r.path == "/v1/memories")


async def test_sandbox_walks_every_item_once_in_order(
    sandbox: Sandbox, sandbox_client: Any
) -> None:
    expected = await store_memories(sandbox_client, "u_ada", 23)
    await store_memories(sandbox_client, "u_other", 4)
    found = await items(sandbox_client.memory.list(user_id="u_ada", limit=5))
    assert all(isinstance(m, Memory) for m in found)
    assert [m.id for m in found] == expected
    assert {m.user_id for m in found} == {"u_ada"}
    assert list_requests(sandbox) == 5


async def test_sandbox_pages_and_max_items(sandbox: Sandbox, sandbox_client: Any) -> None:
    expected = await store_memories(sandbox_client, "u_ada", 12)
    pages = await pages_of(sandbox_client.memory.list(limit=5))
    assert [len(p.data) for p in pages] == [5, 5, 2]
    assert [p.has_more for p in pages] == [True, True, False]
    assert [m.id for p in pages for m in p.data] == expected
    before = list_requests(sandbox)
    first_seven = await items(sandbox_client.memory.list(limit=5, max_items=7))
    assert [m.id for m in first_seven] == expected[:7]
    assert list_requests(sandbox) - before == 2


async def test_sandbox_empty_list(sandbox: Sandbox, sandbox_client: Any) -> None:
    assert await items(sandbox_client.memory.list(user_id="nobody")) == []
    assert list_requests(sandbox) == 1
