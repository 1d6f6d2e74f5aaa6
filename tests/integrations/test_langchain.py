"""`AgentPlatformCallbackHandler` on real langchain-core runs (fake chat models, tools)."""

from __future__ import annotations

from typing import Any
from uuid import uuid4

import agentplatform as ap
import pytest
from agentplatform.errors import InvalidParameterError
from agentplatform.integrations import redact_pii, traced
from agentplatform.integrations.langchain import AgentPlatformCallbackHandler
from agentplatform_sandbox import Sandbox
from langchain_core.agents import AgentAction, AgentFinish
from langchain_core.language_models import BaseChatModel
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage, HumanMessage, SystemMessage
from langchain_core.outputs import ChatResult
from langchain_core.runnables import RunnableLambda
from langchain_core.tools import tool
from opentelemetry.sdk.trace import TracerProvider

from .conftest import Records, async_records

PROMPT = [SystemMessage("Be brief."), HumanMessage("Mail me at ann@example.com")]


def reply(text: str = "Sure.") -> AIMessage:
    return AIMessage(
        content=text,
        usage_metadata={
            "input_tokens": 20,
            "output_tokens": 2,
            "total_tokens": 22,
            "input_token_details": {"cache_read": 10},
        },
        response_metadata={"finish_reason": "stop", "model_name": "gpt-4o-mini"},
    )


def model(*messages: AIMessage) -> GenericFakeChatModel:
    return GenericFakeChatModel(messages=iter(messages or [reply()]))


class Broken(BaseChatModel):
    """A chat model whose every call fails."""

    @property
    def _llm_type(self) -> str:
        return "broken"

    def _generate(self, messages: Any, stop: Any = None, **kwargs: Any) -> ChatResult:
        raise ValueError("the model is down")


@pytest.fixture
def handler(client: ap.Client) -> AgentPlatformCallbackHandler:
    return AgentPlatformCallbackHandler(client, agent_id="helper")


def agent_events(client: ap.Client) -> list[dict[str, Any]]:
    client.telemetry.flush(10)
    return [event.to_dict() for event in client.events.list()]


def test_a_chat_model_run_is_one_llm_event(
    handler: AgentPlatformCallbackHandler, records: Records
) -> None:
    answer = model().invoke(PROMPT, config={"callbacks": [handler]})
    assert answer.content == "Sure."
    (event,) = records(1)
    assert event["model"] == "gpt-4o-mini"
    assert event["prompt"] == {
        "text": "system: Be brief.\nuser: Mail me at ann@example.com",
        "tokens": 20,
    }
    assert event["response"] == {"text": "Sure.", "tokens": 2, "finish_reason": "stop"}
    assert event["cost_usd"] == pytest.approx((10 * 0.15 + 10 * 0.075 + 2 * 0.6) / 1e6)
    meta = event["metadata"]
    assert meta["provider"] == "langchain" and meta["operation"] == "llm"
    assert meta["request_model"] == "GenericFakeChatModel"
    assert event["span_id"] == meta["run_id"].replace("-", "")[16:]
    assert event["trace_id"] == meta["run_id"].replace("-", "")  # a root run: its own trace


def test_a_chain_is_a_task_with_its_llm_run_as_a_child(
    handler: AgentPlatformCallbackHandler, client: ap.Client, records: Records
) -> None:
    chain = RunnableLambda(lambda question: [HumanMessage(question)]) | model()
    chain.invoke("Hi?", config={"callbacks": [handler], "metadata": {"session_id": "s-42"}})
    (llm,) = records(1)
    events = agent_events(client)
    kinds = [e["type"] for e in events]
    assert kinds.count("task_started") == kinds.count("task_completed") >= 2
    root = next(
        e for e in events if e["type"] == "task_started" and "parent_span_id" not in e["attributes"]
    )
    assert {e["session_id"] for e in events} == {"s-42"}
    assert {e["trace_id"] for e in events} == {llm["trace_id"]}
    assert root["attributes"]["name"] == "RunnableSequence"
    assert root["attributes"]["inputs"] == '"Hi?"'
    assert llm["metadata"]["parent_span_id"] == root["span_id"]
    done = next(
        e for e in events if e["type"] == "task_completed" and e["span_id"] == root["span_id"]
    )
    assert done["attributes"]["latency_ms"] >= 0
    assert "Sure." in done["attributes"]["outputs"]


