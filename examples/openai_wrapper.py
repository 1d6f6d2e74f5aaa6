"""Record every chat completion of an OpenAI-style client as an LLM event.

`InstrumentedChat` wraps any object with `chat.completions.create(...)` shaped like the
`openai` package's (an `openai.OpenAI()` works as is). It times each call, builds a
checked LLM event (prompt, response, tokens, finish reason, latency, cost, errors) and
enqueues it on `client.telemetry`, which never blocks the call. To run offline, this
example uses `FakeOpenAI`, a stand-in with the same shape; the `openai` package is not
needed.

Run against the sandbox:  agentplatform sandbox --port 8080  (in another terminal)
                          AGENTPLATFORM_BASE_URL=http://127.0.0.1:8080 \
                          AGENTPLATFORM_API_KEY=sk_test_sandbox_0000 python openai_wrapper.py
"""

from __future__ import annotations

import time
from types import SimpleNamespace
from typing import Any

import agentplatform as ap
from agentplatform.telemetry import TelemetryConfig, TelemetryEventBuilder

# US dollars per 1,000 tokens: (prompt, completion).
PRICES = {"gpt-4o-mini": (0.00015, 0.0006), "gpt-4o": (0.0025, 0.01)}


class FakeOpenAI:
    """An offline stand-in for `openai.OpenAI()`: `chat.completions.create` only."""

    def __init__(self) -> None:
        self.chat = SimpleNamespace(completions=SimpleNamespace(create=self._create))

    def _create(self, *, model: str, messages: list[dict[str, str]], **_: Any) -> Any:
        question = messages[-1]["content"]
        if "fail" in question:
            raise TimeoutError("the model did not answer in time")
        answer = f"A short answer to: {question}"
        return SimpleNamespace(
            model=model,
            choices=[
                SimpleNamespace(
                    message=SimpleNamespace(role="assistant", content=answer),
                    finish_reason="stop",
                )
            ],
            usage=SimpleNamespace(
                prompt_tokens=sum(len(m["content"].split()) for m in messages),
                completion_tokens=len(answer.split()),
            ),
        )


class _Completions:
    def __init__(self, inner: Any, telemetry: Any, service: str) -> None:
        self._inner = inner
        self._telemetry = telemetry
        self._service = service

    def create(self, *, model: str, messages: list[dict[str, str]], **kwargs: Any) -> Any:
        """Call the wrapped client; record the call (or its failure) as an LLM event."""
        prompt = "\n".join(f"{m['role']}: {m['content']}" for m in messages)
        builder = (
            TelemetryEventBuilder(service=self._service, model=model)
            .prompt(prompt[:100_000])
            .metadata({k: v for k, v in kwargs.items() if isinstance(v, (int, float, str))})
        )
        started = time.perf_counter()
        try:
            response = self._inner.create(model=model, messages=messages, **kwargs)
        except Exception as exc:
            builder.latency((time.perf_counter() - started) * 1000).error(exc)
            self._telemetry.track(builder.build())
            raise
        builder.latency((time.perf_counter() - started) * 1000)
        choice = response.choices[0]
        builder.response(choice.message.content or "", finish_reason=choice.finish_reason)
        usage = getattr(response, "usage", None)
        if usage is not None:
            builder.tokens(prompt=usage.prompt_tokens, completion=usage.completion_tokens)
            prompt_price, completion_price = PRICES.get(model, (0.0, 0.0))
            builder.cost(
                usage.prompt_tokens / 1000 * prompt_price
                + usage.completion_tokens / 1000 * completion_price
            )
        self._telemetry.track(builder.build())
        return response


class InstrumentedChat:
    """An OpenAI-style client whose chat completions are recorded as LLM events."""

    def __init__(self, openai_client: Any, telemetry: Any, *, service: str) -> None:
        completions = _Completions(openai_client.chat.completions, telemetry, service)
        self.chat = SimpleNamespace(completions=completions)


def main() -> None:
    with ap.Client(telemetry=TelemetryConfig(flush_interval=0.5)) as client:
        llm = InstrumentedChat(FakeOpenAI(), client.telemetry, service="chat-app")
        for question in ("What is a vector index?", "How do retries work?", "Hello!"):
            reply = llm.chat.completions.create(
                model="gpt-4o-mini",
                messages=[
                    {"role": "system", "content": "Be brief."},
                    {"role": "user", "content": question},
                ],
                temperature=0.2,
            )
            print(f"assistant: {reply.choices[0].message.content}")
        try:
            llm.chat.completions.create(
                model="gpt-4o", messages=[{"role": "user", "content": "please fail"}]
            )
        except TimeoutError as exc:
            print(f"the call failed and was recorded: {exc}")
        print(f"delivered: {client.telemetry.flush(timeout=30)}")
        stats = client.telemetry.stats()
        print(f"LLM events sent: {stats.sent}, failed: {stats.failed}, dropped: {stats.dropped}")


if __name__ == "__main__":
    main()
