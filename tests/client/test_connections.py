"""Network failures: retried, then raised as SDK errors, and no connection is left checked out."""

from __future__ import annotations

import gzip
import json
import ssl
from collections.abc import AsyncIterator, Iterator
from typing import Any

import agentplatform as ap
import httpx
import pytest
from _modes import checked_out
from agentplatform._operation import Call
from agentplatform_api.api.health import get_health
from pytest_httpserver import HTTPServer

from ._support import (
    API_KEY,
    ENTITY,
    HEALTH,
    RawServer,
    Sequence,
    closed_port_url,
    json_response,
    problem,
    run,
)


def assert_nothing_checked_out(client: Any) -> None:
    assert checked_out(client) == 0


@pytest.fixture
def raw_server(request: pytest.FixtureRequest) -> Iterator[RawServer]:
    server = RawServer(request.param)
    yield server
    server.close()


async def test_closed_port_raises_connection_error_after_retries(
    make_client: Any, sleeps: list[float]
) -> None:
    client = make_client(base_url=closed_port_url(), max_retries=3)
    with pytest.raises(ap.APIConnectionError) as info:
        await run(client.health())
    assert type(info.value) is ap.APIConnectionError
    assert len(sleeps) == 3
    message = str(info.value)
    assert "ConnectError" in message
    assert "check base_url" in message
    assert API_KEY not in message
    assert_nothing_checked_out(client)


@pytest.mark.parametrize("raw_server", ["close", "partial"], indirect=True)
async def test_dropped_connection_is_retried(
    make_client: Any, raw_server: RawServer, sleeps: list[float]
) -> None:
    client = make_client(base_url=raw_server.url, max_retries=2)
    with pytest.raises(ap.APIConnectionError):
        await run(client.entities.create(type="P", properties={}))
    assert raw_server.accepted == 3
    assert len(sleeps) == 2
    assert_nothing_checked_out(client)


@pytest.mark.parametrize("raw_server", ["silent"], indirect=True)
async def test_server_that_never_answers_times_out_after_retries(
    make_client: Any, raw_server: RawServer, sleeps: list[float]
) -> None:
    client = make_client(base_url=raw_server.url, max_retries=1, timeout=0.05)
    with pytest.raises(ap.APITimeoutError) as info:
        await run(client.health())
    assert isinstance(info.value, ap.APIConnectionError)
    assert "ReadTimeout" in str(info.value)
    assert "raise timeout=" in str(info.value)
    assert raw_server.accepted == 2
    assert len(sleeps) == 1
    assert_nothing_checked_out(client)


@pytest.mark.parametrize("raw_server", ["silent"], indirect=True)
async def test_per_call_timeout_applies(
    make_client: Any, raw_server: RawServer, sleeps: list[float]
) -> None:
    client = make_client(base_url=raw_server.url, max_retries=0)
    with pytest.raises(ap.APITimeoutError):
        await run(client.health(timeout=0.05))
    assert raw_server.accepted == 1


async def test_no_connection_left_after_status_errors(client: Any, server: HTTPServer) -> None:
    handler = Sequence(json_response(problem(503), 503), json_response(problem(404), 404))
    server.expect_request("/v1/health").respond_with_handler(handler)
    for _ in range(3):
        with pytest.raises(ap.APIStatusError):
            await run(client.health())
    assert_nothing_checked_out(client)


async def test_no_connection_left_after_validation_errors(client: Any, server: HTTPServer) -> None:
    server.expect_request("/v1/entities/e").respond_with_json({**ENTITY, "version": "x"})
    for _ in range(3):
        with pytest.raises(ap.APIResponseValidationError):
            await run(client.entities.get("e"))
    assert_nothing_checked_out(client)


async def test_the_pool_check_sees_a_leaked_response(
    client: Any, server: HTTPServer, mode: str
) -> None:
    # An event stream is handed over unread: until it is closed, it holds its connection.
    # (Large, so that no backend can have read all of it ahead of the caller.)
    server.expect_request("/v1/health").respond_with_data(
        "data: x\n\n" * 500_000, content_type="text/event-stream"
    )
    request = client._http.build_request("GET", server.url_for("/v1/health"))
    response = await run(client._http.send(request, stream=True))
    with pytest.raises(AssertionError):
        assert_nothing_checked_out(client)
    await run(response.close() if mode == "sync" else response.aclose())
    assert_nothing_checked_out(client)


async def test_pool_is_idle_after_a_mix_of_outcomes(
    client: Any, server: HTTPServer, sleeps: list[float]
) -> None:
    handler = Sequence(
        json_response(problem(500), 500),
        json_response(HEALTH, 200),
        json_response(problem(429), 429, {"Retry-After": "999"}),
        json_response({"status": 1}, 200),
        cycle=True,
    )
    server.expect_request("/v1/health").respond_with_handler(handler)
    outcomes = []
    for _ in range(4):
        try:
            outcomes.append(type(await run(client.health())).__name__)
        except ap.AgentPlatformError as exc:
            outcomes.append(type(exc).__name__)
    assert outcomes == ["Health", "RateLimitError", "APIResponseValidationError", "Health"]
    assert_nothing_checked_out(client)


