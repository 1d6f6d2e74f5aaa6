"""Fault injection: latency, random 5xx and 429, dropped connections, fail_next."""

from __future__ import annotations

import httpx
import pytest
from agentplatform_sandbox import Faults, Sandbox, SandboxApp
from agentplatform_sandbox.domains import HANDLERS
from agentplatform_sandbox.faults import ConnectionDropped, FaultInjector
from agentplatform_sandbox.replies import Reply

from .helpers import assert_problem

DROPPED = (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError)


def test_latency_still_answers(client: httpx.Client, sandbox: Sandbox) -> None:
    sandbox.set_faults(latency_ms=20)
    assert client.get("/v1/entities").status_code == 200
    assert sandbox.faults.latency_ms == 20


def test_error_rate_gives_5xx_problems(client: httpx.Client, sandbox: Sandbox) -> None:
    sandbox.set_faults(Faults(error_rate=1.0, seed=7))
    statuses = set()
    for _ in range(30):
        response = client.get("/v1/entities")
        problem = assert_problem(response, response.status_code, "injected_fault")
        statuses.add(problem["status"])
        if response.status_code == 503:
            assert response.headers["retry-after"] == "1"
    assert statuses == {500, 502, 503}


def test_rate_429_with_retry_after(client: httpx.Client, sandbox: Sandbox) -> None:
    sandbox.set_faults(rate_429=1.0, retry_after_s=0)
    response = client.get("/v1/entities")
    assert_problem(response, 429, "rate_limited")
    assert response.headers["retry-after"] == "0"


def test_seeded_faults_repeat(client: httpx.Client, sandbox: Sandbox) -> None:
    def run() -> list[int]:
        sandbox.set_faults(Faults(error_rate=0.5, seed=3))
        return [client.get("/v1/entities").status_code for _ in range(12)]

    first = run()
    assert first == run()
    assert 200 in first
    assert set(first) - {200}


def test_dropped_connections_are_real_socket_drops(client: httpx.Client, sandbox: Sandbox) -> None:
    sandbox.set_faults(drop_rate=1.0)
    with pytest.raises(DROPPED):
        client.get("/v1/entities")
    with pytest.raises(DROPPED):
        client.post("/v1/entities", json={"type": "Note", "properties": {}})
    assert [r.status for r in sandbox.state.request_log()] == [0, 0]
    sandbox.set_faults(drop_rate=0.0)
    assert client.get("/v1/entities").json()["data"] == []


def test_drop_after_processing_and_idempotent_retry(client: httpx.Client, sandbox: Sandbox) -> None:
    sandbox.set_faults(drop_after_rate=1.0)
    body = {"type": "Note", "properties": {}}
    with pytest.raises(DROPPED):
        client.post("/v1/entities", json=body, headers={"Idempotency-Key": "once"})
    assert len(sandbox.state.entities()) == 1
    sandbox.set_faults(drop_after_rate=0.0)
    retry = client.post("/v1/entities", json=body, headers={"Idempotency-Key": "once"})
    assert retry.status_code == 201
    assert retry.headers["idempotent-replayed"] == "true"
    assert retry.json() == sandbox.state.entities()[0]


def test_cut_stream_after_zero_events(client: httpx.Client, sandbox: Sandbox) -> None:
    sandbox.set_faults(cut_stream_after=0)
    with (
        pytest.raises(DROPPED),
        client.stream("POST", "/v1/chat/stream", json={"message": "x"}) as r,
    ):
        r.read()


def test_fail_next_is_deterministic(client: httpx.Client, sandbox: Sandbox) -> None:
    sandbox.fail_next(2)
    first = client.get("/v1/entities")
    assert_problem(first, 503)
    assert first.headers["retry-after"] == "1"
    assert client.get("/v1/entities").status_code == 503
    assert client.get("/v1/entities").status_code == 200
    sandbox.fail_next(1, status=500, path="/v1/events")
    assert client.get("/v1/entities").status_code == 200
    assert_problem(client.get("/v1/events"), 500, "injected_fault")
    assert client.get("/v1/events").status_code == 200


def test_health_is_exempt_unless_asked(client: httpx.Client, sandbox: Sandbox) -> None:
    sandbox.set_faults(error_rate=1.0, drop_rate=0.0)
    assert client.get("/v1/health").status_code == 200
    sandbox.set_faults(apply_to_health=True)
    assert client.get("/v1/health").status_code >= 500


def test_faults_at_construction() -> None:
    with Sandbox(faults=Faults(rate_429=1.0)) as server, server.client() as http:
        assert http.get("/v1/entities").status_code == 429
        server.set_faults(Faults())
        assert http.get("/v1/entities").status_code == 200


def test_injector_reset_and_replace() -> None:
    injector = FaultInjector(Faults(error_rate=1.0))
    injector.fail_next(3)
    injector.reset()
    assert injector.faults == Faults()
    assert injector.injected_error("/v1/x") is None
    assert injector.set(latency_ms=5).latency_ms == 5


async def test_drop_without_a_socket_raises() -> None:
    app = SandboxApp(faults=FaultInjector(Faults(drop_rate=1.0)))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://sandbox") as http:
        with pytest.raises(ConnectionDropped):
            await http.get("/v1/entities")


def test_a_failing_handler_is_a_500_problem(
    client: httpx.Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(ctx: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setitem(HANDLERS, "listEntities", broken)
    problem = assert_problem(client.get("/v1/entities"), 500, "internal_error")
    assert "boom" not in problem["detail"]


def test_a_response_that_breaks_the_spec_becomes_a_500(
    client: httpx.Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(HANDLERS, "getHealth", lambda ctx: Reply(200, {"status": "ok"}))
    problem = assert_problem(client.get("/v1/health"), 500, "invalid_response")
    assert "version: is required" in problem["detail"]
    monkeypatch.setitem(HANDLERS, "getHealth", lambda ctx: Reply(418, None))
    assert "status 418 is not documented" in client.get("/v1/health").json()["detail"]