def test_a_tool_run_is_one_tool_call(
    handler: AgentPlatformCallbackHandler, client: ap.Client
) -> None:
    @tool
    def add(a: int, b: int) -> int:
        """Add two numbers."""
        return a + b

    assert add.invoke({"a": 2, "b": 3}, config={"callbacks": [handler]}) == 5
    (event,) = agent_events(client)
    assert event["type"] == "tool_call" and event["agent_id"] == "helper"
    attributes = event["attributes"]
    assert attributes["tool"] == "add" and attributes["output"] == "5"
    assert attributes["input"] == '{"a": 2, "b": 3}'
    assert event["session_id"] == attributes["run_id"].replace("-", "")  # the root run's id


def test_failures_are_error_events_and_failed_llm_events(
    handler: AgentPlatformCallbackHandler, client: ap.Client, records: Records
) -> None:
    def explode(_: object) -> None:
        raise KeyError("nope")

    with pytest.raises(KeyError):
        RunnableLambda(explode).invoke(1, config={"callbacks": [handler]})
    with pytest.raises(ValueError, match="the model is down"):
        Broken().invoke("hi", config={"callbacks": [handler]})

    @tool
    def fail(x: int) -> int:
        """Always fails."""
        raise RuntimeError("tool broke")

    with pytest.raises(RuntimeError):
        fail.invoke({"x": 1}, config={"callbacks": [handler]})
    (llm,) = records(1)
    assert llm["errors"] == ["ValueError: the model is down"]
    assert llm["model"] == "Broken"
    errors = [e for e in agent_events(client) if e["type"] == "error"]
    assert sorted(e["attributes"]["error_type"] for e in errors) == ["KeyError", "RuntimeError"]
    assert {e["attributes"]["run_type"] for e in errors} == {"chain", "tool"}


def test_a_streamed_run_has_a_time_to_first_token(
    handler: AgentPlatformCallbackHandler, records: Records
) -> None:
    chunks = list(model(reply("One two three")).stream("hi", config={"callbacks": [handler]}))
    assert len(chunks) > 1
    (event,) = records(1)
    assert event["response"]["text"] == "One two three"
    assert 0 < event["metadata"]["time_to_first_token_ms"] <= event["latency_ms"]


def test_runs_inside_traced_share_its_trace(
    handler: AgentPlatformCallbackHandler, records: Records
) -> None:
    with traced() as context:
        model().invoke("hi", config={"callbacks": [handler]})
    with TracerProvider().get_tracer("test").start_as_current_span("request") as span:
        model().invoke("hi", config={"callbacks": [handler]})
    inside, under_otel = records(2)
    assert inside["trace_id"] == context.trace_id
    assert under_otel["trace_id"] == format(span.get_span_context().trace_id, "032x")


def test_capture_off_and_redaction(client: ap.Client, records: Records) -> None:
    quiet = AgentPlatformCallbackHandler(client, capture_content=False)
    redacting = AgentPlatformCallbackHandler(client, redact=redact_pii)
    model().invoke(PROMPT, config={"callbacks": [quiet]})
    RunnableLambda(lambda x: x).invoke("call +1 415 555 0100", config={"callbacks": [redacting]})
    model().invoke(PROMPT, config={"callbacks": [redacting]})
    silent, redacted = records(2)
    assert silent["prompt"] == {"text": "", "tokens": 20}
    assert silent["response"] == {"text": "", "tokens": 2, "finish_reason": "stop"}
    assert redacted["prompt"]["text"].endswith("user: Mail me at [EMAIL]")
    started = next(e for e in agent_events(client) if e["type"] == "task_started")
    assert started["attributes"]["inputs"] == '"call [PHONE]"'


