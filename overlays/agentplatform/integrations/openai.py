"""Record every chat completion and responses call of an `openai` client as an LLM event.

```python
import openai
from agentplatform.integrations.openai import instrument

llm = instrument(openai.OpenAI(), telemetry=client.telemetry)   # also AsyncOpenAI
llm.chat.completions.create(model="gpt-4o-mini", messages=[...])  # one LLM event
```

`chat.completions.create` / `.parse` / `.stream` and `responses.create` / `.parse` /
`.stream`, plain or streamed, sync or async, each record one event. Results, stream
objects and exceptions are exactly the library's own. Streamed chat completions carry
token counts (and so a cost) only when the request asks the API for them:
`stream_options={"include_usage": True}`. A copy made with `with_options()` is a new
client: instrument it too. Needs the `openai` extra.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, Unpack

from ..errors import InvalidParameterError
from ._hooks import uninstall
from ._prices import Usage
from ._provider import Provider, Summary, content_text, count, messages_text
from ._requires import require
from ._setup import InstrumentOptions, instrument_client

_openai = require("openai", "openai")

__all__ = ["instrument", "uninstrument"]

C = TypeVar("C")
_ROUTES = {"/chat/completions": "chat.completions", "/responses": "responses"}
_RESPONSE_DONE = {"response.completed", "response.incomplete", "response.failed"}


class OpenAIProvider(Provider):
    """Reads chat completions and responses (see `Provider`)."""

    system = "openai"

    def operation(self, path: str) -> str | None:
        return _ROUTES.get(path)

    def prompt(self, operation: str, body: Mapping[str, Any]) -> str:
        if operation == "chat.completions":
            return messages_text(body.get("messages"))
        items = body.get("input")
        instructions = body.get("instructions")
        if isinstance(items, str):
            prompt = f"user: {items}"
            return f"system: {instructions}\n{prompt}" if isinstance(instructions, str) else prompt
        return messages_text(items, system=instructions if isinstance(instructions, str) else None)

    def read(self, operation: str, result: Any, summary: Summary) -> None:
        _identify(result, summary)
        if operation == "chat.completions":
            for choice in getattr(result, "choices", None) or ():
                message = getattr(choice, "message", None)
                summary.texts.append(_message_text(message))
                summary.finish(getattr(choice, "finish_reason", None))
            summary.usage = _chat_usage(getattr(result, "usage", None))
        else:
            _read_response(result, summary)

    def chunk(self, operation: str, chunk: Any, summary: Summary, capture: bool) -> bool:
        if operation == "chat.completions":
            return _chat_chunk(chunk, summary, capture)
        kind = getattr(chunk, "type", None)
        if kind == "response.output_text.delta":
            delta = getattr(chunk, "delta", None)
            if capture and isinstance(delta, str):
                summary.texts.append(delta)
            return True
        if kind == "response.created":
            _identify(getattr(chunk, "response", None), summary)
        elif kind in _RESPONSE_DONE:
            response = getattr(chunk, "response", None)
            _identify(response, summary)
            _finish_response(response, summary)
            summary.usage = _responses_usage(getattr(response, "usage", None))
        return False


def _identify(result: Any, summary: Summary) -> None:
    response_id, model = getattr(result, "id", None), getattr(result, "model", None)
    if isinstance(response_id, str) and response_id:
        summary.response_id = response_id
    if isinstance(model, str) and model:
        summary.response_model = model


def _message_text(message: Any) -> str:
    content = getattr(message, "content", None)
    if isinstance(content, str):
        return content
    refusal = getattr(message, "refusal", None)
    return refusal if isinstance(refusal, str) else content_text(content)


def _chat_chunk(chunk: Any, summary: Summary, capture: bool) -> bool:
    _identify(chunk, summary)
    carried = False
    for choice in getattr(chunk, "choices", None) or ():
        delta = getattr(choice, "delta", None)
        text = getattr(delta, "content", None) or getattr(delta, "refusal", None)
        if isinstance(text, str) and text:
            carried = True
            if capture:
                summary.texts.append(text)
        elif getattr(delta, "tool_calls", None):
            carried = True
        summary.finish(getattr(choice, "finish_reason", None))
    usage = getattr(chunk, "usage", None)
    if usage is not None:
        summary.usage = _chat_usage(usage)
    return carried


def _read_response(response: Any, summary: Summary) -> None:
    text = getattr(response, "output_text", None)
    if isinstance(text, str):
        summary.texts.append(text)
    _finish_response(response, summary)
    summary.usage = _responses_usage(getattr(response, "usage", None))


def _finish_response(response: Any, summary: Summary) -> None:
    details = getattr(response, "incomplete_details", None)
    reason = getattr(details, "reason", None)
    summary.finish(reason if isinstance(reason, str) else getattr(response, "status", None))


def _chat_usage(usage: Any) -> Usage | None:
    if usage is None:
        return None
    details = getattr(usage, "prompt_tokens_details", None)
    cached = count(getattr(details, "cached_tokens", None))
    written = count(getattr(details, "cache_write_tokens", None))
    prompt = count(getattr(usage, "prompt_tokens", None))
    return Usage(
        input_tokens=max(prompt - cached - written, 0),
        output_tokens=count(getattr(usage, "completion_tokens", None)),
        cached_input_tokens=cached,
        cache_write_tokens=written,
    )


def _responses_usage(usage: Any) -> Usage | None:
    if usage is None:
        return None
    details = getattr(usage, "input_tokens_details", None)
    cached = count(getattr(details, "cached_tokens", None))
    prompt = count(getattr(usage, "input_tokens", None))
    return Usage(
        input_tokens=max(prompt - cached, 0),
        output_tokens=count(getattr(usage, "output_tokens", None)),
        cached_input_tokens=cached,
    )


def instrument(openai_client: C, telemetry: object, **options: Unpack[InstrumentOptions]) -> C:
    """Record each LLM call of `openai_client` (`OpenAI` or `AsyncOpenAI`) on `telemetry`.

    Returns the same client, instrumented in place; instrumenting again replaces the
    options. Each call's event holds the model, prompt and response text (unless
    `capture_content=False`; `redact` is applied to them first), token counts, finish
    reason, latency (and time to first token for streams), cost in USD when the model
    is priced, errors, and the ids of the current trace (see `traced`).

    Args:
        openai_client: an `openai.OpenAI` or `openai.AsyncOpenAI`.
        telemetry: `client.telemetry` of an agentplatform `Client` or `AsyncClient`.

    Keyword Args:
        service: the events' `service_name` (default: the telemetry config's).
        capture_content: record prompt and response text.
        redact: `f(text) -> text` applied to texts and error messages before they are
            enqueued, e.g. `redact_pii`.
        prices: model -> `ModelPrice` or `(input, output)` US dollars per 1M tokens,
            over the shipped table (or a whole `PriceTable`).
        otel: also emit an OpenTelemetry GenAI span per call (the `otel` extra).
        tracer_provider: the spans' provider (default: the global one).
        metadata: attributes added to every event.
    """
    if isinstance(openai_client, _openai.AsyncOpenAI):
        is_async = True
        stream_types: tuple[type, ...] = (_openai.AsyncStream,)
    elif isinstance(openai_client, _openai.OpenAI):
        is_async = False
        stream_types = (_openai.Stream,)
    else:
        raise InvalidParameterError(
            "openai_client",
            f"expected openai.OpenAI or openai.AsyncOpenAI, got {type(openai_client).__name__}.",
        )
    client: Any = openai_client
    instrument_client(
        OpenAIProvider(),
        client,
        telemetry,
        options,
        resources=(client.chat.completions, client.responses),
        is_async=is_async,
        stream_types=stream_types,
    )
    return openai_client


def uninstrument(openai_client: object) -> bool:
    """Undo `instrument`: the client's calls are no longer recorded. False if it was not
    instrumented."""
    return uninstall(openai_client)
