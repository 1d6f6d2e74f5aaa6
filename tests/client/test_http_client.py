"""`http_client=`, TLS (`verify=`, `cert=`) and `proxy=`: passed through, with retries and hooks."""

from __future__ import annotations

import ssl
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import agentplatform as ap
import certifi
import httpx
import pytest
import trustme
from _modes import ssl_context_of
from agentplatform._transport import AsyncRetryTransport, RetryTransport
from pytest_httpserver import HTTPServer

from ._support import API_KEY, HEALTH, Sequence, json_response, problem, run


def user_http_client(mode: str, **kwargs: Any) -> Any:
    return httpx.Client(**kwargs) if mode == "sync" else httpx.AsyncClient(**kwargs)


async def close_http(http: Any) -> None:
    await run(http.close() if isinstance(http, httpx.Client) else http.aclose())


async def test_user_http_client_gets_retries_and_hooks(
    make_client: Any, server: HTTPServer, mode: str
) -> None:
    http = user_http_client(mode, headers={"X-From-User-Client": "1"})
    seen: list[str] = []
    client = make_client(
        http_client=http,
        before_request=lambda r: seen.append("before"),
        after_response=lambda r: seen.append("after"),
    )
    handler = Sequence(json_response(problem(503), 503), json_response(HEALTH, 200))
    server.expect_request("/v1/health").respond_with_handler(handler)
    assert (await run(client.health())).status == "ok"
    assert len(handler.requests) == 2
    assert seen == ["before", "after"]
    assert handler.requests[0].headers["X-From-User-Client"] == "1"
    assert handler.requests[0].headers["X-API-Key"] == API_KEY
    assert isinstance(http._transport, (RetryTransport, AsyncRetryTransport))
    assert client._http is http
    # The SDK does not close a pool it does not own.
    await run(client.close())
    assert not http.is_closed
    await close_http(http)


async def test_user_http_client_keeps_its_timeout_unless_one_is_set(
    make_client: Any, server: HTTPServer, mode: str
) -> None:
    http = user_http_client(mode, timeout=httpx.Timeout(3.0, connect=1.0))
    seen: list[httpx.Request] = []
    server.expect_request("/v1/health").respond_with_json(HEALTH)
    own = make_client(http_client=http, before_request=seen.append)
    await run(own.health())
    assert seen[-1].extensions["timeout"] == {
        "connect": 1.0,
        "read": 3.0,
        "write": 3.0,
        "pool": 3.0,
    }
    configured = make_client(http_client=http, timeout=7, before_request=seen.append)
    await run(configured.health())
    assert seen[-1].extensions["timeout"]["read"] == 7.0
    copy = own.with_options(timeout=2)
    await run(copy.health())
    assert seen[-1].extensions["timeout"]["read"] == 2.0
    await close_http(http)


async def test_two_clients_on_one_http_client_keep_their_own_retries(
    make_client: Any, server: HTTPServer, mode: str
) -> None:
    http = user_http_client(mode)
    patient = make_client(http_client=http, max_retries=3)
    impatient = make_client(http_client=http, max_retries=0)
    handler = Sequence(json_response(problem(503), 503))
    server.expect_request("/v1/health").respond_with_handler(handler)
    with pytest.raises(ap.InternalServerError):
        await run(impatient.health())
    assert len(handler.requests) == 1
    with pytest.raises(ap.InternalServerError):
        await run(patient.health())
    assert len(handler.requests) == 5
    await close_http(http)


async def test_mounted_transports_are_wrapped_too(
    make_client: Any, server: HTTPServer, mode: str
) -> None:
    inner = httpx.HTTPTransport() if mode == "sync" else httpx.AsyncHTTPTransport()
    http = user_http_client(mode, mounts={"http://": inner, "https://example.com": None})
    make_client(http_client=http)
    wrapped = http._mounts
    kinds = {type(t).__name__ for t in wrapped.values() if t is not None}
    assert kinds <= {"RetryTransport", "AsyncRetryTransport"}
    handler = Sequence(json_response(problem(502), 502), json_response(HEALTH, 200))
    server.expect_request("/v1/health").respond_with_handler(handler)
    client = make_client(http_client=http)  # wrapping twice does not stack retries
    await run(client.health())
    assert len(handler.requests) == 2
    await close_http(http)


@pytest.mark.parametrize(
    ("wrong", "fragment"),
    [
        ("swap", "http_client must be an httpx."),
        ("string", "http_client must be an httpx."),
        ("closed", "is closed"),
        ("verify", "go on the httpx."),
    ],
)
async def test_bad_http_client(make_client: Any, mode: str, wrong: str, fragment: str) -> None:
    other_mode = "async" if mode == "sync" else "sync"
    http = user_http_client(other_mode if wrong == "swap" else mode)
    options: dict[str, Any] = {"http_client": "http://x" if wrong == "string" else http}
    if wrong == "closed":
        await close_http(http)
    if wrong == "verify":
        options["verify"] = False
    with pytest.raises(ap.ConfigurationError, match=fragment):
        make_client(**options)
    await close_http(http)


# --- TLS ------------------------------------------------------------------------------------