def test_agent_actions_are_custom_events(
    handler: AgentPlatformCallbackHandler, client: ap.Client
) -> None:
    run_id = uuid4()
    handler.on_chain_start({"name": "AgentExecutor"}, {"input": "q"}, run_id=run_id)
    handler.on_agent_action(AgentAction("search", {"q": "x"}, "log"), run_id=run_id)
    handler.on_agent_finish(AgentFinish({"output": "done"}, "log"), run_id=run_id)
    handler.on_agent_finish(AgentFinish({"output": "late"}, "log"), run_id=uuid4())
    handler.on_chain_end({"output": "done"}, run_id=run_id)
    handler.on_chain_end({}, run_id=uuid4())  # a run it never saw start: ignored
    events = agent_events(client)
    assert [e["type"] for e in events] == [
        "task_started",
        "custom",
        "custom",
        "custom",
        "task_completed",
    ]
    action = events[1]["attributes"]
    assert action["langchain_event"] == "agent_action" and action["tool"] == "search"
    assert events[2]["span_id"] == events[0]["span_id"]


def test_a_text_llm_run_is_recorded(
    handler: AgentPlatformCallbackHandler, records: Records
) -> None:
    from langchain_core.outputs import Generation, LLMResult

    run_id = uuid4()
    handler.on_llm_start(
        {"kwargs": {"model_name": "gpt-4o"}},
        ["Say hi"],
        run_id=run_id,
        invocation_params={"temperature": 0.5},
    )
    result = LLMResult(
        generations=[[Generation(text="hi", generation_info={"finish_reason": "length"})]],
        llm_output={
            "token_usage": {"prompt_tokens": 3, "completion_tokens": 1},
            "model_name": "gpt-4o",
        },
    )
    handler.on_llm_end(result, run_id=run_id)
    (event,) = records(1)
    assert event["model"] == "gpt-4o"
    assert event["prompt"] == {"text": "Say hi", "tokens": 3}
    assert event["response"] == {"text": "hi", "tokens": 1, "finish_reason": "length"}
    assert event["metadata"]["temperature"] == 0.5
    assert event["cost_usd"] == pytest.approx((3 * 2.5 + 1 * 10.0) / 1e6)


async def test_async_runs_with_an_async_client(aclient: ap.AsyncClient, sandbox: Sandbox) -> None:
    handler = AgentPlatformCallbackHandler(aclient)
    chain = RunnableLambda(lambda q: [HumanMessage(q)]) | model()
    answer = await chain.ainvoke("Hi?", config={"callbacks": [handler]})
    assert answer.content == "Sure."
    (event,) = await async_records(aclient, sandbox, 1)
    events = [e async for e in aclient.events.list()]
    assert {e.trace_id for e in events} == {event["trace_id"]}


def test_the_handler_checks_its_arguments(client: ap.Client) -> None:
    with pytest.raises(InvalidParameterError, match="client"):
        AgentPlatformCallbackHandler(object())
    with pytest.raises(InvalidParameterError, match="otel"):
        AgentPlatformCallbackHandler(client, otel=True)
    with pytest.raises(InvalidParameterError, match="agent_id"):
        AgentPlatformCallbackHandler(client, agent_id="")
    with pytest.raises(InvalidParameterError, match="colour"):
        AgentPlatformCallbackHandler(client, colour="red")


def test_open_runs_are_bounded(handler: AgentPlatformCallbackHandler, monkeypatch: Any) -> None:
    from agentplatform.integrations import langchain

    monkeypatch.setattr(langchain, "MAX_OPEN_RUNS", 5)
    for _ in range(20):
        handler.on_chain_start({}, {}, run_id=uuid4())
    assert len(handler._runs) == 5
