"""`instrument()` of the real `anthropic` client against a fake API on loopback."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from typing import Any

import agentplatform as ap
import anthropic
import pytest
from agentplatform.errors import InvalidParameterError
from agentplatform.integrations.anthropic import instrument, uninstrument
from agentplatform_sandbox import Sandbox
from anthropic.lib.streaming import MessageStream, MessageStreamManager
from anthropic.types import Message
from pytest_httpserver import HTTPServer

from . import _fakes
from .conftest import Records, async_records

MESSAGES_PATH = "/v1/messages"
MESSAGES = [{"role": "user", "content": [{"type": "text", "text": "Salut"}]}]


def make(server: HTTPServer) -> anthropic.Anthropic:
    return anthropic.Anthropic(api_key="sk-ant-test", base_url=server.url_for(""), max_retries=0)


@pytest.fixture
def llm(httpserver: HTTPServer, client: ap.Client) -> Iterator[anthropic.Anthropic]:
    made = instrument(make(httpserver), client.telemetry)
    yield made
    made.close()


def test_a_message_is_recorded_and_returned_as_is(
    llm: anthropic.Anthropic, httpserver: HTTPServer, records: Records
) -> None:
    httpserver.expect_request(MESSAGES_PATH, method="POST").respond_with_json(_fakes.message())
    result = llm.messages.create(
        model="claude-haiku-4-5", max_tokens=64, system="Answer in French.", messages=MESSAGES
    )
    assert type(result) is Message
    (event,) = records(1)
    assert event["model"] == "claude-haiku-4-5-20251001"
    assert event["prompt"] == {"text": "system: Answer in French.\nuser: Salut", "tokens": 130}
    assert event["response"] == {"text": "Bonjour", "tokens": 4, "finish_reason": "end_turn"}
    assert event["cost_usd"] == pytest.approx((30 * 1.0 + 100 * 0.1 + 4 * 5.0) / 1e6)
    assert event["metadata"]["max_tokens"] == 64
    assert event["metadata"]["provider"] == "anthropic"


def test_a_stream_is_the_librarys_own(
    llm: anthropic.Anthropic, httpserver: HTTPServer, records: Records
) -> None:
    httpserver.expect_request(MESSAGES_PATH).respond_with_response(
        _fakes.stream_response(_fakes.message_events())
    )
    stream = llm.messages.create(
        model="claude-sonnet-4-6", max_tokens=64, messages=MESSAGES, stream=True
    )
    assert type(stream) is anthropic.Stream
    kinds = [event.type for event in stream]
    assert kinds[0] == "message_start" and kinds[-1] == "message_stop"
    (event,) = records(1)
    assert event["response"] == {"text": "Bonjour", "tokens": 6, "finish_reason": "end_turn"}
    assert event["prompt"]["tokens"] == 25
    assert event["cost_usd"] == pytest.approx((25 * 3.0 + 6 * 15.0) / 1e6)
    assert event["metadata"]["time_to_first_token_ms"] > 0


def test_the_stream_helper_records_one_event(
    llm: anthropic.Anthropic, httpserver: HTTPServer, records: Records
) -> None:
    httpserver.expect_request(MESSAGES_PATH).respond_with_response(
        _fakes.stream_response(_fakes.message_events())
    )
    manager = llm.messages.stream(model="claude-sonnet-4-6", max_tokens=64, messages=MESSAGES)
    assert type(manager) is MessageStreamManager
    with manager as stream:
        assert type(stream) is MessageStream
        assert "".join(stream.text_stream) == "Bonjour"
    (event,) = records(1)
    assert event["response"]["text"] == "Bonjour"
    assert event["metadata"]["stream_outcome"] == "completed"


def test_a_helper_stream_left_early_is_recorded_as_closed(
    llm: anthropic.Anthropic, httpserver: HTTPServer, records: Records
) -> None:
    httpserver.expect_request(MESSAGES_PATH).respond_with_response(
        _fakes.stream_response(_fakes.message_events())
    )
    with llm.messages.stream(model="claude-sonnet-4-6", max_tokens=64, messages=MESSAGES) as s:
        next(iter(s.text_stream))
    (event,) = records(1)
    assert event["metadata"]["stream_outcome"] == "closed"
    assert event["response"]["text"] == "Bon"


def test_an_abandoned_stream_is_recorded(
    llm: anthropic.Anthropic, httpserver: HTTPServer, records: Records
) -> None:
    httpserver.expect_request(MESSAGES_PATH).respond_with_response(
        _fakes.stream_response(_fakes.message_events())
    )
    stream = llm.messages.create(
        model="claude-sonnet-4-6", max_tokens=64, messages=MESSAGES, stream=True
    )
    next(stream)
    del stream  # no cycle: collected at once
    gc.collect()
    (event,) = records(1)
    assert event["metadata"]["stream_outcome"] == "abandoned"
    assert event["prompt"]["tokens"] == 25


def test_a_cut_stream_raises_the_librarys_error(
    llm: anthropic.Anthropic, httpserver: HTTPServer, records: Records
) -> None:
    body = _fakes.message_events()
    httpserver.expect_request(MESSAGES_PATH).respond_with_handler(
        lambda _: _fakes.stream_response(body, cut_after=4)
    )
    kwargs: dict[str, Any] = {
        "model": "claude-sonnet-4-6",
        "max_tokens": 64,
        "messages": MESSAGES,
        "stream": True,
    }
    with pytest.raises(Exception) as bare_error:  # this library lets the httpx error through
        for _ in make(httpserver).messages.create(**kwargs):
            pass
    with pytest.raises(Exception) as error:
        for _ in llm.messages.create(**kwargs):
            pass
    assert type(error.value) is type(bare_error.value)
    assert str(error.value) == str(bare_error.value)
    (event,) = records(1)
    assert event["metadata"]["stream_outcome"] == "failed"
    assert event["response"]["text"] == "Bon"
    assert event["errors"] == [f"{type(error.value).__name__}: {error.value}"]


@pytest.mark.parametrize(
    ("status", "kind"), [(429, anthropic.RateLimitError), (500, anthropic.InternalServerError)]
)
def test_an_error_answer_is_recorded_and_reraised(
    status: int,
    kind: type[Exception],
    llm: anthropic.Anthropic,
    httpserver: HTTPServer,
    records: Records,
) -> None:
    httpserver.expect_request(MESSAGES_PATH).respond_with_response(
        _fakes.anthropic_error(status, "busy")
    )
    with pytest.raises(kind) as error:
        llm.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=MESSAGES)
    assert type(error.value) is kind
    assert len(httpserver.log) == 1
    (event,) = records(1)
    assert event["metadata"]["status_code"] == status
    assert event["errors"][0].startswith(f"{kind.__name__}: ")


def test_uninstrument_and_argument_checks(
    httpserver: HTTPServer, client: ap.Client, records: Records
) -> None:
    llm = make(httpserver)
    with pytest.raises(InvalidParameterError, match="anthropic_client"):
        instrument(object(), client.telemetry)
    with pytest.raises(InvalidParameterError, match="colour"):
        instrument(llm, client.telemetry, colour="red")  # type: ignore[call-arg]
    instrument(llm, client.telemetry)
    assert uninstrument(llm) is True
    assert uninstrument(llm) is False
    httpserver.expect_request(MESSAGES_PATH).respond_with_json(_fakes.message())
    llm.messages.create(model="claude-sonnet-4-6", max_tokens=8, messages=MESSAGES)
    assert records(0) == []


async def test_async_anthropic(
    httpserver: HTTPServer, aclient: ap.AsyncClient, sandbox: Sandbox
) -> None:
    llm = anthropic.AsyncAnthropic(
        api_key="sk-ant-test", base_url=httpserver.url_for(""), max_retries=0
    )
    instrument(llm, aclient.telemetry)
    httpserver.expect_ordered_request(MESSAGES_PATH).respond_with_json(_fakes.message())
    httpserver.expect_ordered_request(MESSAGES_PATH).respond_with_response(
        _fakes.stream_response(_fakes.message_events())
    )
    result = await llm.messages.create(model="claude-haiku-4-5", max_tokens=8, messages=MESSAGES)
    assert type(result) is Message
    async with llm.messages.stream(
        model="claude-sonnet-4-6", max_tokens=8, messages=MESSAGES
    ) as stream:
        text = "".join([part async for part in stream.text_stream])
    assert text == "Bonjour"
    events = await async_records(aclient, sandbox, 2)
    assert [e["response"]["text"] for e in events] == ["Bonjour", "Bonjour"]
    assert [e["metadata"]["stream"] for e in events] == [False, True]
    await llm.close()
