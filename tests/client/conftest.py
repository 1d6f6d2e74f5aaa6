"""Fixtures of the client tests: a clean environment, no real sleeps, and sync/async clients."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import agentplatform as ap
import pytest
from agentplatform import _logging, _transport
from pytest_httpserver import HTTPServer

from ._support import API_KEY

ClientFactory = Callable[..., Any]


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> Iterator[None]:
    """No AGENTPLATFORM_* variable leaks in, the user's config file is never read."""
    for name in list(os.environ):
        if name.startswith("AGENTPLATFORM_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("AGENTPLATFORM_CONFIG_FILE", str(tmp_path / "absent.toml"))
    _logging.reset()
    yield
    _logging.reset()


@pytest.fixture(autouse=True)
def sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The delays the retry transport asked for; nothing sleeps for real."""
    delays: list[float] = []

    def fake_sleep(seconds: float) -> None:
        delays.append(seconds)

    async def fake_async_sleep(seconds: float) -> None:
        delays.append(seconds)

    monkeypatch.setattr(_transport, "sleep", fake_sleep)
    monkeypatch.setattr(_transport, "async_sleep", fake_async_sleep)
    return delays


@pytest.fixture
def server(httpserver: HTTPServer) -> HTTPServer:
    """The loopback server; a request nobody expected answers 418 (never retried)."""
    httpserver.no_handler_status_code = 418
    return httpserver


@pytest.fixture
def base_url(server: HTTPServer) -> str:
    return server.url_for("/").rstrip("/")


@pytest.fixture(params=["sync", "async"])
def mode(request: pytest.FixtureRequest) -> str:
    """Every test that builds a client runs once with `Client` and once with `AsyncClient`."""
    return str(request.param)


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
