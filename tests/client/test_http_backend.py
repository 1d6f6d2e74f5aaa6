"""`AsyncClient(http_backend=...)`: the choice, the aiohttp transport, and its errors as httpx's."""

from __future__ import annotations

import asyncio
import base64
import gc
import json
from collections.abc import AsyncIterator, Iterator
from typing import Any

import agentplatform as ap
import aiohttp
import httpx
import pytest
from _modes import BACKENDS, checked_out, transport_of
from agentplatform import _backends
from agentplatform._aiohttp import AiohttpTransport
from agentplatform._aiohttp_errors import httpx_error
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from ._support import API_KEY, ENTITY, HEALTH, RawServer, closed_port_url, json_response

# --- choosing the backend ---------------------------------------------------------------


async def test_aiohttp_is_the_default_when_installed(base_url: str) -> None:
    async with ap.AsyncClient(api_key=API_KEY, base_url=base_url) as client:
        assert isinstance(transport_of(client), AiohttpTransport)
        assert transport_of(client).limits == _backends.AIOHTTP_LIMITS


async def test_httpx_on_request(base_url: str) -> None:
    async with ap.AsyncClient(api_key=API_KEY, base_url=base_url, http_backend="httpx") as client:
        assert isinstance(transport_of(client), httpx.AsyncHTTPTransport)


async def test_without_aiohttp_the_default_is_httpx(
    base_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_backends, "aiohttp_installed", lambda: False)
    async with ap.AsyncClient(api_key=API_KEY, base_url=base_url) as client:
        assert isinstance(transport_of(client), httpx.AsyncHTTPTransport)


def test_an_unknown_backend_is_a_configuration_error() -> None:
    with pytest.raises(ap.ConfigurationError, match=r"pip install 'agentplatform\[aiohttp\]'"):
        ap.AsyncClient(api_key=API_KEY, http_backend="requests")  # type: ignore[arg-type]


async def test_http_backend_and_http_client_do_not_go_together() -> None:
    async with httpx.AsyncClient() as http:
        with pytest.raises(ap.ConfigurationError, match="not both"):
            ap.AsyncClient(api_key=API_KEY, http_client=http, http_backend="aiohttp")


async def test_a_users_http_client_is_used_as_given(base_url: str) -> None:
    async with httpx.AsyncClient() as http:
        client = ap.AsyncClient(api_key=API_KEY, base_url=base_url, http_client=http)
        assert client._http is http
        assert isinstance(transport_of(client), httpx.AsyncHTTPTransport)


def test_socks_proxies_stay_on_httpx() -> None:
    # aiohttp has no SOCKS: httpx's transport serves them (here it asks for socksio).
    with pytest.raises(ImportError, match="socksio"):
        ap.AsyncClient(api_key=API_KEY, proxy="socks5://127.0.0.1:1080", http_backend="aiohttp")


# --- the wire: the same request over both backends ------------------------------------------


def _recorder(seen: list[Request]) -> Any:
    def handler(request: Request) -> Response:
        seen.append(request)
        body = HEALTH if request.path.endswith("health") else ENTITY
        response = json_response(body, 201 if request.method == "POST" else 200)
        response.set_cookie("session", "abc")
        return response

    return handler


async def test_both_backends_send_the_same_headers_and_body(server: HTTPServer) -> None:
    seen: list[Request] = []
    server.expect_request("/v1/health").respond_with_handler(_recorder(seen))
    server.expect_request("/v1/entities", method="POST").respond_with_handler(_recorder(seen))
    sent: dict[str, list[tuple[dict[str, str], bytes]]] = {}
    for backend in BACKENDS:
        seen.clear()
        async with ap.AsyncClient(
            api_key=API_KEY,
            base_url=server.url_for("/").rstrip("/"),
            http_backend=backend,  # type: ignore[arg-type]
        ) as client:
            await client.health()
            await client.entities.create(type="P", properties={"n": 1}, idempotency_key="k-1")
            await client.health()  # carries the cookie httpx kept, once
        sent[backend] = [
            ({k.lower(): v for k, v in request.headers.items()}, request.get_data())
            for request in seen
        ]
    assert sent["aiohttp"] == sent["httpx"]
    (_, get_body), (post_headers, post_body), (third, _) = sent["aiohttp"]
    assert get_body == b""
    assert json.loads(post_body) == {"type": "P", "properties": {"n": 1}}
    assert post_headers["content-type"] == "application/json"
    assert third["cookie"] == "session=abc"


async def test_a_streamed_request_body_is_sent_whole(server: HTTPServer) -> None:
    seen: list[Request] = []
    server.expect_request("/upload", method="POST").respond_with_handler(_recorder(seen))

    async def body() -> AsyncIterator[bytes]:
        for part in (b"one ", b"two ", b"three"):
            yield part

    async with httpx.AsyncClient(transport=_transport()) as http:
        response = await http.post(server.url_for("/upload"), content=body())
        await response.aread()
    assert response.status_code == 201
    assert seen[0].get_data() == b"one two three"