class _TLSAlertStream(httpx.AsyncByteStream, httpx.SyncByteStream):
    """A body that fails like anyio does on a TLS alert: with a raw `ssl.SSLError`."""

    def __iter__(self) -> Iterator[bytes]:
        yield b'{"status": '
        raise ssl.SSLError(1, "[SSL: TLSV13_ALERT_CERTIFICATE_REQUIRED] alert")

    async def __aiter__(self) -> AsyncIterator[bytes]:
        yield b'{"status": '
        raise ssl.SSLError(1, "[SSL: TLSV13_ALERT_CERTIFICATE_REQUIRED] alert")


def _raising_transport(where: str, exc: OSError) -> httpx.MockTransport:
    def handler(request: httpx.Request) -> httpx.Response:
        if where == "send":
            raise exc
        return httpx.Response(200, stream=_TLSAlertStream())

    return httpx.MockTransport(handler)


@pytest.mark.parametrize("where", ["send", "body"])
@pytest.mark.parametrize(
    "exc",
    [ssl.SSLError(1, "[SSL: TLSV13_ALERT_CERTIFICATE_REQUIRED] alert"), ConnectionResetError()],
    ids=["ssl", "reset"],
)
async def test_raw_os_errors_become_connection_errors(
    mode: str, where: str, exc: OSError, sleeps: list[float]
) -> None:
    transport = _raising_transport(where, exc)
    if mode == "sync":
        sync_client = ap.Client(
            api_key=API_KEY,
            base_url="http://h.invalid",
            http_client=httpx.Client(transport=transport),
        )
        with pytest.raises(ap.APIConnectionError) as info:
            sync_client.health()
    else:
        async_client = ap.AsyncClient(
            api_key=API_KEY,
            base_url="http://h.invalid",
            http_client=httpx.AsyncClient(transport=transport),
        )
        with pytest.raises(ap.APIConnectionError) as info:
            await async_client.health()
    if where == "send":
        assert len(sleeps) == 2  # retried like any network failure
        assert type(exc).__name__ in str(info.value)


@pytest.mark.parametrize(
    ("raw_server", "error"),
    [("truncated", ap.APIConnectionError), ("stall", ap.APITimeoutError)],
    indirect=["raw_server"],
)
async def test_failure_while_reading_the_body_is_retried(
    make_client: Any, raw_server: RawServer, sleeps: list[float], error: type[Exception]
) -> None:
    client = make_client(base_url=raw_server.url, max_retries=2, timeout=0.1)
    with pytest.raises(error):
        await run(client.health())
    assert raw_server.accepted == 3
    assert len(sleeps) == 2
    assert_nothing_checked_out(client)


async def test_buffered_bodies_keep_their_encoding_and_timing(
    client: Any, server: HTTPServer
) -> None:
    body = gzip.compress(json.dumps(HEALTH).encode())
    server.expect_request("/v1/health").respond_with_data(
        body, content_type="application/json", headers={"Content-Encoding": "gzip"}
    )
    raw = await run(client.with_raw_response.health())
    assert raw.parsed.status == "ok"
    assert raw.http_response.elapsed.total_seconds() >= 0
    assert raw.http_response.num_bytes_downloaded == len(body)
    assert_nothing_checked_out(client)


def _event_stream_transport(status: int) -> httpx.MockTransport:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            status, headers={"content-type": "text/event-stream"}, stream=_TLSAlertStream()
        )

    return httpx.MockTransport(handler)


def _read_event_stream(http: httpx.Client) -> None:
    with http.stream("GET", "http://h.invalid/v1/chat/stream") as response:
        response.read()


async def _aread_event_stream(http: httpx.AsyncClient) -> None:
    async with http.stream("GET", "http://h.invalid/v1/chat/stream") as response:
        await response.aread()


async def test_event_stream_errors_become_httpx_errors(mode: str) -> None:
    """An event stream is handed over unread; a TLS alert while reading it is an httpx error."""
    transport = _event_stream_transport(200)
    with pytest.raises(httpx.ConnectError, match="TLSV13_ALERT"):
        if mode == "sync":
            http = httpx.Client(transport=transport)
            ap.Client(api_key=API_KEY, base_url="http://h.invalid", http_client=http)
            _read_event_stream(http)
        else:
            ahttp = httpx.AsyncClient(transport=transport)
            ap.AsyncClient(api_key=API_KEY, base_url="http://h.invalid", http_client=ahttp)
            await _aread_event_stream(ahttp)


async def test_failure_while_reading_a_streamed_error_body(mode: str) -> None:
    """A streamed call whose error body cannot be read raises a connection error."""
    transport = _event_stream_transport(503)
    client: Any
    if mode == "sync":
        client = ap.Client(
            api_key=API_KEY,
            base_url="http://h.invalid",
            http_client=httpx.Client(transport=transport),
            max_retries=0,
        )
    else:
        client = ap.AsyncClient(
            api_key=API_KEY,
            base_url="http://h.invalid",
            http_client=httpx.AsyncClient(transport=transport),
            max_retries=0,
        )
    call: Any = Call(get_health, {}, {})
    with pytest.raises(ap.APIConnectionError, match="TLSV13_ALERT"):
        await run(client._core.send(call, stream=True))
