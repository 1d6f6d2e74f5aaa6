"""Fixtures of the telemetry tests: a clean environment, no real retry sleeps, the sandbox."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
from agentplatform import _logging, _transport
from agentplatform_sandbox import Faults, Sandbox


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


@pytest.fixture(scope="session")
def sandbox_server() -> Iterator[Sandbox]:
    """One sandbox for the whole session."""
    with Sandbox() as server:
        yield server


@pytest.fixture
def sandbox(sandbox_server: Sandbox) -> Iterator[Sandbox]:
    """The session's sandbox, reset, running, and with no faults."""
    if not sandbox_server.running:
        sandbox_server.start()
    sandbox_server.reset()
    yield sandbox_server
    sandbox_server.set_faults(Faults())
    if not sandbox_server.running:
        sandbox_server.start()
