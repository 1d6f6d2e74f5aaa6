"""The console's JSON API and sign-in, without a browser: tenant isolation, masking,
sessions and one-time codes, and the rule that the console stays off beyond loopback."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import httpx
import pytest
from agentplatform_sandbox import OTHER_API_KEY, OTHER_TENANT, Sandbox
from agentplatform_sandbox.console.app import VIEWS
from agentplatform_sandbox.console.sessions import ConsoleSessions

from .seed import B_MARKER, B_TYPE, client, seed_other_tenant

COOKIE = "agentplatform_console"
SECRETS: list[str] = []
"""Every key and webhook secret of the module's sandbox (set by its fixture)."""


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    """Tenant A with an entity, a second key and a webhook delivery; tenant B marked."""
    with Sandbox(research_step_s=0.02, webhook_retry_delays_s=(0.05,)) as sandbox:
        seed_other_tenant(sandbox)
        with client(sandbox) as api:
            api.ontology.put_schema(
                entity_types=[{"id": "Thing", "properties": {"name": {"type": "string"}}}],
                relation_types=[],
            )
            hook = api.webhooks.create(url="http://127.0.0.1:9/a", events=["entity.deleted"])
            api.entities.delete(api.entities.create(type="Thing", properties={"name": "x"}).id)
            api.entities.create(type="Thing", properties={"name": "alpha-entity"})
            extra = api.api_keys.create(name="ci", scopes=["read"])
        sandbox.state.wait_for_deliveries(1, status="failed", timeout=10)
        SECRETS[:] = [hook.secret, extra.secret, sandbox.api_key, OTHER_API_KEY]
        yield sandbox


def views(sandbox: Sandbox, **headers: str) -> dict[str, str]:
    with httpx.Client(base_url=sandbox.url, headers=headers) as http:
        return {name: http.get(f"/console/api/{name}").text for name in VIEWS}


@contextlib.contextmanager
def sign_in(sandbox: Sandbox, api_key: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=sandbox.url) as session:
        response = session.post("/console/login", data={"api_key": api_key})
        assert response.status_code == 303, response.text
        yield session


def test_tenant_a_never_sees_tenant_b(sandbox: Sandbox) -> None:
    for name, text in views(sandbox, **{"X-API-Key": sandbox.api_key}).items():
        assert "alpha-entity" in text or name != "graph"
        for forbidden in (B_MARKER, B_TYPE, OTHER_TENANT):
            assert forbidden not in text, name
    seen_by_b = views(sandbox, **{"X-API-Key": OTHER_API_KEY})
    assert B_MARKER in seen_by_b["graph"] and B_MARKER in seen_by_b["telemetry"]
    assert "alpha-entity" not in "".join(seen_by_b.values())


def test_no_view_holds_a_full_key_or_webhook_secret(sandbox: Sandbox) -> None:
    texts = [*views(sandbox, **{"X-API-Key": sandbox.api_key}).values()]
    texts += views(sandbox, **{"X-API-Key": OTHER_API_KEY}).values()
    for text in texts:
        for secret in SECRETS:
            assert secret not in text
    overview = httpx.get(f"{sandbox.url}/console/api/overview", headers=sandbox.headers).json()
    assert overview["key"]["masked"] == "••••" + sandbox.api_key[-4:]
    assert len(overview["api_keys"]) == 2
    deliveries = httpx.get(f"{sandbox.url}/console/api/webhooks", headers=sandbox.headers).json()
    (delivery,) = deliveries["deliveries"]
    assert delivery["headers"]["webhook-signature"].startswith("v1,")
    assert delivery["status"] == "failed" and delivery["attempts"]


def test_the_api_headers_follow_the_api_rules(sandbox: Sandbox) -> None:
    url = f"{sandbox.url}/console/api/overview"
    assert httpx.get(url).status_code == 401
    assert httpx.get(url, headers={"X-API-Key": "sk_test_unknown_key"}).status_code == 401
    wrong = {"X-API-Key": sandbox.api_key, "X-Tenant-ID": OTHER_TENANT}
    assert httpx.get(url, headers=wrong).status_code == 403
    missing = httpx.get(f"{sandbox.url}/console/api/nothing", headers=sandbox.headers)
    assert missing.status_code == 404


def test_sign_in_with_a_pasted_key_sets_a_strict_http_only_cookie(sandbox: Sandbox) -> None:
    anonymous = httpx.get(f"{sandbox.url}/console/")
    assert anonymous.status_code == 303 and anonymous.headers["location"] == "/console/login"
    page = httpx.get(f"{sandbox.url}/console/login")
    assert 'name="api_key"' in page.text and "{{message}}" not in page.text
    refused = httpx.post(f"{sandbox.url}/console/login", data={"api_key": "sk_test_wrong"})
    assert refused.status_code == 401 and "unknown or has expired" in refused.text
    response = httpx.post(f"{sandbox.url}/console/login", data={"api_key": sandbox.api_key})
    cookie = response.headers["set-cookie"]
    assert {"HttpOnly", "SameSite=Strict", "Path=/console"} <= set(cookie.split("; "))
    assert sandbox.api_key not in cookie
    with sign_in(sandbox, sandbox.api_key) as session:
        assert session.get("/console/").status_code == 200
        assert session.get("/console/api/overview").json()["tenant_id"] == "tenant_default"
        assert session.post("/console/logout").status_code == 303
        session.cookies.clear()
        assert session.get("/console/api/overview").status_code == 401