@pytest.mark.parametrize("backend", BACKENDS)
async def test_the_proxy_gets_the_credentials_of_the_proxy_url(
    server: HTTPServer, backend: str
) -> None:
    seen: list[Request] = []
    server.expect_request("/v1/health").respond_with_handler(_recorder(seen))
    proxy = server.url_for("/").replace("http://", "http://user:s3cret@")
    async with ap.AsyncClient(
        api_key=API_KEY,
        base_url="http://api.example.invalid",
        proxy=proxy,
        http_backend=backend,  # type: ignore[arg-type]
    ) as client:
        assert (await client.health()).status == "ok"
    assert seen[0].headers["Host"] == "api.example.invalid"
    expected = base64.b64encode(b"user:s3cret").decode()
    assert seen[0].headers["Proxy-Authorization"] == f"Basic {expected}"


# --- failures: the same SDK errors as over httpx ----------------------------------------------


@pytest.fixture
def raw_server(request: pytest.FixtureRequest) -> Iterator[RawServer]:
    server = RawServer(request.param)
    yield server
    server.close()


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize(
    ("raw_server", "error", "cause"),
    [
        ("close", ap.APIConnectionError, "Error"),  # reset or closed: a race on both
        ("partial", ap.APIConnectionError, "RemoteProtocolError"),
        ("truncated", ap.APIConnectionError, "RemoteProtocolError"),
        ("reset", ap.APIConnectionError, "ReadError"),
        ("silent", ap.APITimeoutError, "ReadTimeout"),
    ],
    indirect=["raw_server"],
)
async def test_a_failure_is_the_same_sdk_error_on_both_backends(
    raw_server: RawServer, backend: str, error: type[Exception], cause: str
) -> None:
    client = ap.AsyncClient(
        api_key=API_KEY,
        base_url=raw_server.url,
        max_retries=1,
        timeout=0.2,
        http_backend=backend,  # type: ignore[arg-type]
    )
    with pytest.raises(ap.APIConnectionError) as info:
        await client.entities.create(type="P", properties={})
    await client.aclose()
    assert type(info.value) is error  # a dropped connection is never a timeout
    assert cause in str(info.value)
    assert info.value.idempotency_key is not None
    assert raw_server.accepted == 2  # retried once


@pytest.mark.parametrize("backend", BACKENDS)
async def test_a_closed_port_is_a_connect_error(backend: str) -> None:
    client = ap.AsyncClient(
        api_key=API_KEY,
        base_url=closed_port_url(),
        max_retries=0,
        http_backend=backend,  # type: ignore[arg-type]
    )
    with pytest.raises(ap.APIConnectionError) as info:
        await client.health()
    await client.aclose()
    assert type(info.value) is ap.APIConnectionError
    assert "ConnectError" in str(info.value)
    assert checked_out(client) == 0


@pytest.mark.parametrize("behaviour", ["truncated", "reset"])
@pytest.mark.parametrize("content_type", ["application/json", "text/event-stream"])
async def test_errors_while_reading_a_body_become_httpx_errors(
    behaviour: str, content_type: str
) -> None:
    raw_server = RawServer(behaviour, content_type)
    transport = _transport()
    request = httpx.Request("GET", raw_server.url + "/v1/health")
    expected = httpx.RemoteProtocolError if behaviour == "truncated" else httpx.ReadError
    try:
        with pytest.raises(expected) as info:
            # A JSON body is read before the response is returned (inside the retry
            # loop); an event stream as it is iterated.
            response = await transport.handle_async_request(request)
            assert content_type == "text/event-stream"
            assert response.status_code == 200
            async for _ in response.aiter_raw():
                pass
        assert info.value.request is request
        assert isinstance(info.value.__cause__, aiohttp.ClientError)
        if content_type == "text/event-stream":
            await response.aclose()
        assert len(transport.session.connector._acquired) == 0  # type: ignore[union-attr]
    finally:
        await transport.aclose()
        raw_server.close()


async def test_a_body_is_read_in_the_transport_except_an_event_stream(server: HTTPServer) -> None:
    server.expect_request("/json").respond_with_json(HEALTH)
    server.expect_request("/sse").respond_with_data("data: x\n\n", content_type="text/event-stream")
    transport = _transport()
    json_response = await transport.handle_async_request(
        httpx.Request("GET", server.url_for("/json"))
    )
    assert isinstance(json_response.stream, httpx.ByteStream)
    assert json.loads(await json_response.aread()) == HEALTH
    stream = await transport.handle_async_request(httpx.Request("GET", server.url_for("/sse")))
    assert not isinstance(stream.stream, httpx.ByteStream)
    assert await stream.aread() == b"data: x\n\n"
    await stream.aclose()
    assert len(transport.session.connector._acquired) == 0  # type: ignore[union-attr]
    await transport.aclose()


def test_cookies_are_kept_only_from_responses_that_set_them() -> None:
    jar = _backends.CookiesWhenSet()
    request = httpx.Request("GET", "http://h.test/")
    jar.extract_cookies(httpx.Response(200, headers={"X-A": "b"}, request=request))
    assert dict(jar) == {}
    cookie = httpx.Response(200, headers={"Set-Cookie": "s=1"}, request=request)
    jar.extract_cookies(cookie)
    assert dict(jar) == {"s": "1"}