def test_tls_verification_is_on_by_default(make_client: Any) -> None:
    context = ssl_context_of(make_client(base_url="https://api.example.com"))
    assert context.verify_mode == ssl.CERT_REQUIRED
    assert context.check_hostname is True


def test_verify_false_passes_through(make_client: Any) -> None:
    context = ssl_context_of(make_client(verify=False))
    assert context.verify_mode == ssl.CERT_NONE


def test_verify_ssl_context_is_used_as_is(make_client: Any) -> None:
    mine = ssl.create_default_context()
    assert ssl_context_of(make_client(verify=mine)) is mine


def test_verify_ca_bundle_path_without_deprecation_warnings(make_client: Any) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        context = ssl_context_of(make_client(verify=certifi.where()))
        by_path = ssl_context_of(make_client(verify=Path(certifi.where())))
    assert context.verify_mode == ssl.CERT_REQUIRED
    assert context.get_ca_certs()
    assert by_path.get_ca_certs()


def test_verify_ca_directory(make_client: Any, tmp_path: Path) -> None:
    context = ssl_context_of(make_client(verify=str(tmp_path)))
    assert context.verify_mode == ssl.CERT_REQUIRED


@pytest.mark.parametrize(
    ("options", "fragment"),
    [
        ({"verify": "/no/such/ca.pem"}, "Cannot load the TLS files"),
        ({"verify": 3}, "verify must be True, False, a CA bundle path"),
        ({"cert": "/no/such/client.pem"}, "Cannot load the TLS files"),
        ({"cert": ("/no/cert.pem", "/no/key.pem")}, "Cannot load the TLS files"),
        ({"cert": 42}, "cert must be a PEM file path"),
        ({"cert": ("only-one",)}, "cert must be a PEM file path"),
        ({"proxy": "ftp://proxy.example.com"}, "proxy must be"),
        ({"proxy": "http://[bad"}, "proxy must be"),
        ({"proxy": 8080}, "proxy must be a URL string"),
    ],
)
def test_bad_tls_and_proxy_options(
    make_client: Any, options: dict[str, Any], fragment: str
) -> None:
    with pytest.raises(ap.ConfigurationError, match=fragment) as info:
        make_client(**options)
    assert API_KEY not in str(info.value)


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture(scope="module")
def tls_server(ca: trustme.CA) -> Iterator[HTTPServer]:
    """An HTTPS server that requires a client certificate signed by `ca`."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("localhost", "127.0.0.1").configure_cert(context)
    ca.configure_trust(context)
    context.verify_mode = ssl.CERT_REQUIRED
    server = HTTPServer(host="localhost", port=0, ssl_context=context)
    server.start()
    yield server
    server.clear()
    server.stop()


@pytest.fixture
def tls_files(ca: trustme.CA, tmp_path: Path) -> dict[str, str]:
    client_cert = ca.issue_cert("sdk-test-client@example.com")
    paths = {name: str(tmp_path / f"{name}.pem") for name in ("ca", "cert", "key", "both")}
    ca.cert_pem.write_to_path(paths["ca"])
    client_cert.cert_chain_pems[0].write_to_path(paths["cert"])
    client_cert.private_key_pem.write_to_path(paths["key"])
    client_cert.private_key_and_cert_chain_pem.write_to_path(paths["both"])
    return paths


@pytest.mark.parametrize("cert_form", ["pair", "single"])
async def test_mutual_tls_end_to_end(
    make_client: Any, tls_server: HTTPServer, tls_files: dict[str, str], cert_form: str
) -> None:
    tls_server.clear()
    tls_server.expect_request("/v1/health").respond_with_json(HEALTH)
    cert: Any = (tls_files["cert"], tls_files["key"]) if cert_form == "pair" else tls_files["both"]
    client = make_client(
        base_url=tls_server.url_for("/").rstrip("/"), verify=tls_files["ca"], cert=cert
    )
    assert (await run(client.health())).status == "ok"
    assert len(tls_server.log) == 1


async def test_untrusted_server_certificate_is_refused_by_default(
    make_client: Any, tls_server: HTTPServer, sleeps: list[float]
) -> None:
    tls_server.clear()
    client = make_client(base_url=tls_server.url_for("/").rstrip("/"), max_retries=0)
    with pytest.raises(ap.APIConnectionError, match="CERTIFICATE_VERIFY_FAILED"):
        await run(client.health())
    assert tls_server.log == []


async def test_missing_client_certificate_fails_the_call(
    make_client: Any, tls_server: HTTPServer, tls_files: dict[str, str]
) -> None:
    tls_server.clear()
    client = make_client(
        base_url=tls_server.url_for("/").rstrip("/"), verify=tls_files["ca"], max_retries=0
    )
    with pytest.raises(ap.APIConnectionError):
        await run(client.health())
    assert tls_server.log == []


async def test_proxy_passes_through(make_client: Any, server: HTTPServer) -> None:
    server.expect_request("/v1/health").respond_with_json(HEALTH)
    client = make_client(base_url="http://api.example.invalid", proxy=server.url_for("/"))
    assert (await run(client.health())).status == "ok"
    ((request, _),) = server.log
    assert request.headers["Host"] == "api.example.invalid"
    assert request.headers["X-API-Key"] == API_KEY
