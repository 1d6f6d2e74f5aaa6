"""What every request carries: key, user agent, tenant headers, and per-call options."""

from __future__ import annotations

import uuid
from typing import Any

import agentplatform as ap
import httpx
import pytest
from agentplatform import _transport
from agentplatform.errors import InvalidParameterError
from pytest_httpserver import HTTPServer

from ._support import API_KEY, ENTITY, HEALTH, Sequence, json_response, run

TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"


def seen_headers(server: HTTPServer) -> list[dict[str, str]]:
    return [dict(request.headers) for request, _ in server.log]


async def test_key_user_agent_and_accept_are_sent(client: Any, server: HTTPServer) -> None:
    server.expect_request("/v1/health", method="GET").respond_with_json(HEALTH)
    health = await run(client.health())
    assert health.status == "ok"
    (headers,) = seen_headers(server)
    assert headers["X-Api-Key"] == API_KEY
    assert headers["User-Agent"] == f"agentplatform-python/{ap.__version__}"
    assert headers["Accept"] == "application/json"
    for absent in ("X-Tenant-Id", "X-Workspace-Id", "Traceparent", "Idempotency-Key"):
        assert absent not in headers


async def test_tenant_workspace_and_traceparent(make_client: Any, server: HTTPServer) -> None:
    client = make_client(tenant_id="t_1", workspace_id="ws_1", traceparent=TRACEPARENT)
    server.expect_request(
        "/v1/health",
        headers={"X-Tenant-ID": "t_1", "X-Workspace-ID": "ws_1", "traceparent": TRACEPARENT},
    ).respond_with_json(HEALTH)
    await run(client.health())
    server.check_assertions()
    assert len(server.log) == 1


async def test_default_headers(make_client: Any, server: HTTPServer) -> None:
    client = make_client(default_headers={"X-App": "demo", "User-Agent": "mine/1"})
    server.expect_request("/v1/health").respond_with_json(HEALTH)
    await run(client.health())
    (headers,) = seen_headers(server)
    assert headers["X-App"] == "demo"
    assert headers["User-Agent"] == "mine/1"
    assert headers["X-Api-Key"] == API_KEY


async def test_extra_headers_per_call(client: Any, server: HTTPServer) -> None:
    server.expect_request("/v1/health").respond_with_json(HEALTH)
    await run(client.health(extra_headers={"X-Debug": "1", "X-Tenant-ID": "t_call"}))
    await run(client.health())
    first, second = seen_headers(server)
    assert first["X-Debug"] == "1"
    assert first["X-Tenant-Id"] == "t_call"
    assert "X-Debug" not in second


@pytest.mark.parametrize(
    "extra",
    [
        {"X-API-Key": "other"},
        {"x-api-key": "other"},
        {"Host": "evil.example.com"},
        {"Content-Length": "1"},
        {"X-Bad": "a\r\nX-Injected: 1"},
        {"X-Bad": 1},
        {"Bad Name": "x"},
        {"X-Unicode": "caf\u00e9"},
        ["X-Debug", "1"],
    ],
    ids=repr,
)
async def test_bad_extra_headers_fail_before_sending(
    client: Any, server: HTTPServer, extra: Any
) -> None:
    with pytest.raises(InvalidParameterError) as info:
        await run(client.health(extra_headers=extra))
    assert info.value.parameter == "extra_headers"
    assert server.log == []


async def test_every_post_gets_an_idempotency_key(client: Any, server: HTTPServer) -> None:
    server.expect_request("/v1/entities", method="POST").respond_with_json(ENTITY, status=201)
    await run(client.entities.create(type="Person", properties={"name": "Ada"}))
    await run(client.entities.create(type="Person", properties={"name": "Ada"}))
    first, second = (h["Idempotency-Key"] for h in seen_headers(server))
    assert uuid.UUID(first).version == 4
    assert uuid.UUID(second).version == 4
    assert first != second


async def test_get_and_delete_carry_no_idempotency_key(client: Any, server: HTTPServer) -> None:
    server.expect_request("/v1/entities/ent_1", method="GET").respond_with_json(ENTITY)
    server.expect_request("/v1/entities/ent_1", method="DELETE").respond_with_data(status=204)
    await run(client.entities.get("ent_1"))
    await run(client.entities.delete("ent_1"))
    assert all("Idempotency-Key" not in h for h in seen_headers(server))


