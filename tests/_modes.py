"""Run client tests sync, async over httpx and async over aiohttp, and look into their pools.

`mode` ("sync", "async-httpx", "async-aiohttp") and `http_backend` ("httpx", "aiohttp")
make every `ap.AsyncClient()` a test builds run on that backend, whoever builds it. A
test file enables them by importing them (`from _modes import mode  # noqa: F401`).
"""

from __future__ import annotations

import ssl
from typing import Any

import pytest
from agentplatform import _backends
from agentplatform._aiohttp import AiohttpTransport

BACKENDS = ("httpx", "aiohttp")
MODES = ("sync", *(f"async-{backend}" for backend in BACKENDS))


def use_backend(monkeypatch: pytest.MonkeyPatch, backend: str) -> None:
    """Make `backend` the default of every AsyncClient built from now on in this test."""
    assert backend in BACKENDS
    monkeypatch.setattr(_backends, "default_backend", lambda: backend)


@pytest.fixture(params=MODES)
def mode(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Every test that builds a client runs with `Client` and with `AsyncClient` over
    each backend."""
    mode = str(request.param)
    if mode != "sync":
        use_backend(monkeypatch, mode.removeprefix("async-"))
    return mode


@pytest.fixture(params=BACKENDS)
def http_backend(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """An async-only test runs once per backend."""
    backend = str(request.param)
    use_backend(monkeypatch, backend)
    return backend


def transport_of(client: Any) -> Any:
    """The transport under the client's retry transport (httpcore's or aiohttp's)."""
    return client._http._transport.inner


def checked_out(client: Any) -> int:
    """Connections of the client's pool held by a request (0: none)."""
    inner = transport_of(client)
    if isinstance(inner, AiohttpTransport):
        session = inner.session
        return 0 if session is None else len(session.connector._acquired)  # type: ignore[union-attr]
    pool = inner._pool
    busy = [c for c in pool.connections if not (c.is_idle() or c.is_closed())]
    return max(len(pool._requests), len(busy))


def ssl_context_of(client: Any) -> ssl.SSLContext:
    """The TLS context the client's pool connects with."""
    inner = transport_of(client)
    context: ssl.SSLContext = (
        inner.ssl_context if isinstance(inner, AiohttpTransport) else inner._pool._ssl_context
    )
    return context
