"""A call on a closed client raises `ClientClosedError`, never an `APIConnectionError`."""

from __future__ import annotations

from typing import Any

import agentplatform as ap
import httpx
import pytest
from pytest_httpserver import HTTPServer

from ._support import API_KEY, HEALTH, run


async def close(client: Any) -> None:
    await run(client.close())


def assert_closed_error(info: pytest.ExceptionInfo[BaseException]) -> None:
    error = info.value
    assert isinstance(error, ap.ClientClosedError)
    assert isinstance(error, ap.AgentPlatformError)
    assert isinstance(error, RuntimeError)
    assert not isinstance(error, ap.APIConnectionError)  # callers retry those
    assert "create a new client" in str(error)


async def test_every_kind_of_call_after_close(make_client: Any, server: HTTPServer) -> None:
    client = make_client()
    server.expect_request("/v1/health").respond_with_json(HEALTH)
    await run(client.health())
    await close(client)
    calls = [
        client.health,
        client.with_raw_response.health,
        lambda: client.entities.list(type="Person").to_list(),
        lambda: client.with_options(timeout=1).health(),
    ]
    for call in calls:
        with pytest.raises(ap.ClientClosedError) as info:
            await run(call())
        assert_closed_error(info)
    assert len(server.log) == 1  # nothing was sent after close


def test_after_the_with_block_of_a_client(base_url: str) -> None:
    with ap.Client(api_key=API_KEY, base_url=base_url) as client:
        pass
    with pytest.raises(ap.ClientClosedError) as info:
        client.health()
    assert_closed_error(info)
    with pytest.raises(ap.ClientClosedError), client.chat.stream("hi") as stream:
        list(stream)


async def test_after_the_async_with_block(base_url: str, http_backend: str) -> None:
    async with ap.AsyncClient(api_key=API_KEY, base_url=base_url) as client:
        pass
    with pytest.raises(ap.ClientClosedError) as info:
        await client.health()
    assert_closed_error(info)
    with pytest.raises(ap.ClientClosedError):
        async with client.chat.stream("hi") as stream:
            [event async for event in stream]


async def test_a_closed_client_on_your_own_http_client(
    mode: str, base_url: str, server: HTTPServer
) -> None:
    # close() leaves your httpx client open, but the SDK client is closed all the same
    server.expect_request("/v1/health").respond_with_json(HEALTH)
    if mode == "sync":
        http: Any = httpx.Client()
        client: Any = ap.Client(api_key=API_KEY, base_url=base_url, http_client=http)
    else:
        http = httpx.AsyncClient()
        client = ap.AsyncClient(api_key=API_KEY, base_url=base_url, http_client=http)
    await run(client.health())
    await close(client)
    assert not http.is_closed
    with pytest.raises(ap.ClientClosedError):
        await run(client.health())
    await run(http.close() if mode == "sync" else http.aclose())
