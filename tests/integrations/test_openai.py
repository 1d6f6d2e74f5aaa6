"""`instrument()` of the real `openai` client against a fake API on loopback."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from typing import Any

import agentplatform as ap
import openai
import pytest
from agentplatform.errors import ConfigurationError, InvalidParameterError
from agentplatform.integrations.openai import instrument, uninstrument
from openai.lib.streaming.chat import ChatCompletionStream, ChatCompletionStreamManager
from openai.types.chat import ChatCompletion, ChatCompletionChunk
from openai.types.responses import Response as OpenAIResponse
from pydantic import BaseModel
from pytest_httpserver import HTTPServer

from . import _fakes
from .conftest import SERVICE, Records

CHAT = "/v1/chat/completions"
MESSAGES = [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi!"}]


def make(server: HTTPServer) -> openai.OpenAI:
    return openai.OpenAI(api_key="sk-test-key", base_url=server.url_for("/v1"), max_retries=0)


@pytest.fixture
def llm(httpserver: HTTPServer, client: ap.Client) -> Iterator[openai.OpenAI]:
    made = instrument(make(httpserver), client.telemetry)
    yield made
    made.close()


@pytest.fixture
def bare(httpserver: HTTPServer) -> Iterator[openai.OpenAI]:
    made = make(httpserver)
    yield made
    made.close()


def test_a_completion_is_recorded_and_returned_as_is(
    llm: openai.OpenAI, httpserver: HTTPServer, records: Records
) -> None:
    httpserver.expect_request(CHAT, method="POST").respond_with_json(_fakes.chat_completion())
    result = llm.chat.completions.create(model="gpt-4o-mini", messages=MESSAGES, temperature=0.2)
    assert type(result) is ChatCompletion
    assert result.choices[0].message.content == "Hello there"
    (event,) = records(1)
    assert event["service_name"] == SERVICE
    assert event["model"] == "gpt-4o-mini-2024-07-18"
    assert event["prompt"] == {"text": "system: Be brief.\nuser: Hi!", "tokens": 12}
    assert event["response"] == {"text": "Hello there", "tokens": 3, "finish_reason": "stop"}
    assert event["cost_usd"] == pytest.approx((12 * 0.15 + 3 * 0.6) / 1e6)
    assert event["latency_ms"] > 0
    assert event["metadata"] == {
        "provider": "openai",
        "operation": "chat.completions",
        "stream": False,
        "request_model": "gpt-4o-mini",
        "response_id": "chatcmpl-1",
        "temperature": 0.2,
    }
    assert len(event["trace_id"]) == 32 and len(event["span_id"]) == 16


def test_a_stream_is_the_librarys_own_and_yields_the_same_chunks(
    llm: openai.OpenAI, bare: openai.OpenAI, httpserver: HTTPServer, records: Records
) -> None:
    httpserver.expect_request(CHAT).respond_with_response(
        _fakes.stream_response(_fakes.chat_chunks())
    )
    kwargs: dict[str, Any] = {
        "model": "gpt-4o-mini",
        "messages": MESSAGES,
        "stream": True,
        "stream_options": {"include_usage": True},
    }
    expected = [chunk.model_dump() for chunk in bare.chat.completions.create(**kwargs)]
    stream = llm.chat.completions.create(**kwargs)
    assert type(stream) is openai.Stream
    assert isinstance(stream, openai.Stream)
    chunks = list(stream)
    assert all(type(chunk) is ChatCompletionChunk for chunk in chunks)
    assert [chunk.model_dump() for chunk in chunks] == expected
    (event,) = records(1)
    assert event["response"] == {"text": "Hello!", "tokens": 3, "finish_reason": "stop"}
    assert event["prompt"]["tokens"] == 8
    assert event["cost_usd"] == pytest.approx((8 * 0.15 + 3 * 0.6) / 1e6)
    meta = event["metadata"]
    assert meta["stream"] is True and meta["stream_outcome"] == "completed"
    assert 0 < meta["time_to_first_token_ms"] <= event["latency_ms"]


def test_a_stream_without_usage_records_no_tokens_and_no_cost(
    llm: openai.OpenAI, httpserver: HTTPServer, records: Records
) -> None:
    httpserver.expect_request(CHAT).respond_with_response(
        _fakes.stream_response(_fakes.chat_chunks(usage=False))
    )
    for _ in llm.chat.completions.create(model="gpt-4o-mini", messages=MESSAGES, stream=True):
        pass
    (event,) = records(1)
    assert "tokens" not in event["prompt"] and "tokens" not in event["response"]
    assert "cost_usd" not in event
    assert event["response"]["text"] == "Hello!"


def test_the_stream_helper_records_one_event(
    llm: openai.OpenAI, httpserver: HTTPServer, records: Records
) -> None:
    httpserver.expect_request(CHAT).respond_with_response(
        _fakes.stream_response(_fakes.chat_chunks())
    )
    manager = llm.chat.completions.stream(model="gpt-4o-mini", messages=MESSAGES)
    assert type(manager) is ChatCompletionStreamManager
    with manager as stream:
        assert type(stream) is ChatCompletionStream
        final = stream.get_final_completion()
    assert final.choices[0].message.content == "Hello!"
    (event,) = records(1)
    assert event["response"]["text"] == "Hello!"
    assert event["metadata"]["stream_outcome"] == "completed"


def test_a_half_read_stream_is_recorded_when_closed(
    llm: openai.OpenAI, httpserver: HTTPServer, records: Records
) -> None:
    httpserver.expect_request(CHAT).respond_with_response(
        _fakes.stream_response(_fakes.chat_chunks())
    )
    stream = llm.chat.completions.create(model="gpt-4o-mini", messages=MESSAGES, stream=True)
    next(stream), next(stream)
    stream.close()
    (event,) = records(1)
    assert event["metadata"]["stream_outcome"] == "closed"
    assert event["response"]["text"] == "Hel"
    stream.close()
    assert len(records(1)) == 1


def test_a_half_read_helper_stream_is_recorded_when_its_block_ends(
    llm: openai.OpenAI, httpserver: HTTPServer, records: Records
) -> None:
    httpserver.expect_request(CHAT).respond_with_response(
        _fakes.stream_response(_fakes.chat_chunks())
    )
    with llm.chat.completions.stream(model="gpt-4o-mini", messages=MESSAGES) as stream:
        for event in stream:
            if event.type == "content.delta" and event.delta:
                break
    (record,) = records(1)
    assert record["metadata"]["stream_outcome"] == "closed"
    assert record["response"]["text"] == "Hel"


@pytest.mark.parametrize("read", [0, 2])
def test_an_abandoned_stream_is_recorded_when_collected(
    read: int, llm: openai.OpenAI, httpserver: HTTPServer, records: Records
) -> None:
    httpserver.expect_request(CHAT).respond_with_response(
        _fakes.stream_response(_fakes.chat_chunks())
    )
    stream = llm.chat.completions.create(model="gpt-4o-mini", messages=MESSAGES, stream=True)
    for _ in range(read):
        next(stream)
    del stream
    gc.collect()
    (event,) = records(1)
    assert event["metadata"]["stream_outcome"] == "abandoned"
    assert event["response"]["text"] == ("Hel" if read else "")


def test_a_stream_cut_midway_raises_the_librarys_error_and_is_recorded(
    llm: openai.OpenAI, bare: openai.OpenAI, httpserver: HTTPServer, records: Records
) -> None:
    body = _fakes.chat_chunks()
    httpserver.expect_request(CHAT).respond_with_handler(
        lambda _: _fakes.stream_response(body, cut_after=3)
    )
    kwargs: dict[str, Any] = {"model": "gpt-4o-mini", "messages": MESSAGES, "stream": True}
    with pytest.raises(Exception) as bare_error:
        list(bare.chat.completions.create(**kwargs))
    seen = []
    with pytest.raises(Exception) as error:
        for chunk in llm.chat.completions.create(**kwargs):
            seen.append(chunk)
    assert type(error.value) is type(bare_error.value)
    assert isinstance(error.value, openai.APIError)
    assert len(seen) == 3
    (event,) = records(1)
    assert event["metadata"]["stream_outcome"] == "failed"
    assert event["response"]["text"] == "Hello"
    assert event["errors"] == [f"{type(error.value).__name__}: {error.value}"]


@pytest.mark.parametrize(
    ("status", "kind"), [(429, openai.RateLimitError), (500, openai.InternalServerError)]
)
def test_an_error_answer_is_recorded_and_reraised_unchanged(
    status: int,
    kind: type[Exception],
    llm: openai.OpenAI,
    bare: openai.OpenAI,
    httpserver: HTTPServer,
    records: Records,
) -> None:
    httpserver.expect_request(CHAT).respond_with_response(
        _fakes.error_response(status, "slow down")
    )
    with pytest.raises(kind) as bare_error:
        bare.chat.completions.create(model="gpt-4o-mini", messages=MESSAGES)
    with pytest.raises(kind) as error:
        llm.chat.completions.create(model="gpt-4o-mini", messages=MESSAGES)
    assert type(error.value) is kind
    assert str(error.value) == str(bare_error.value)
    assert len(httpserver.log) == 2  # max_retries=0: one request each
    (event,) = records(1)
    assert event["errors"] == [f"{kind.__name__}: {error.value}"]
    assert event["metadata"]["status_code"] == status
    assert "response" not in event and "cost_usd" not in event
    assert event["model"] == "gpt-4o-mini"


def test_an_error_event_inside_a_stream_is_reraised_unchanged(
    llm: openai.OpenAI, httpserver: HTTPServer, records: Records
) -> None:
    body = _fakes.sse([(None, {"error": {"message": "overloaded", "type": "server_error"}})])
    httpserver.expect_request(CHAT).respond_with_response(_fakes.stream_response(body))
    stream = llm.chat.completions.create(model="gpt-4o-mini", messages=MESSAGES, stream=True)
    with pytest.raises(openai.APIError, match="overloaded") as error:
        next(stream)
    assert type(error.value) is openai.APIError
    (event,) = records(1)
    assert event["errors"] == ["APIError: overloaded"]
    assert event["metadata"]["stream_outcome"] == "failed"


def test_parse_is_recorded(llm: openai.OpenAI, httpserver: HTTPServer, records: Records) -> None:
    class Answer(BaseModel):
        city: str

    httpserver.expect_request(CHAT).respond_with_json(_fakes.chat_completion('{"city": "Oslo"}'))
    parsed = llm.chat.completions.parse(
        model="gpt-4o-mini", messages=MESSAGES, response_format=Answer
    )
    assert parsed.choices[0].message.parsed == Answer(city="Oslo")
    (event,) = records(1)
    assert event["response"]["text"] == '{"city": "Oslo"}'


def test_responses_are_recorded(
    llm: openai.OpenAI, httpserver: HTTPServer, records: Records
) -> None:
    httpserver.expect_request("/v1/responses").respond_with_json(_fakes.response_object())
    result = llm.responses.create(model="gpt-4.1", instructions="Be kind.", input="Hello?")
    assert type(result) is OpenAIResponse
    (event,) = records(1)
    assert event["prompt"] == {"text": "system: Be kind.\nuser: Hello?", "tokens": 20}
    assert event["response"] == {
        "text": "Hi from responses",
        "tokens": 5,
        "finish_reason": "completed",
    }
    assert event["cost_usd"] == pytest.approx((10 * 2.0 + 10 * 0.5 + 5 * 8.0) / 1e6)
    assert event["metadata"]["operation"] == "responses"


def test_streamed_responses_are_recorded(
    llm: openai.OpenAI, httpserver: HTTPServer, records: Records
) -> None:
    httpserver.expect_request("/v1/responses").respond_with_response(
        _fakes.stream_response(_fakes.response_events())
    )
    items = [{"role": "user", "content": [{"type": "input_text", "text": "Hey"}]}]
    with llm.responses.stream(model="gpt-4.1", input=items) as stream:
        text = "".join(e.delta for e in stream if e.type == "response.output_text.delta")
    assert text == "Hi there"
    (event,) = records(1)
    assert event["prompt"]["text"] == "user: Hey"
    assert event["response"]["text"] == "Hi there"
    assert event["response"]["tokens"] == 5
    assert event["metadata"]["response_id"] == "resp_1"
    assert event["metadata"]["time_to_first_token_ms"] > 0


def test_raw_responses_are_recorded_without_parsing(
    llm: openai.OpenAI, httpserver: HTTPServer, records: Records
) -> None:
    httpserver.expect_request(CHAT).respond_with_json(_fakes.chat_completion())
    raw = llm.chat.completions.with_raw_response.create(model="gpt-4o-mini", messages=MESSAGES)
    assert raw.parse().choices[0].message.content == "Hello there"
    (event,) = records(1)
    assert event["metadata"]["raw_response"] is True
    assert event["model"] == "gpt-4o-mini"


def test_other_posts_of_the_resource_are_not_recorded(
    llm: openai.OpenAI, httpserver: HTTPServer, records: Records, client: ap.Client
) -> None:
    httpserver.expect_request("/v1/chat/completions/chatcmpl-1").respond_with_json(
        _fakes.chat_completion()
    )
    llm.chat.completions.update("chatcmpl-1", metadata={"a": "b"})
    client.telemetry.flush()
    assert records(0) == []


def test_uninstrument_restores_the_client(
    httpserver: HTTPServer, client: ap.Client, records: Records
) -> None:
    llm = make(httpserver)
    original = llm.chat.completions._post
    assert instrument(llm, client.telemetry) is llm
    assert llm.chat.completions._post is not original
    instrument(llm, client.telemetry, service="again")  # replaces, never stacks
    httpserver.expect_request(CHAT).respond_with_json(_fakes.chat_completion())
    llm.chat.completions.create(model="gpt-4o-mini", messages=MESSAGES)
    assert uninstrument(llm) is True
    assert llm.chat.completions._post is original
    assert llm.responses._post == llm.post
    llm.chat.completions.create(model="gpt-4o-mini", messages=MESSAGES)
    (event,) = records(1)
    assert event["service_name"] == "again"
    assert uninstrument(llm) is False


def test_instrument_checks_its_arguments(httpserver: HTTPServer, sandbox: Any) -> None:
    llm = make(httpserver)
    with ap.Client(base_url=sandbox.url, api_key=sandbox.api_key) as unnamed:
        with pytest.raises(ConfigurationError, match="service name"):
            instrument(llm, unnamed.telemetry)
        instrument(llm, unnamed.telemetry, service="named")
        uninstrument(llm)
        with pytest.raises(InvalidParameterError, match="openai_client"):
            instrument(object(), unnamed.telemetry, service="s")
        with pytest.raises(InvalidParameterError, match="telemetry"):
            instrument(llm, unnamed, service="s")
        with pytest.raises(InvalidParameterError, match="capture_content"):
            instrument(llm, unnamed.telemetry, service="s", capture_content=None)  # type: ignore[arg-type]
        with pytest.raises(InvalidParameterError, match="redact"):
            instrument(llm, unnamed.telemetry, service="s", redact="no")  # type: ignore[arg-type]
        with pytest.raises(InvalidParameterError, match="metadata"):
            instrument(llm, unnamed.telemetry, service="s", metadata=[1])  # type: ignore[arg-type]
        with pytest.raises(InvalidParameterError, match="prices"):
            instrument(llm, unnamed.telemetry, service="s", prices={"m": (1.0, -1.0)})
    assert llm.chat.completions._post == llm.post


def test_prices_given_to_instrument_are_used(
    httpserver: HTTPServer, client: ap.Client, records: Records
) -> None:
    llm = instrument(make(httpserver), client.telemetry, prices={"my-finetune": (1.0, 2.0)})
    httpserver.expect_request(CHAT).respond_with_json(_fakes.chat_completion(model="my-finetune"))
    llm.chat.completions.create(model="my-finetune", messages=MESSAGES)
    (event,) = records(1)
    assert event["cost_usd"] == pytest.approx((12 * 1.0 + 3 * 2.0) / 1e6)


def test_a_copy_from_with_options_is_a_new_uninstrumented_client(
    llm: openai.OpenAI, httpserver: HTTPServer, records: Records
) -> None:
    httpserver.expect_request(CHAT).respond_with_json(_fakes.chat_completion())
    llm.with_options(timeout=5).chat.completions.create(model="gpt-4o-mini", messages=MESSAGES)
    llm.chat.completions.create(model="gpt-4o-mini", messages=MESSAGES)
    assert len(records(1)) == 1


def test_an_instrumented_client_is_garbage_collected(
    httpserver: HTTPServer, client: ap.Client
) -> None:
    import weakref

    llm = instrument(make(httpserver), client.telemetry)
    gone = weakref.ref(llm)
    del llm
    gc.collect()
    assert gone() is None
