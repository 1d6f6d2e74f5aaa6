"""Fixtures of the client tests: a clean environment, no real sleeps, and sync/async clients."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import _modes
import agentplatform as ap
import pytest
from _isolation import _clean_env, sleeps  # noqa: F401 - fixtures enabled here
from pytest_httpserver import HTTPServer

from ._support import API_KEY

ClientFactory = Callable[..., Any]
mode = _modes.mode  # sync, async-httpx, async-aiohttp
http_backend = _modes.http_backend


@pytest.fixture
def server(httpserver: HTTPServer) -> HTTPServer:
    """The loopback server; a request nobody expected answers 418 (never retried)."""
    httpserver.no_handler_status_code = 418
    return httpserver


@pytest.fixture
def base_url(server: HTTPServer) -> str:
    return server.url_for("/").rstrip("/")


@pytest.fixture
async def make_client(mode: str, base_url: str) -> AsyncIterator[ClientFactory]:
    """Build a client of the test's mode (key and URL default to the loopback server)."""
    made: list[Any] = []

    def make(**options: Any) -> Any:
        options.setdefault("api_key", API_KEY)
        options.setdefault("base_url", base_url)
        cls = ap.Client if mode == "sync" else ap.AsyncClient
        client = cls(**options)
        made.append(client)
        return client

    yield make
    for client in made:
        if isinstance(client, ap.AsyncClient):
            await client.aclose()
        else:
            client.close()


@pytest.fixture
def client(make_client: ClientFactory) -> Any:
    """A client of the test's mode with default settings."""
    return make_client()
