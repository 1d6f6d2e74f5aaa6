"""Fixtures of the integration tests: a sandbox receiving the telemetry, fake LLM APIs."""

from __future__ import annotations

import asyncio
import gc
import time
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import agentplatform as ap
import pytest
from _isolation import _clean_env, sleeps  # noqa: F401 - fixtures enabled here
from agentplatform.telemetry import TelemetryConfig
from agentplatform_sandbox import Sandbox

SERVICE = "itest"
Records = Callable[..., list[dict[str, Any]]]


@pytest.fixture(scope="session")
def sandbox_server() -> Iterator[Sandbox]:
    with Sandbox() as server:
        yield server


@pytest.fixture
def sandbox(sandbox_server: Sandbox) -> Sandbox:
    sandbox_server.reset()
    return sandbox_server


@pytest.fixture
def client(sandbox: Sandbox) -> Iterator[ap.Client]:
    """An agentplatform client whose telemetry goes to the sandbox."""
    with ap.Client(
        base_url=sandbox.url,
        api_key=sandbox.api_key,
        telemetry=TelemetryConfig(service_name=SERVICE, flush_interval=0.05),
    ) as made:
        yield made


@pytest.fixture
async def aclient(sandbox: Sandbox) -> AsyncIterator[ap.AsyncClient]:
    async with ap.AsyncClient(
        base_url=sandbox.url,
        api_key=sandbox.api_key,
        telemetry=TelemetryConfig(service_name=SERVICE, flush_interval=0.05),
    ) as made:
        yield made


def wait_for(count: int, sandbox: Sandbox, timeout: float = 10.0) -> list[dict[str, Any]]:
    """The sandbox's LLM records once there are `count` (fails after `timeout` s)."""
    deadline = time.monotonic() + timeout
    while True:
        found = [r for r in sandbox.state.telemetry_records() if r["kind"] == "llm_event"]
        if len(found) >= count or time.monotonic() > deadline:
            assert len(found) == count, found
            return found
        gc.collect()
        time.sleep(0.02)


async def async_records(
    aclient: ap.AsyncClient, sandbox: Sandbox, count: int, within: float = 10.0
) -> list[dict[str, Any]]:
    """`wait_for`, flushing `aclient`'s telemetry and yielding to its event loop meanwhile."""
    deadline = time.monotonic() + within
    while True:
        await aclient.telemetry.flush(within)
        found = [r for r in sandbox.state.telemetry_records() if r["kind"] == "llm_event"]
        if len(found) >= count or time.monotonic() > deadline:
            assert len(found) == count, found
            return found
        gc.collect()
        await asyncio.sleep(0.02)


@pytest.fixture
def records(client: ap.Client, sandbox: Sandbox) -> Records:
    """Flush `client`'s telemetry and return exactly `count` LLM records from the sandbox."""

    def read(count: int, timeout: float = 10.0) -> list[dict[str, Any]]:
        client.telemetry.flush(timeout)
        return wait_for(count, sandbox, timeout)

    return read