def test_signing_out_ends_the_session_on_the_server(sandbox: Sandbox) -> None:
    with sign_in(sandbox, sandbox.api_key) as session:
        session_id = session.cookies[COOKIE]
        session.post("/console/logout")
        stale = httpx.get(f"{sandbox.url}/console/api/overview", cookies={COOKIE: session_id})
        assert stale.status_code == 401


def test_a_form_from_another_origin_is_refused(sandbox: Sandbox) -> None:
    response = httpx.post(
        f"{sandbox.url}/console/login",
        data={"api_key": sandbox.api_key},
        headers={"Origin": "http://evil.example"},
    )
    assert response.status_code == 403 and "set-cookie" not in response.headers


def test_a_one_time_code_signs_in_once(sandbox: Sandbox) -> None:
    link = sandbox.console_login_url()
    assert sandbox.api_key not in link and "code=" in link
    first = httpx.get(link)
    assert first.status_code == 303 and COOKIE in first.headers["set-cookie"]
    again = httpx.get(link)
    assert again.status_code == 401 and "already used or has expired" in again.text
    with pytest.raises(ValueError):
        sandbox.console_login_url("sk_test_not_a_key")


def test_a_session_ends_with_its_key(sandbox: Sandbox) -> None:
    with client(sandbox) as api:
        made = api.api_keys.create(name="short-lived", scopes=["read"])
    with sign_in(sandbox, made.secret) as session:
        assert session.get("/console/api/overview").status_code == 200
        with client(sandbox) as api:
            api.api_keys.delete(made.id)
        assert session.get("/console/api/overview").status_code == 401


def test_looking_changes_nothing_and_escapes_faults(sandbox: Sandbox) -> None:
    before = len(sandbox.state.request_log())
    sandbox.set_faults(error_rate=1.0)
    try:
        overview = httpx.get(f"{sandbox.url}/console/api/overview", headers=sandbox.headers)
        assert overview.status_code == 200
        assert overview.json()["faults"] == {"error_rate": 1.0}
        assert httpx.get(f"{sandbox.url}/console/static/js/main.js").status_code == 200
    finally:
        sandbox.set_faults()
    assert len(sandbox.state.request_log()) == before
    assert httpx.get(f"{sandbox.url}/console/static/nothing.js").status_code == 404
    assert httpx.get(f"{sandbox.url}/console/elsewhere").status_code == 404


def test_injected_faults_are_logged_for_the_callers_tenant(sandbox: Sandbox) -> None:
    sandbox.fail_next(1, 502, path="/v1/health")
    sandbox.set_faults(apply_to_health=True)
    try:
        httpx.get(f"{sandbox.url}/v1/health", headers=sandbox.headers)
    finally:
        sandbox.set_faults()
    log = httpx.get(f"{sandbox.url}/console/api/requests", headers=sandbox.headers).json()
    newest = log["requests"][0]
    assert (newest["path"], newest["status"], newest["fault"]) == ("/v1/health", 502, "HTTP 502")


def test_changes_stream_a_new_version_when_data_changes(sandbox: Sandbox) -> None:
    events: list[str] = []
    with httpx.stream(
        "GET", f"{sandbox.url}/console/api/changes", headers=sandbox.headers, timeout=10
    ) as stream:
        assert stream.headers["content-type"].startswith("text/event-stream")
        for line in stream.iter_lines():
            if line.startswith("data:"):
                events.append(line)
                if len(events) == 1:
                    with client(sandbox) as api:
                        api.entities.create(type="Thing", properties={"name": "live"})
                else:
                    break
    assert events == ['data: {"version": 1}', 'data: {"version": 2}']


def test_the_console_is_off_beyond_loopback_unless_asked() -> None:
    assert Sandbox(host="0.0.0.0").config.console is False
    assert Sandbox(host="0.0.0.0", console=True).config.console is True
    assert Sandbox(host="::1").config.console is True
    assert Sandbox(host="localhost").config.console is True
    with Sandbox(console=False) as off:
        response = httpx.get(f"{off.url}/console/")
        assert response.status_code == 404
        assert "--console" in response.text and "not a loopback address" in response.text
        assert httpx.get(f"{off.url}/v1/health").status_code == 200


def test_codes_and_sessions_expire() -> None:
    sessions = ConsoleSessions(code_ttl_s=0, session_ttl_s=0)
    assert sessions.redeem(sessions.issue_code("key_1")) is None
    assert sessions.key_id(sessions.open("key_1")) is None
    lasting = ConsoleSessions()
    session_id = lasting.redeem(lasting.issue_code("key_1"))
    assert session_id is not None and lasting.key_id(session_id) == "key_1"
