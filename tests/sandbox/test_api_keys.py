"""API keys: the secret is shown once, listings show only the prefix, deletion revokes."""

from __future__ import annotations

import httpx
from agentplatform_sandbox import Sandbox

from .helpers import assert_problem


def test_secret_once_prefix_in_listing_and_revoke(client: httpx.Client, sandbox: Sandbox) -> None:
    created = client.post("/v1/api-keys", json={"name": "ci", "scopes": ["read", "write"]})
    assert created.status_code == 201
    key = created.json()
    secret = key["secret"]
    assert secret.startswith("sk_test_")
    assert key["prefix"] == secret[: len(key["prefix"])]
    assert key["scopes"] == ["read", "write"]
    assert key["expires_at"] is None

    listing = client.get("/v1/api-keys").json()["data"]
    mine = next(item for item in listing if item["id"] == key["id"])
    assert "secret" not in mine
    assert mine["prefix"] == key["prefix"]
    assert secret not in client.get("/v1/api-keys").text

    as_new = {"X-API-Key": secret}
    assert httpx.get(sandbox.url + "/v1/entities", headers=as_new).status_code == 200
    assert client.delete(f"/v1/api-keys/{key['id']}").status_code == 204
    assert_problem(httpx.get(sandbox.url + "/v1/entities", headers=as_new), 401)
    assert_problem(client.delete(f"/v1/api-keys/{key['id']}"), 404, "not_found")


def test_keys_are_listed_per_tenant(client: httpx.Client) -> None:
    listing = client.get("/v1/api-keys").json()["data"]
    assert [item["id"] for item in listing] == ["key_sandbox_0"]
    assert_problem(client.delete("/v1/api-keys/key_sandbox_1"), 404)


def test_default_scopes_are_all(client: httpx.Client) -> None:
    key = client.post("/v1/api-keys", json={"name": "all"}).json()
    assert key["scopes"] == ["read", "write", "admin"]
