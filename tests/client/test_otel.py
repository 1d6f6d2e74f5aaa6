"""`agentplatform.otel.OpenTelemetryHooks`: one client span per call, traceparent injected."""

from __future__ import annotations

import asyncio
from typing import Any

import agentplatform as ap
import httpx
import pytest
from agentplatform.otel import OpenTelemetryHooks, redacted_url
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind, StatusCode
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator
from pytest_httpserver import HTTPServer

from ._support import (
    API_KEY,
    ENTITY,
    HEALTH,
    REQUEST_ID,
    RawServer,
    Sequence,
    json_response,
    problem,
    run,
)

TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"


@pytest.fixture
def exporter() -> InMemorySpanExporter:
    return InMemorySpanExporter()


@pytest.fixture
def provider(exporter: InMemorySpanExporter) -> TracerProvider:
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    return provider


@pytest.fixture
def hooks(provider: TracerProvider) -> OpenTelemetryHooks:
    return OpenTelemetryHooks(provider)


def traceparent_of(span: ReadableSpan) -> str:
    context = span.get_span_context()
    return f"00-{context.trace_id:032x}-{context.span_id:016x}-{int(context.trace_flags):02x}"


async def test_successful_call_makes_one_client_span(
    make_client: Any, server: HTTPServer, hooks: OpenTelemetryHooks, exporter: Any
) -> None:
    client = make_client(**hooks.client_options(), traceparent=TRACEPARENT)
    server.expect_request("/v1/entities/ent_1").respond_with_response(json_response(ENTITY))
    await run(client.entities.get("ent_1"))
    (span,) = exporter.get_finished_spans()
    assert span.name == "GET"
    assert span.kind is SpanKind.CLIENT
    assert span.status.status_code is StatusCode.UNSET
    attributes = dict(span.attributes or {})
    url = server.url_for("/v1/entities/ent_1")
    assert attributes == {
        "http.request.method": "GET",
        "url.full": url,
        "server.address": httpx.URL(url).host,
        "server.port": server.port,
        "agentplatform.operation": "get_entity",
        "http.response.status_code": 200,
        "agentplatform.request_id": REQUEST_ID,
    }
    ((request, _),) = server.log
    # The span's context replaces the client's fixed traceparent.
    assert request.headers["traceparent"] == traceparent_of(span)
    assert request.headers["traceparent"] != TRACEPARENT
    assert API_KEY not in str(attributes)


async def test_retries_show_as_resend_count(
    make_client: Any, server: HTTPServer, hooks: OpenTelemetryHooks, exporter: Any
) -> None:
    client = make_client(**hooks.client_options())
    handler = Sequence(json_response(problem(503), 503), json_response(HEALTH))
    server.expect_request("/v1/health").respond_with_handler(handler)
    await run(client.health())
    (span,) = exporter.get_finished_spans()
    assert span.attributes is not None
    assert span.attributes["http.request.resend_count"] == 1
    first, second = handler.headers("traceparent")
    assert first == second == traceparent_of(span)


async def test_status_error_ends_the_span_as_failed(
    make_client: Any, server: HTTPServer, hooks: OpenTelemetryHooks, exporter: Any
) -> None:
    client = make_client(**hooks.client_options())
    server.expect_request("/v1/entities/e").respond_with_response(
        json_response(problem(404, "No entity e."), 404)
    )
    with pytest.raises(ap.NotFoundError):
        await run(client.entities.get("e"))
    (span,) = exporter.get_finished_spans()
    assert span.status.status_code is StatusCode.ERROR
    assert span.status.description == "NotFoundError"
    assert span.attributes is not None
    assert span.attributes["http.response.status_code"] == 404
    assert span.attributes["error.type"] == "404"
    assert span.attributes["agentplatform.request_id"] == REQUEST_ID
    (event,) = span.events
    assert event.name == "exception"
    assert API_KEY not in str(event.attributes)


async def test_connection_error_ends_the_span_as_failed(
    make_client: Any, hooks: OpenTelemetryHooks, exporter: Any
) -> None:
    raw = RawServer("close")
    try:
        client = make_client(base_url=raw.url, max_retries=0, **hooks.client_options())
        with pytest.raises(ap.APIConnectionError):
            await run(client.health())
    finally:
        raw.close()
    (span,) = exporter.get_finished_spans()
    assert span.status.status_code is StatusCode.ERROR
    assert span.attributes is not None
    assert span.attributes["error.type"] == "APIConnectionError"
    assert "http.response.status_code" not in span.attributes


