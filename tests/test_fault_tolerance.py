"""Writes under faults, against the sandbox's real socket: nothing raised, lost or doubled,
and a write that does raise says how to send it again safely."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import _modes
import agentplatform as ap
import pytest
from _isolation import _clean_env  # noqa: F401 - fixture enabled here (real sleeps kept)
from agentplatform_sandbox import Faults, Sandbox

# Point 1 of the fault report: 30% of attempts fail, in every way a write can fail.
DEGRADED = Faults(
    error_rate=0.20,
    rate_429=0.05,
    drop_rate=0.025,
    drop_after_rate=0.025,
    retry_after_s=0,
    seed=20261201,
)


@pytest.fixture(scope="module")
def running() -> Iterator[Sandbox]:
    with Sandbox(rate_limit_per_min=10_000_000) as server:
        yield server


@pytest.fixture
def sandbox(running: Sandbox) -> Sandbox:
    running.reset()
    with running.client() as http:
        http.put(
            "/v1/ontology/schema",
            json={
                "entity_types": [{"id": "Doc", "properties": {"n": {"type": "integer"}}}],
                "relation_types": [],
            },
        ).raise_for_status()
    return running


def stored_numbers(sandbox: Sandbox) -> list[int]:
    return sorted(entity["properties"]["n"] for entity in sandbox.state.entities())


async def test_2000_concurrent_creates_at_30_percent_faults(
    sandbox: Sandbox, http_backend: str
) -> None:
    count = 2000
    sandbox.set_faults(DEGRADED)
    client = ap.AsyncClient(base_url=sandbox.url, api_key=sandbox.api_key, max_retries=10)
    gate = asyncio.Semaphore(500)

    async def create(n: int) -> str:
        async with gate:
            entity = await client.entities.create(type="Doc", properties={"n": n})
            return entity.id

    try:
        results = await asyncio.wait_for(
            asyncio.gather(*(create(n) for n in range(count)), return_exceptions=True), 120
        )
    finally:
        sandbox.set_faults()
        await client.aclose()
    raised = [result for result in results if isinstance(result, BaseException)]
    assert raised == []
    assert len(set(results)) == count
    assert stored_numbers(sandbox) == list(range(count))  # none lost, none twice
    budget = client._http._transport.policy.budget
    assert budget is not None and budget.tokens > 0


def test_threads_sharing_a_sync_client_at_30_percent_faults(sandbox: Sandbox) -> None:
    count = 400
    sandbox.set_faults(DEGRADED)
    with (
        ap.Client(base_url=sandbox.url, api_key=sandbox.api_key, max_retries=10) as client,
        ThreadPoolExecutor(16) as pool,
    ):
        futures = [
            pool.submit(client.entities.create, type="Doc", properties={"n": n})
            for n in range(count)
        ]
        errors = [future.exception(timeout=120) for future in futures]
    sandbox.set_faults()
    assert [error for error in errors if error is not None] == []
    assert stored_numbers(sandbox) == list(range(count))


mode = _modes.mode  # sync, async-httpx, async-aiohttp
http_backend = _modes.http_backend


async def call(client: Any, method: Any, *args: Any, **kwargs: Any) -> Any:
    result = method(*args, **kwargs)
    if isinstance(client, ap.AsyncClient):
        return await result
    return result


def make(mode: str, sandbox: Sandbox, **options: Any) -> Any:
    cls = ap.Client if mode == "sync" else ap.AsyncClient
    return cls(base_url=sandbox.url, api_key=sandbox.api_key, **options)


async def close(client: Any) -> None:
    if isinstance(client, ap.AsyncClient):
        await client.aclose()
    else:
        client.close()


async def test_a_write_applied_before_the_connection_dropped_is_replayed(
    sandbox: Sandbox, mode: str
) -> None:
    client = make(mode, sandbox, max_retries=1)
    sandbox.set_faults(drop_after_rate=1.0)
    try:
        with pytest.raises(ap.APIConnectionError) as caught:
            await call(client, client.entities.create, type="Doc", properties={"n": 1})
        error = caught.value
        assert len(sandbox.state.entities()) == 1  # the write took effect
        assert (error.method, error.path) == ("POST", "/v1/entities")
        assert error.idempotency_key
        assert error.idempotency_key in str(error)
        sent = {record.idempotency_key for record in sandbox.state.request_log()}
        assert error.idempotency_key in sent
        sandbox.set_faults()
        again = await call(
            client,
            client.entities.create,
            type="Doc",
            properties={"n": 1},
            idempotency_key=error.idempotency_key,
        )
        assert [entity["id"] for entity in sandbox.state.entities()] == [again.id]
    finally:
        sandbox.set_faults()
        await close(client)


async def test_a_retryable_status_of_a_post_carries_its_key(sandbox: Sandbox, mode: str) -> None:
    client = make(mode, sandbox, max_retries=1)
    sandbox.fail_next(2, status=503, path="/v1/entities")
    try:
        with pytest.raises(ap.InternalServerError) as caught:
            await call(
                client,
                client.entities.create,
                type="Doc",
                properties={"n": 2},
                idempotency_key="doc-2",
            )
        error = caught.value
        assert error.retryable
        assert (error.method, error.path, error.idempotency_key) == (
            "POST",
            "/v1/entities",
            "doc-2",
        )
        assert "idempotency_key='doc-2'" in str(error)
    finally:
        await close(client)


async def test_errors_of_other_methods_carry_no_key(sandbox: Sandbox, mode: str) -> None:
    client = make(mode, sandbox, max_retries=0)
    try:
        with pytest.raises(ap.NotFoundError) as caught:
            await call(client, client.entities.get, "ent_missing")
        assert caught.value.method == "GET"
        assert caught.value.path == "/v1/entities/ent_missing"
        assert caught.value.idempotency_key is None
    finally:
        await close(client)
