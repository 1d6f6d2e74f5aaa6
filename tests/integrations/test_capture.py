"""Content capture, redaction and recording failures never reach the caller."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import agentplatform as ap
import openai
import pytest
from agentplatform.integrations import redact_pii
from agentplatform.integrations.openai import instrument
from pytest_httpserver import HTTPServer

from . import _fakes
from .conftest import Records

CHAT = "/v1/chat/completions"
SECRET = [{"role": "user", "content": "I am ann@example.com, card 4242 4242 4242 4242"}]


@pytest.fixture
def llm(httpserver: HTTPServer) -> Iterator[openai.OpenAI]:
    made = openai.OpenAI(api_key="sk-test", base_url=httpserver.url_for("/v1"), max_retries=0)
    yield made
    made.close()


def test_capture_off_records_no_text_but_tokens_and_cost(
    llm: openai.OpenAI, httpserver: HTTPServer, client: ap.Client, records: Records
) -> None:
    instrument(llm, client.telemetry, capture_content=False)
    httpserver.expect_ordered_request(CHAT).respond_with_json(
        _fakes.chat_completion("private answer")
    )
    httpserver.expect_ordered_request(CHAT).respond_with_response(
        _fakes.stream_response(_fakes.chat_chunks(("secret ", "stream")))
    )
    llm.chat.completions.create(model="gpt-4o-mini", messages=SECRET)
    list(
        llm.chat.completions.create(
            model="gpt-4o-mini",
            messages=SECRET,
            stream=True,
            stream_options={"include_usage": True},
        )
    )
    plain, streamed = records(2)
    assert plain["prompt"] == {"text": "", "tokens": 12}
    assert plain["response"] == {"text": "", "tokens": 3, "finish_reason": "stop"}
    assert plain["cost_usd"] > 0
    assert streamed["response"] == {"text": "", "tokens": 3, "finish_reason": "stop"}
    assert streamed["metadata"]["time_to_first_token_ms"] > 0


def test_redact_applies_to_prompts_responses_and_errors(
    llm: openai.OpenAI, httpserver: HTTPServer, client: ap.Client, records: Records
) -> None:
    instrument(llm, client.telemetry, redact=redact_pii, metadata={"team": "search"})
    httpserver.expect_ordered_request(CHAT).respond_with_json(
        _fakes.chat_completion("Call +1 415 555 0100")
    )
    httpserver.expect_ordered_request(CHAT).respond_with_response(
        _fakes.error_response(400, "bad key sk-proj-abcdefghijklmnopqrstuvwxyz")
    )
    llm.chat.completions.create(model="gpt-4o-mini", messages=SECRET)
    with pytest.raises(openai.BadRequestError, match="sk-proj-abcdefghijklmnopqrstuvwxyz"):
        llm.chat.completions.create(model="gpt-4o-mini", messages=SECRET)
    ok, failed = records(2)
    assert ok["prompt"]["text"] == "user: I am [EMAIL], card [CARD]"
    assert ok["response"]["text"] == "Call [PHONE]"
    assert ok["metadata"]["team"] == "search"
    assert "sk-proj" not in failed["errors"][0] and "[API_KEY]" in failed["errors"][0]


@pytest.mark.parametrize("redact", [lambda text: 1 / 0, lambda text: None])
def test_a_failing_redactor_records_no_text(
    redact: object,
    llm: openai.OpenAI,
    httpserver: HTTPServer,
    client: ap.Client,
    records: Records,
    caplog: pytest.LogCaptureFixture,
) -> None:
    instrument(llm, client.telemetry, redact=redact)  # type: ignore[arg-type]
    httpserver.expect_request(CHAT).respond_with_json(_fakes.chat_completion())
    with caplog.at_level(logging.ERROR, "agentplatform.integrations"):
        result = llm.chat.completions.create(model="gpt-4o-mini", messages=SECRET)
    assert result.choices[0].message.content == "Hello there"
    (event,) = records(1)
    assert event["prompt"]["text"] == event["response"]["text"] == "[redaction failed]"
    assert "redact" in caplog.text


def test_a_recording_failure_never_breaks_the_call(
    llm: openai.OpenAI,
    httpserver: HTTPServer,
    client: ap.Client,
    records: Records,
    caplog: pytest.LogCaptureFixture,
) -> None:
    instrument(llm, client.telemetry, metadata={"bad": object()})  # not JSON: build() fails
    httpserver.expect_request(CHAT).respond_with_json(_fakes.chat_completion())
    with caplog.at_level(logging.ERROR, "agentplatform.integrations"):
        result = llm.chat.completions.create(model="gpt-4o-mini", messages=SECRET)
    assert result.choices[0].message.content == "Hello there"
    assert "could not record an LLM call" in caplog.text
    assert records(0) == []


def test_long_texts_are_cut_to_the_record_limit(
    llm: openai.OpenAI, httpserver: HTTPServer, client: ap.Client, records: Records
) -> None:
    instrument(llm, client.telemetry)
    httpserver.expect_request(CHAT).respond_with_json(_fakes.chat_completion("x" * 150_000))
    llm.chat.completions.create(model="gpt-4o-mini", messages=SECRET)
    (event,) = records(1)
    assert len(event["response"]["text"]) == 100_000