async def test_given_idempotency_key_is_used_as_is(client: Any, server: HTTPServer) -> None:
    server.expect_request(
        "/v1/entities", method="POST", headers={"Idempotency-Key": "my-key-1"}
    ).respond_with_json(ENTITY, status=201)
    await run(client.entities.create(type="P", properties={}, idempotency_key="my-key-1"))
    server.check_assertions()
    assert len(server.log) == 1


@pytest.mark.parametrize("key", ["", "   ", "k" * 256, 12, "caf\u00e9", "a\nb"], ids=repr)
async def test_bad_idempotency_key(client: Any, server: HTTPServer, key: Any) -> None:
    with pytest.raises(InvalidParameterError) as info:
        await run(client.entities.create(type="P", properties={}, idempotency_key=key))
    assert info.value.parameter == "idempotency_key"
    assert server.log == []


async def test_per_call_timeout_reaches_the_request(make_client: Any, server: HTTPServer) -> None:
    seen: list[dict[str, Any]] = []
    client = make_client(timeout=30, before_request=lambda r: seen.append(r.extensions))
    server.expect_request("/v1/health").respond_with_json(HEALTH)
    await run(client.health())
    await run(client.health(timeout=1.5))
    await run(client.health(timeout=httpx.Timeout(2.0, connect=0.5)))
    assert seen[0]["timeout"] == {"connect": 30.0, "read": 30.0, "write": 30.0, "pool": 30.0}
    assert seen[1]["timeout"] == {"connect": 1.5, "read": 1.5, "write": 1.5, "pool": 1.5}
    assert seen[2]["timeout"] == {"connect": 0.5, "read": 2.0, "write": 2.0, "pool": 2.0}


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("timeout", 0),
        ("timeout", -1),
        ("timeout", "5"),
        ("timeout", True),
        ("timeout", float("nan")),
        ("max_retries", -1),
        ("max_retries", "2"),
        ("max_retries", 1.0),
        ("max_retries", False),
    ],
    ids=repr,
)
async def test_bad_call_options(client: Any, server: HTTPServer, name: str, value: Any) -> None:
    with pytest.raises(InvalidParameterError) as info:
        await run(client.health(**{name: value}))
    assert info.value.parameter == name
    assert server.log == []


async def test_unknown_call_option_is_refused(client: Any, server: HTTPServer) -> None:
    with pytest.raises(InvalidParameterError) as info:
        await run(client.entities.get("ent_1", idempotency_Key="x"))
    assert info.value.parameter == "idempotency_Key"
    assert "per-call options" in str(info.value)
    assert server.log == []


async def test_per_call_max_retries(client: Any, server: HTTPServer, sleeps: list[float]) -> None:
    handler = Sequence(json_response({}, 503))
    server.expect_request("/v1/health").respond_with_handler(handler)
    with pytest.raises(ap.InternalServerError):
        await run(client.health(max_retries=4))
    assert len(handler.requests) == 5
    assert len(sleeps) == 4
    with pytest.raises(ap.InternalServerError):
        await run(client.health(max_retries=0))
    assert len(handler.requests) == 6


async def test_with_options_shares_the_pool(make_client: Any, mode: str) -> None:
    client = make_client()
    copy = client.with_options(timeout=5, max_retries=0, tenant_id="t_2")
    assert copy._http is client._http
    assert copy._http._transport is client._http._transport
    assert copy.settings.timeout == 5.0
    assert copy.settings.max_retries == 0
    assert copy.settings.tenant_id == "t_2"
    assert client.settings.timeout == 60.0
    assert client.settings.tenant_id is None
    assert isinstance(copy, type(client))
    # Closing the copy leaves the shared pool open.
    if mode == "sync":
        copy.close()
    else:
        await copy.aclose()
    assert not client._http.is_closed


