"""Fixtures of the telemetry tests: a clean environment, no real retry sleeps, the sandbox."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from _isolation import _clean_env, sleeps  # noqa: F401 - fixtures enabled here
from agentplatform_sandbox import Faults, Sandbox


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
