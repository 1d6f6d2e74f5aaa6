"""`instrument(..., otel=True)`: one OpenTelemetry span per call, GenAI conventions."""

from __future__ import annotations

import sys
from collections.abc import Iterator

import agentplatform as ap
import anthropic
import openai
import pytest
from agentplatform.integrations import MissingExtraError
from agentplatform.integrations import anthropic as ap_anthropic
from agentplatform.integrations.openai import instrument
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind, StatusCode
from pytest_httpserver import HTTPServer

from . import _fakes
from .conftest import Records

CHAT = "/v1/chat/completions"
MESSAGES = [{"role": "user", "content": "Hi!"}]
SCOPE = "agentplatform.integrations"


@pytest.fixture
def spans() -> Iterator[tuple[TracerProvider, InMemorySpanExporter]]:
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    yield provider, exporter
    provider.shutdown()


def ours(exporter: InMemorySpanExporter) -> list[object]:
    return [s for s in exporter.get_finished_spans() if s.instrumentation_scope.name == SCOPE]


def test_a_call_is_a_genai_span_and_the_event_carries_its_ids(
    httpserver: HTTPServer,
    client: ap.Client,
    records: Records,
    spans: tuple[TracerProvider, InMemorySpanExporter],
) -> None:
    provider, exporter = spans
    httpserver.expect_request(CHAT).respond_with_json(_fakes.chat_completion())
    llm = openai.OpenAI(api_key="sk-t", base_url=httpserver.url_for("/v1"), max_retries=0)
    instrument(llm, client.telemetry, otel=True, tracer_provider=provider)
    with provider.get_tracer("app").start_as_current_span("handle request") as parent:
        llm.chat.completions.create(
            model="gpt-4o-mini", messages=MESSAGES, temperature=0.3, max_tokens=50
        )
    (span,) = ours(exporter)
    assert span.name == "chat gpt-4o-mini"
    assert span.kind is SpanKind.CLIENT
    assert span.parent is not None
    assert span.parent.span_id == parent.get_span_context().span_id
    assert dict(span.attributes) == {
        "gen_ai.operation.name": "chat",
        "gen_ai.system": "openai",
        "gen_ai.provider.name": "openai",
        "gen_ai.request.model": "gpt-4o-mini",
        "gen_ai.request.temperature": 0.3,
        "gen_ai.request.max_tokens": 50,
        "server.address": "localhost",
        "server.port": httpserver.port,
        "gen_ai.response.model": "gpt-4o-mini-2024-07-18",
        "gen_ai.response.id": "chatcmpl-1",
        "gen_ai.response.finish_reasons": ("stop",),
        "gen_ai.usage.input_tokens": 12,
        "gen_ai.usage.output_tokens": 3,
    }
    (event,) = records(1)
    assert event["trace_id"] == format(span.context.trace_id, "032x")
    assert event["span_id"] == format(span.context.span_id, "016x")


def test_a_failed_call_ends_its_span_with_an_error(
    httpserver: HTTPServer, client: ap.Client, spans: tuple[TracerProvider, InMemorySpanExporter]
) -> None:
    provider, exporter = spans
    httpserver.expect_request("/v1/messages").respond_with_response(
        _fakes.anthropic_error(429, "busy")
    )
    llm = anthropic.Anthropic(api_key="k", base_url=httpserver.url_for(""), max_retries=0)
    ap_anthropic.instrument(llm, client.telemetry, otel=True, tracer_provider=provider)
    with pytest.raises(anthropic.RateLimitError):
        llm.messages.create(model="claude-haiku-4-5", max_tokens=5, messages=MESSAGES)
    (span,) = ours(exporter)
    assert span.status.status_code is StatusCode.ERROR
    assert span.attributes["error.type"] == "RateLimitError"
    assert span.attributes["gen_ai.system"] == "anthropic"


def test_a_stream_span_ends_with_the_stream(
    httpserver: HTTPServer, client: ap.Client, spans: tuple[TracerProvider, InMemorySpanExporter]
) -> None:
    provider, exporter = spans
    httpserver.expect_request(CHAT).respond_with_response(
        _fakes.stream_response(_fakes.chat_chunks())
    )
    llm = openai.OpenAI(api_key="sk-t", base_url=httpserver.url_for("/v1"), max_retries=0)
    instrument(llm, client.telemetry, otel=True, tracer_provider=provider)
    stream = llm.chat.completions.create(
        model="gpt-4o-mini",
        messages=MESSAGES,
        stream=True,
        stream_options={"include_usage": True},
    )
    assert ours(exporter) == []  # open while the stream is read
    list(stream)
    (span,) = ours(exporter)
    assert span.attributes["gen_ai.usage.output_tokens"] == 3


def test_otel_needs_the_otel_extra(
    httpserver: HTTPServer, client: ap.Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "opentelemetry.trace", None)
    llm = openai.OpenAI(api_key="sk-t", base_url=httpserver.url_for("/v1"))
    with pytest.raises(MissingExtraError, match=r"pip install 'agentplatform\[otel\]'"):
        instrument(llm, client.telemetry, otel=True)
    assert llm.chat.completions._post == llm.post