def _transport() -> AiohttpTransport:
    return AiohttpTransport(ssl_context=httpx.create_ssl_context(), limits=_backends.AIOHTTP_LIMITS)


def _key() -> Any:
    """The connection key aiohttp's connector errors name."""
    return aiohttp.client_reqrep.ConnectionKey("h.test", 80, False, True, None, None, None, None)


@pytest.mark.parametrize(
    ("raised", "expected"),
    [
        (aiohttp.ServerDisconnectedError, httpx.RemoteProtocolError),
        (lambda: aiohttp.ClientConnectionResetError("reset"), httpx.ReadError),
        (lambda: aiohttp.ClientOSError(104, "Connection reset by peer"), httpx.ReadError),
        (lambda: aiohttp.ClientPayloadError("not completed"), httpx.RemoteProtocolError),
        (
            lambda: aiohttp.ClientPayloadError(
                "Response payload is not completed: <ContentLengthError>. "
                "ConnectionResetError(104, 'Connection reset by peer')"
            ),
            httpx.ReadError,
        ),
        (
            lambda: aiohttp.ClientConnectorError(_key(), ConnectionRefusedError(111, "refused")),
            httpx.ConnectError,
        ),
        (lambda: aiohttp.ConnectionTimeoutError("connect"), httpx.ConnectTimeout),
        (lambda: aiohttp.SocketTimeoutError("read"), httpx.ReadTimeout),
        (lambda: aiohttp.ServerTimeoutError("read"), httpx.ReadTimeout),
        (TimeoutError, httpx.ReadTimeout),
        (lambda: aiohttp.ServerFingerprintMismatch(b"a", b"b", "h", 1), httpx.ConnectError),
        (lambda: aiohttp.ClientResponseError(None, (), status=400), httpx.RemoteProtocolError),
        (lambda: OSError(5, "I/O error"), httpx.ReadError),
    ],
)
def test_aiohttp_errors_map_to_the_errors_httpx_raises(raised: Any, expected: type) -> None:
    request = httpx.Request("GET", "http://h.test/")
    exc = raised()
    mapped = httpx_error(exc, request)
    assert type(mapped) is expected
    assert mapped is not None and mapped.request is request
    assert type(exc).__name__ in str(mapped)


def test_other_exceptions_are_not_mapped() -> None:
    assert httpx_error(ValueError("bug"), httpx.Request("GET", "http://h.test/")) is None


# --- the session: per event loop, closed with the client --------------------------------------


async def test_aclose_closes_the_session(server: HTTPServer) -> None:
    server.expect_request("/v1/health").respond_with_json(HEALTH)
    client = ap.AsyncClient(
        api_key=API_KEY, base_url=server.url_for("/").rstrip("/"), http_backend="aiohttp"
    )
    transport = transport_of(client)
    assert transport.session is None  # nothing is opened before the first call
    await client.health()
    session = transport.session
    assert session is not None and not session.closed
    await client.aclose()
    assert session.closed
    assert transport.session is None


async def test_a_client_dropped_without_aclose_has_its_session_closed(
    server: HTTPServer,
) -> None:
    server.expect_request("/v1/health").respond_with_json(HEALTH)
    client = ap.AsyncClient(
        api_key=API_KEY, base_url=server.url_for("/").rstrip("/"), http_backend="aiohttp"
    )
    await client.health()
    session = transport_of(client).session
    del client
    gc.collect()
    for _ in range(50):  # the loop closes it in a task of its own
        if session.closed:
            break
        await asyncio.sleep(0.01)
    assert session.closed


def test_a_client_serves_one_event_loop_after_another(server: HTTPServer) -> None:
    server.expect_request("/v1/health").respond_with_json(HEALTH)
    client = ap.AsyncClient(
        api_key=API_KEY, base_url=server.url_for("/").rstrip("/"), http_backend="aiohttp"
    )
    sessions = []

    async def call() -> str:
        status = (await client.health()).status
        sessions.append(transport_of(client).session)
        return status

    assert asyncio.run(call()) == "ok"
    assert asyncio.run(call()) == "ok"  # a new loop gets a session of its own
    first, second = sessions
    assert first is not second
    assert first.closed  # closed when its asyncio.run ended, though never aclose()d
    asyncio.run(client.aclose())
    assert second.closed


def test_the_timeouts_of_a_request_become_aiohttps() -> None:
    transport = _transport()
    request = httpx.Request(
        "GET",
        "http://h.test/",
        extensions={"timeout": {"connect": 2.0, "read": 7.0, "write": 7.0, "pool": 3.0}},
    )
    timeout = transport._timeout(request)
    assert (timeout.total, timeout.connect, timeout.sock_connect, timeout.sock_read) == (
        None,
        5.0,
        2.0,
        7.0,
    )
    assert transport._timeout(request) is timeout  # built once per distinct timeout
    none = httpx.Request(
        "GET", "http://h.test/", extensions={"timeout": httpx.Timeout(None).as_dict()}
    )
    unbounded = transport._timeout(none)
    assert (unbounded.total, unbounded.connect, unbounded.sock_read) == (None, None, None)