async def test_span_is_a_child_of_the_current_span(
    make_client: Any,
    server: HTTPServer,
    hooks: OpenTelemetryHooks,
    provider: TracerProvider,
    exporter: Any,
) -> None:
    client = make_client(**hooks.client_options())
    server.expect_request("/v1/health").respond_with_json(HEALTH)
    with provider.get_tracer("app").start_as_current_span("handle-request") as parent:
        await run(client.health())
    child, outer = exporter.get_finished_spans()
    assert outer.name == "handle-request"
    assert child.parent is not None
    assert child.parent.span_id == parent.get_span_context().span_id
    assert child.context.trace_id == parent.get_span_context().trace_id


async def test_concurrent_async_calls_keep_their_spans_apart(
    server: HTTPServer, base_url: str, hooks: OpenTelemetryHooks, exporter: Any, http_backend: str
) -> None:
    server.expect_request("/v1/health").respond_with_json(HEALTH)
    server.expect_request("/v1/entities/missing").respond_with_response(
        json_response(problem(404), 404)
    )
    async with ap.AsyncClient(
        api_key=API_KEY, base_url=base_url, **hooks.client_options()
    ) as client:
        results = await asyncio.gather(
            client.health(),
            client.entities.get("missing"),
            client.health(),
            return_exceptions=True,
        )
    assert [type(r).__name__ for r in results] == ["Health", "NotFoundError", "Health"]
    spans = exporter.get_finished_spans()
    assert sorted(s.status.status_code.name for s in spans) == ["ERROR", "UNSET", "UNSET"]
    assert len({s.context.span_id for s in spans}) == 3
    sent = {request.headers["traceparent"] for request, _ in server.log}
    assert sent == {traceparent_of(s) for s in spans}


async def test_explicit_propagator(
    make_client: Any, server: HTTPServer, provider: TracerProvider, exporter: Any
) -> None:
    hooks = OpenTelemetryHooks(provider, propagator=TraceContextTextMapPropagator())
    client = make_client(
        before_request=hooks.before_request,
        after_response=hooks.after_response,
        on_error=hooks.on_error,
    )
    server.expect_request("/v1/health").respond_with_json(HEALTH)
    await run(client.health())
    (span,) = exporter.get_finished_spans()
    ((request, _),) = server.log
    assert request.headers["traceparent"] == traceparent_of(span)


def test_hooks_without_a_started_span_do_nothing(hooks: OpenTelemetryHooks, exporter: Any) -> None:
    request = httpx.Request("GET", "http://h/v1/health")
    hooks.after_response(httpx.Response(200, request=request))
    hooks.on_error(ap.APIConnectionError())
    assert exporter.get_finished_spans() == ()


def test_an_error_status_seen_by_after_response(hooks: OpenTelemetryHooks, exporter: Any) -> None:
    request = httpx.Request("GET", "http://h/v1/health")
    hooks.before_request(request)
    hooks.after_response(httpx.Response(500, request=request))
    (span,) = exporter.get_finished_spans()
    assert span.status.status_code is StatusCode.ERROR
    assert span.attributes is not None
    assert span.attributes["error.type"] == "500"
    assert "server.port" not in span.attributes


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://api.example.com/v1/entities", "https://api.example.com/v1/entities"),
        (
            "https://user:pw@api.example.com/v1/x",
            "https://REDACTED:REDACTED@api.example.com/v1/x",
        ),
        (
            "https://h/v1/x?cursor=c2&api_key=k1&access_token=t&sig=s&limit=5",
            "https://h/v1/x?cursor=c2&api_key=REDACTED&access_token=REDACTED&sig=REDACTED&limit=5",
        ),
        ("https://h/v1/x?password=&type=Person", "https://h/v1/x?password=REDACTED&type=Person"),
    ],
)
def test_url_full_hides_secrets(url: str, expected: str) -> None:
    assert redacted_url(httpx.URL(url)) == expected
