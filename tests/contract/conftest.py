"""Fixtures of the contract tests: Prism mock servers (static and dynamic) and a clean env."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterator
from typing import Any

import pytest
from agentplatform import _transport

from .prism import Prism


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> None:
    """No AGENTPLATFORM_* variable leaks in, the user's config file is never read."""
    for name in list(os.environ):
        if name.startswith("AGENTPLATFORM_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("AGENTPLATFORM_CONFIG_FILE", str(tmp_path / "absent.toml"))


@pytest.fixture(autouse=True)
def _no_real_sleeps(monkeypatch: pytest.MonkeyPatch) -> None:
    """Backoff before a stream resume (or a retry) does not wait for real."""

    async def no_wait(seconds: float) -> None:
        await asyncio.sleep(0)

    monkeypatch.setattr(_transport, "sleep", lambda seconds: None)
    monkeypatch.setattr(_transport, "async_sleep", no_wait)


@pytest.fixture(scope="session")
def prism_servers() -> Iterator[dict[str, Prism]]:
    """Two Prism mock servers of openapi.yaml that validate every request.

    `static` answers with the spec's examples (or bodies Prism derives from the schema);
    `dynamic` generates a fresh random body from the schema for every request.
    """
    servers = {"static": Prism(dynamic=False), "dynamic": Prism(dynamic=True)}
    try:
        for server in servers.values():
            server.start()
        for server in servers.values():
            server.wait_ready()
        yield servers
    finally:
        for server in servers.values():
            server.stop()
