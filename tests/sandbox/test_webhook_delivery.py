"""Webhook endpoints and deliveries signed per Standard Webhooks, checked independently."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json

import httpx
from agentplatform_sandbox import Sandbox
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from .helpers import assert_problem, create, fields


def expected_signature(secret: str, msg_id: str, timestamp: str, body: bytes) -> str:
    key = base64.b64decode(secret.removeprefix("whsec_"))
    mac = hmac.new(key, f"{msg_id}.{timestamp}.".encode() + body, hashlib.sha256).digest()
    return "v1," + base64.b64encode(mac).decode()


def test_secret_once_and_listing(client: httpx.Client) -> None:
    created = client.post(
        "/v1/webhooks",
        json={"url": "https://example.com/hook", "events": ["entity.deleted", "entity.deleted"]},
    )
    assert created.status_code == 201
    hook = created.json()
    assert hook["secret"].startswith("whsec_")
    assert len(base64.b64decode(hook["secret"].removeprefix("whsec_"))) == 24
    assert hook["events"] == ["entity.deleted"]
    listed = client.get("/v1/webhooks").json()["data"]
    assert listed == [{k: v for k, v in hook.items() if k != "secret"}]
    assert client.delete(f"/v1/webhooks/{hook['id']}").status_code == 204
    assert_problem(client.delete(f"/v1/webhooks/{hook['id']}"), 404)


def test_non_http_urls_are_422(client: httpx.Client) -> None:
    response = client.post(
        "/v1/webhooks", json={"url": "ftp://host/x", "events": ["entity.deleted"]}
    )
    assert fields(assert_problem(response, 422)) == {
        "url": "must be an http or https URL with a host"
    }


def test_delivery_is_signed(client: httpx.Client, sandbox: Sandbox, httpserver: HTTPServer) -> None:
    received: list[Request] = []

    def handler(request: Request) -> Response:
        received.append(request)
        return Response("ok")

    httpserver.expect_request("/signed", method="POST").respond_with_handler(handler)
    secret = client.post(
        "/v1/webhooks", json={"url": httpserver.url_for("/signed"), "events": ["entity.deleted"]}
    ).json()["secret"]
    entity = create(client, "Note")
    client.delete(f"/v1/entities/{entity['id']}").raise_for_status()
    sandbox.state.wait_for_deliveries(1)

    (request,) = received
    body = request.get_data()
    headers = request.headers
    assert headers["webhook-signature"] == expected_signature(
        secret, headers["webhook-id"], headers["webhook-timestamp"], body
    )
    assert headers["webhook-timestamp"].isdigit()
    payload = json.loads(body)
    assert payload["type"] == "entity.deleted"
    assert payload["data"] == {"entity_id": entity["id"], "type": "Note"}
    assert payload["id"].startswith("evt_")


def test_failed_deliveries_are_retried_with_the_same_id(
    client: httpx.Client, sandbox: Sandbox, httpserver: HTTPServer
) -> None:
    ids: list[str] = []
    statuses = iter([500, 503, 200])

    def handler(request: Request) -> Response:
        ids.append(request.headers["webhook-id"])
        return Response("", status=next(statuses))

    httpserver.expect_request("/flaky").respond_with_handler(handler)
    client.post(
        "/v1/webhooks", json={"url": httpserver.url_for("/flaky"), "events": ["entity.deleted"]}
    ).raise_for_status()
    entity = create(client, "Note")
    client.delete(f"/v1/entities/{entity['id']}").raise_for_status()
    (delivery,) = sandbox.state.wait_for_deliveries(1)
    assert delivery.attempts == ["500", "503", "200"]
    assert len(set(ids)) == 1


def test_delivery_gives_up_after_the_retries(client: httpx.Client, sandbox: Sandbox) -> None:
    client.post(
        "/v1/webhooks", json={"url": "http://127.0.0.1:9/closed", "events": ["entity.deleted"]}
    ).raise_for_status()
    entity = create(client, "Note")
    client.delete(f"/v1/entities/{entity['id']}").raise_for_status()
    (delivery,) = sandbox.state.wait_for_deliveries(1, status="failed")
    assert len(delivery.attempts) == 3
    assert all("ConnectError" in attempt for attempt in delivery.attempts)


def test_external_hosts_are_skipped_unless_allowed(client: httpx.Client, sandbox: Sandbox) -> None:
    client.post(
        "/v1/webhooks", json={"url": "https://example.com/hook", "events": ["entity.deleted"]}
    ).raise_for_status()
    entity = create(client, "Note")
    client.delete(f"/v1/entities/{entity['id']}").raise_for_status()
    (delivery,) = sandbox.state.wait_for_deliveries(1, status="skipped")
    assert delivery.attempts == ["not a loopback address; external webhooks are off"]
    assert delivery.headers == {}


def test_localhost_name_counts_as_loopback(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/local").respond_with_data("ok")
    url = f"http://localhost:{httpserver.port}/local"
    with Sandbox(webhook_retry_delays_s=()) as server, server.client() as http:
        http.post(
            "/v1/webhooks", json={"url": url, "events": ["entity.deleted"]}
        ).raise_for_status()
        entity = create(http, "Note")
        http.delete(f"/v1/entities/{entity['id']}").raise_for_status()
        (delivery,) = server.state.wait_for_deliveries(1)
        assert delivery.url == url
