"""Fixtures of the streaming tests: a clean environment, no real sleeps, a threaded
loopback server and clients of each mode."""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import _modes
import agentplatform as ap
import pytest
from _isolation import _clean_env, sleeps  # noqa: F401 - fixtures enabled here
from pytest_httpserver import HTTPServer

from ._support import API_KEY

mode = _modes.mode  # sync, async-httpx, async-aiohttp


@pytest.fixture
def stop() -> Iterator[threading.Event]:
    """Set at teardown, so that slow server handlers end."""
    event = threading.Event()
    yield event
    event.set()


@pytest.fixture(scope="module")
def http_server() -> Iterator[HTTPServer]:
    srv = HTTPServer(threaded=True)
    srv.no_handler_status_code = 418
    srv.start()
    yield srv
    srv.stop()


@pytest.fixture
def server(http_server: HTTPServer, stop: threading.Event) -> Iterator[HTTPServer]:
    """The module's threaded loopback server, with no handlers at the start of each test."""
    http_server.clear()
    yield http_server
    stop.set()
    http_server.clear()


@pytest.fixture
async def make_client(mode: str, server: HTTPServer) -> AsyncIterator[Callable[..., Any]]:
    made: list[Any] = []

    def make(**options: Any) -> Any:
        options.setdefault("api_key", API_KEY)
        options.setdefault("base_url", server.url_for("/").rstrip("/"))
        client = (ap.Client if mode == "sync" else ap.AsyncClient)(**options)
        made.append(client)
        return client

    yield make
    for client in made:
        if isinstance(client, ap.AsyncClient):
            await client.aclose()
        else:
            client.close()


@pytest.fixture
def client(make_client: Callable[..., Any]) -> Any:
    return make_client()
