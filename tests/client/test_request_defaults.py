"""Per-core request defaults: headers set once on the httpx client, parsed URLs, timeouts."""

from __future__ import annotations

from typing import Any

import agentplatform as ap
import httpx
from agentplatform import _http
from pytest_httpserver import HTTPServer

from ._support import API_KEY, HEALTH, run

SDK_HEADERS = ("User-Agent", "Accept", "X-API-Key", "X-Tenant-ID", "X-Workspace-ID")


def sent(server: HTTPServer, name: str) -> list[list[str]]:
    """The values of header `name` in each request the server got, in order."""
    return [request.headers.getlist(name) for request, _ in server.log]


async def test_each_header_is_sent_once_by_clients_and_copies(
    make_client: Any, server: HTTPServer
) -> None:
    client = make_client(tenant_id="t_1", workspace_id="ws_1")
    server.expect_request("/v1/health").respond_with_json(HEALTH)
    copy = client.with_options(tenant_id="t_2", default_headers={"user-agent": "copy/1"})
    await run(client.health())
    await run(copy.health())
    await run(copy.health(extra_headers={"X-TENANT-ID": "t_3"}))
    for name in SDK_HEADERS:
        assert all(len(values) == 1 for values in sent(server, name)), name
    assert sent(server, "X-Tenant-ID") == [["t_1"], ["t_2"], ["t_3"]]
    assert sent(server, "User-Agent")[1:] == [["copy/1"], ["copy/1"]]
    assert sent(server, "X-API-Key") == [[API_KEY]] * 3


async def test_a_copy_drops_what_it_no_longer_has_unless_a_call_sends_it(
    make_client: Any, server: HTTPServer
) -> None:
    client = make_client(tenant_id="t_1", workspace_id="ws_1")
    server.expect_request("/v1/health").respond_with_json(HEALTH)
    copy = client.with_options(workspace_id=None)
    await run(copy.health())
    await run(copy.health(extra_headers={"x-workspace-id": "ws_9"}))
    await run(client.health())
    assert sent(server, "X-Workspace-ID") == [[], ["ws_9"], ["ws_1"]]
    assert sent(server, "X-Tenant-ID") == [["t_1"]] * 3


def test_the_api_key_is_not_in_the_setup_repr() -> None:
    with ap.Client(api_key=API_KEY, base_url="http://127.0.0.1:9") as client:
        assert API_KEY not in repr(client._setup)
        assert client._setup.client_headers["X-API-Key"] == API_KEY


def test_a_user_http_client_keeps_its_headers_and_gets_the_sdk_headers_per_request() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json=HEALTH)

    http = httpx.Client(transport=httpx.MockTransport(handler), headers={"X-Mine": "1"})
    with ap.Client(api_key=API_KEY, base_url="http://h.test", http_client=http) as client:
        client.health()
    assert http.headers.get("X-API-Key") is None  # the user's client is not changed
    assert seen[0].headers["X-API-Key"] == API_KEY
    assert seen[0].headers["X-Mine"] == "1"
    http.close()


def timeouts_sent(client: ap.Client, seen: list[httpx.Request]) -> dict[str, float | None]:
    seen.clear()
    client.health()
    timeout: dict[str, float | None] = seen[0].extensions["timeout"]
    return timeout


def test_the_configured_timeout_holds_when_a_user_changes_their_client_later() -> None:
    seen: list[httpx.Request] = []
    transport = httpx.MockTransport(lambda request: httpx.Response(200, json=HEALTH))
    http = httpx.Client(transport=transport, timeout=5.0)
    options: dict[str, Any] = {"api_key": API_KEY, "base_url": "http://h.test"}
    same = ap.Client(http_client=http, timeout=5.0, before_request=seen.append, **options)
    own = ap.Client(http_client=http, before_request=seen.append, **options)
    assert timeouts_sent(same, seen)["read"] == 5.0
    assert timeouts_sent(own, seen)["read"] == 5.0
    http.timeout = httpx.Timeout(1.0)
    assert timeouts_sent(same, seen)["read"] == 5.0  # configured on the SDK client: kept
    assert timeouts_sent(own, seen)["read"] == 1.0  # none configured: the httpx client's
    http.close()


def test_urls_are_parsed_once_up_to_a_bound() -> None:
    config = _http.CoreConfig(base_url="http://h.test", headers={})
    with httpx.Client() as http:
        defaults = _http.RequestDefaults(http, config)
        first = defaults.url("/v1/health")
        assert defaults.url("/v1/health") is first
        assert str(first) == "http://h.test/v1/health"
        many = {str(defaults.url(f"/v1/entities/e_{n}")) for n in range(600)}
    assert len(many) == 600  # past the bound, URLs are still right, just not kept
    assert len(defaults._urls) == _http._PARSED_URLS
