"""What goes over the wire: the generated endpoint's request, a gzip body, one key per batch."""

from __future__ import annotations

import gzip
import json
from typing import Any

import agentplatform as ap
import pytest
from agentplatform.telemetry import TelemetryConfig
from agentplatform_api.models import AgentEventBatch, TelemetryBatch
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from ._support import event

API_KEY = "sk_test_wire"


class Recorder:
    """Answers batch requests from a script of statuses, recording each request."""

    def __init__(self, statuses: list[int] | None = None) -> None:
        self.statuses = list(statuses or [])
        self.requests: list[dict[str, Any]] = []

    def __call__(self, request: Request) -> Response:
        raw = request.get_data()
        body = gzip.decompress(raw) if request.headers.get("Content-Encoding") == "gzip" else raw
        parsed = json.loads(body)
        self.requests.append({"headers": dict(request.headers), "body": parsed, "raw": raw})
        status = self.statuses.pop(0) if self.statuses else 202
        if status != 202:
            problem = {"type": "about:blank", "title": "Unavailable", "status": status}
            return Response(
                json.dumps(problem),
                status=status,
                headers={"Content-Type": "application/problem+json", "Retry-After": "0"},
            )
        count = len(parsed.get("records", parsed.get("events", [])))
        answer = {"accepted": count, "duplicates": 0, "rejected": []}
        return Response(json.dumps(answer), status=202, content_type="application/json")


def client(server: HTTPServer, **options: Any) -> ap.Client:
    config = TelemetryConfig(
        service_name="svc", retry_initial_delay=0.001, retry_max_delay=0.005, **options
    )
    return ap.Client(
        api_key=API_KEY, base_url=server.url_for("/").rstrip("/"), max_retries=1, telemetry=config
    )


def test_a_batch_is_a_gzip_post_of_a_valid_telemetry_batch(httpserver: HTTPServer) -> None:
    recorder = Recorder()
    httpserver.expect_request("/v1/telemetry/batch", method="POST").respond_with_handler(recorder)
    with client(httpserver) as c:
        ids = [c.telemetry.track(event()) for _ in range(3)]
        c.telemetry.log_model_call("m", latency_ms=2)
        c.telemetry.log_data_quality("d", record_count=5)
        assert c.telemetry.flush(10)
    (request,) = recorder.requests
    headers = {k.lower(): v for k, v in request["headers"].items()}
    assert headers["content-encoding"] == "gzip"
    assert headers["content-type"] == "application/json"
    assert headers["x-api-key"] == API_KEY
    assert len(headers["idempotency-key"]) == 32
    batch = TelemetryBatch.from_dict(request["body"])
    assert [r.event_id for r in batch.records[:3]] == ids
    assert [r.to_dict()["kind"] for r in batch.records] == ["llm_event"] * 3 + [
        "model_call",
        "data_quality",
    ]
    assert gzip.decompress(request["raw"]).startswith(b'{"records":[')


def test_compression_can_be_turned_off(httpserver: HTTPServer) -> None:
    recorder = Recorder()
    httpserver.expect_request("/v1/telemetry/batch").respond_with_handler(recorder)
    with client(httpserver, compress=False) as c:
        c.telemetry.track(event())
        assert c.telemetry.flush(10)
    (request,) = recorder.requests
    assert "Content-Encoding" not in request["headers"]
    assert json.loads(request["raw"])["records"][0]["kind"] == "llm_event"


def test_the_key_is_kept_by_transport_and_exporter_retries(
    httpserver: HTTPServer, sleeps: list[float]
) -> None:
    recorder = Recorder([503, 503, 502, 429, 500])
    httpserver.expect_request("/v1/telemetry/batch").respond_with_handler(recorder)
    with client(httpserver) as c:
        c.telemetry.track(event())
        assert c.telemetry.flush(10)
        stats = c.telemetry.stats()
    keys = {r["headers"]["Idempotency-Key"] for r in recorder.requests}
    assert len(recorder.requests) == 6 and len(keys) == 1
    bodies = {gzip.decompress(r["raw"]) for r in recorder.requests}
    assert len(bodies) == 1
    assert stats.sent == 1 and stats.retries >= 2
    assert sleeps, "the transport retried through its (patched) sleep"


def test_buffered_events_go_to_the_events_batch_endpoint(httpserver: HTTPServer) -> None:
    recorder = Recorder()
    httpserver.expect_request("/v1/events/batch", method="POST").respond_with_handler(recorder)
    with client(httpserver) as c:
        first = c.events.buffered.ingest(
            agent_id="planner", session_id="s1", type="tool_call", attributes={"tool": "search"}
        )
        c.events.buffered.ingest(agent_id="planner", session_id="s1", type="task_completed")
        assert c.events.buffered.flush(10)
        stats = c.events.buffered.stats()
    (request,) = recorder.requests
    batch = AgentEventBatch.from_dict(request["body"])
    assert batch.events[0].event_id == first
    assert [e.type_ for e in batch.events] == ["tool_call", "task_completed"]
    assert stats.sent == 2


@pytest.mark.parametrize("status", [400, 401, 422])
def test_a_4xx_fails_the_batch_at_once(httpserver: HTTPServer, status: int) -> None:
    recorder = Recorder([status])
    httpserver.expect_request("/v1/telemetry/batch").respond_with_handler(recorder)
    failures: list[Any] = []
    with client(httpserver, on_error=lambda e, r: failures.append((e, r))) as c:
        c.telemetry.track(event())
        assert c.telemetry.flush(10)
        assert c.telemetry.stats().failed == 1
    assert len(recorder.requests) == 1
    ((error, records),) = failures
    assert isinstance(error, ap.APIStatusError) and error.status_code == status
    assert len(records) == 1
