"""API keys and tenants: 401 without a valid key, 403 across tenants or without a scope."""

from __future__ import annotations

import httpx
from agentplatform_sandbox import DEFAULT_TENANT, OTHER_API_KEY, OTHER_TENANT, Sandbox

from .helpers import assert_problem


def test_missing_key_is_401(sandbox: Sandbox) -> None:
    response = httpx.get(sandbox.url + "/v1/entities")
    assert_problem(response, 401, "unauthorized")


def test_unknown_key_is_401(sandbox: Sandbox) -> None:
    response = httpx.get(sandbox.url + "/v1/entities", headers={"X-API-Key": "sk_nope"})
    assert_problem(response, 401, "unauthorized")


def test_tenant_header_of_another_tenant_is_403(client: httpx.Client) -> None:
    response = client.get("/v1/entities", headers={"X-Tenant-ID": OTHER_TENANT})
    assert_problem(response, 403, "tenant_forbidden")


def test_own_tenant_header_is_fine(client: httpx.Client) -> None:
    assert client.get("/v1/entities", headers={"X-Tenant-ID": DEFAULT_TENANT}).status_code == 200


def test_health_needs_no_key(sandbox: Sandbox) -> None:
    response = httpx.get(sandbox.url + "/v1/health")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["version"] == "1.0.0"
    assert body["uptime_s"] >= 0


def test_tenants_do_not_see_each_other(client: httpx.Client, sandbox: Sandbox) -> None:
    client.post("/v1/entities", json={"type": "Note", "properties": {}}).raise_for_status()
    other = httpx.get(sandbox.url + "/v1/entities", headers={"X-API-Key": OTHER_API_KEY})
    assert other.json()["data"] == []
    assert len(client.get("/v1/entities").json()["data"]) == 1


def test_read_only_key_cannot_write(client: httpx.Client, sandbox: Sandbox) -> None:
    secret = client.post("/v1/api-keys", json={"name": "ro", "scopes": ["read"]}).json()["secret"]
    headers = {"X-API-Key": secret}
    assert httpx.get(sandbox.url + "/v1/entities", headers=headers).status_code == 200
    response = httpx.post(
        sandbox.url + "/v1/entities", headers=headers, json={"type": "Note", "properties": {}}
    )
    assert_problem(response, 403, "insufficient_scope")


def test_write_key_cannot_manage_keys(client: httpx.Client, sandbox: Sandbox) -> None:
    secret = client.post("/v1/api-keys", json={"name": "w", "scopes": ["write"]}).json()["secret"]
    response = httpx.get(sandbox.url + "/v1/api-keys", headers={"X-API-Key": secret})
    assert_problem(response, 403, "insufficient_scope")


def test_expired_key_is_401(client: httpx.Client, sandbox: Sandbox) -> None:
    created = client.post(
        "/v1/api-keys", json={"name": "old", "expires_at": "2001-01-01T00:00:00Z"}
    ).json()
    assert created["expires_at"] == "2001-01-01T00:00:00Z"
    response = httpx.get(sandbox.url + "/v1/entities", headers={"X-API-Key": created["secret"]})
    assert_problem(response, 401, "api_key_expired")


def test_custom_keys_map_to_tenants() -> None:
    with Sandbox(api_keys={"sk_a": "tenant_a", "sk_b": "tenant_b"}) as server:
        assert server.api_key == "sk_a"
        a = httpx.post(
            server.url + "/v1/entities",
            headers={"X-API-Key": "sk_a", "X-Tenant-ID": "tenant_a"},
            json={"type": "Note", "properties": {}},
        )
        assert a.status_code == 201
        b = httpx.get(
            server.url + "/v1/entities", headers={"X-API-Key": "sk_b", "X-Tenant-ID": "tenant_a"}
        )
        assert b.status_code == 403
