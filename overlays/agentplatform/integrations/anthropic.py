"""Record every messages call of an `anthropic` client as an LLM event.

```python
import anthropic
from agentplatform.integrations.anthropic import instrument

llm = instrument(anthropic.Anthropic(), telemetry=client.telemetry)   # also AsyncAnthropic
llm.messages.create(model="claude-haiku-4-5", max_tokens=256, messages=[...])
```

`messages.create` (plain or `stream=True`), `messages.parse` and the
`messages.stream(...)` helper, sync or async, each record one event; results, stream
objects and exceptions are exactly the library's own. Cache reads and writes count
as prompt tokens and are priced as such. A copy made with `with_options()` is a new
client: instrument it too. Needs the `anthropic` extra.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, Unpack

from ..errors import InvalidParameterError
from ._hooks import uninstall
from ._prices import Usage
from ._provider import Provider, Summary, count, messages_text
from ._requires import require
from ._setup import InstrumentOptions, instrument_client

_anthropic = require("anthropic", "anthropic")

__all__ = ["instrument", "uninstrument"]

C = TypeVar("C")


class AnthropicProvider(Provider):
    """Reads messages and their stream events (see `Provider`)."""

    system = "anthropic"

    def operation(self, path: str) -> str | None:
        return "messages" if path == "/v1/messages" else None

    def prompt(self, operation: str, body: Mapping[str, Any]) -> str:
        return messages_text(body.get("messages"), system=body.get("system"))

    def read(self, operation: str, result: Any, summary: Summary) -> None:
        _identify(result, summary)
        for block in getattr(result, "content", None) or ():
            text = getattr(block, "text", None)
            if getattr(block, "type", None) == "text" and isinstance(text, str):
                summary.texts.append(text)
        summary.finish(getattr(result, "stop_reason", None))
        summary.usage = _usage(getattr(result, "usage", None), None)

    def chunk(self, operation: str, chunk: Any, summary: Summary, capture: bool) -> bool:
        kind = getattr(chunk, "type", None)
        if kind == "content_block_delta":
            delta = getattr(chunk, "delta", None)
            text = getattr(delta, "text", None)
            if capture and getattr(delta, "type", None) == "text_delta" and isinstance(text, str):
                summary.texts.append(text)
            return True
        if kind == "message_start":
            message = getattr(chunk, "message", None)
            _identify(message, summary)
            summary.usage = _usage(getattr(message, "usage", None), None)
        elif kind == "message_delta":
            summary.finish(getattr(getattr(chunk, "delta", None), "stop_reason", None))
            summary.usage = _usage(getattr(chunk, "usage", None), summary.usage)
        return False


def _identify(message: Any, summary: Summary) -> None:
    message_id, model = getattr(message, "id", None), getattr(message, "model", None)
    if isinstance(message_id, str) and message_id:
        summary.response_id = message_id
    if isinstance(model, str) and model:
        summary.response_model = model


def _usage(usage: Any, earlier: Usage | None) -> Usage | None:
    """Usage of a message, or of a `message_delta` (cumulative; absent fields keep the
    counts of `message_start`)."""
    if usage is None:
        return earlier

    def field(name: str, before: int) -> int:
        value = getattr(usage, name, None)
        return count(value) if value is not None else before

    return Usage(
        input_tokens=field("input_tokens", earlier.input_tokens if earlier else 0),
        output_tokens=field("output_tokens", earlier.output_tokens if earlier else 0),
        cached_input_tokens=field(
            "cache_read_input_tokens", earlier.cached_input_tokens if earlier else 0
        ),
        cache_write_tokens=field(
            "cache_creation_input_tokens", earlier.cache_write_tokens if earlier else 0
        ),
    )


def instrument(anthropic_client: C, telemetry: object, **options: Unpack[InstrumentOptions]) -> C:
    """Record each messages call of `anthropic_client` (`Anthropic` or `AsyncAnthropic`).

    The same options and event as `agentplatform.integrations.openai.instrument`;
    returns the same client, instrumented in place.
    """
    if isinstance(anthropic_client, _anthropic.AsyncAnthropic):
        is_async = True
        stream_types: tuple[type, ...] = (_anthropic.AsyncStream,)
    elif isinstance(anthropic_client, _anthropic.Anthropic):
        is_async = False
        stream_types = (_anthropic.Stream,)
    else:
        raise InvalidParameterError(
            "anthropic_client",
            "expected anthropic.Anthropic or anthropic.AsyncAnthropic, got "
            f"{type(anthropic_client).__name__}.",
        )
    client: Any = anthropic_client
    instrument_client(
        AnthropicProvider(),
        client,
        telemetry,
        options,
        resources=(client.messages,),
        is_async=is_async,
        stream_types=stream_types,
    )
    return anthropic_client


def uninstrument(anthropic_client: object) -> bool:
    """Undo `instrument`: the client's calls are no longer recorded. False if it was not
    instrumented."""
    return uninstall(anthropic_client)