async def test_with_options_applies_to_requests(
    make_client: Any, server: HTTPServer, sleeps: list[float]
) -> None:
    seen: list[httpx.Request] = []
    client = make_client(tenant_id="t_1", workspace_id="ws_1", before_request=seen.append)
    copy = client.with_options(
        timeout=4, max_retries=0, tenant_id="t_2", workspace_id=None, default_headers={"X-A": "b"}
    )
    handler = Sequence(json_response({}, 503))
    server.expect_request("/v1/health").respond_with_handler(handler)
    with pytest.raises(ap.InternalServerError):
        await run(copy.health())
    assert len(handler.requests) == 1  # max_retries=0
    headers = handler.requests[0].headers
    assert headers["X-Tenant-ID"] == "t_2"
    assert "X-Workspace-ID" not in headers
    assert headers["X-A"] == "b"
    assert seen[0].extensions["timeout"]["read"] == 4.0
    assert seen[0].extensions[_transport.MAX_RETRIES_EXTENSION] == 0
    # The original is unchanged.
    with pytest.raises(ap.InternalServerError):
        await run(client.health())
    assert len(handler.requests) == 4
    assert handler.requests[1].headers["X-Tenant-ID"] == "t_1"
    assert handler.requests[1].headers["X-Workspace-ID"] == "ws_1"


async def test_with_options_keeps_the_profile_and_key(make_client: Any) -> None:
    client = make_client()
    copy = client.with_options(timeout=3)
    assert copy.api_key == client.api_key
    assert copy.settings.profile == client.settings.profile
    assert copy.base_url == client.base_url
    assert API_KEY not in repr(copy)


@pytest.mark.parametrize(
    ("changes", "fragment"),
    [
        ({"api_key": "other"}, "cannot change api_key"),
        ({"base_url": "http://x"}, "cannot change base_url"),
        ({"timeout": -1}, "timeout must be a positive"),
        ({"max_retries": "x"}, "max_retries must be a whole number"),
        ({"tenant_id": ""}, "tenant_id must be"),
        ({"default_headers": {"X-API-Key": "k"}}, "may not set"),
    ],
)
def test_with_options_checks_its_arguments(
    make_client: Any, changes: dict[str, Any], fragment: str
) -> None:
    client = make_client()
    with pytest.raises(ap.ConfigurationError) as info:
        client.with_options(**changes)
    assert fragment in str(info.value)
    assert API_KEY not in str(info.value)


async def test_with_raw_response_of_a_copy_uses_the_copy(
    make_client: Any, server: HTTPServer
) -> None:
    client = make_client()
    copy = client.with_options(tenant_id="t_9")
    server.expect_request("/v1/health", headers={"X-Tenant-ID": "t_9"}).respond_with_json(HEALTH)
    raw = await run(copy.with_raw_response.health())
    assert raw.status_code == 200
    assert copy.with_raw_response is copy.with_raw_response
    server.check_assertions()


async def test_closed_client_raises_an_sdk_error(make_client: Any, mode: str) -> None:
    client = make_client()
    if mode == "sync":
        client.close()
    else:
        await client.close()
    with pytest.raises(ap.ClientClosedError, match="client is closed"):
        await run(client.health())


async def test_context_managers_close_the_pool(mode: str, base_url: str) -> None:
    if mode == "sync":
        with ap.Client(api_key=API_KEY, base_url=base_url) as sync_client:
            pass
        assert sync_client._http.is_closed
    else:
        async with ap.AsyncClient(api_key=API_KEY, base_url=base_url) as async_client:
            pass
        assert async_client._http.is_closed


async def test_header_overrides_ignore_case(make_client: Any, server: HTTPServer) -> None:
    client = make_client(tenant_id="t_1", default_headers={"user-agent": "mine/2"})
    server.expect_request("/v1/health").respond_with_json(HEALTH)
    await run(client.health(extra_headers={"x-tenant-id": "t_2", "ACCEPT": "application/x"}))
    copy = client.with_options(default_headers={"USER-AGENT": "copy/3"}, tenant_id="t_3")
    await run(copy.health())
    (first, _), (second, _) = server.log
    assert first.headers.getlist("User-Agent") == ["mine/2"]
    assert first.headers.getlist("X-Tenant-ID") == ["t_2"]
    assert first.headers.getlist("Accept") == ["application/x"]
    assert second.headers.getlist("User-Agent") == ["copy/3"]
    assert second.headers.getlist("X-Tenant-ID") == ["t_3"]
