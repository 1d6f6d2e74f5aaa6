"""Reading LangChain's runs: prompts, model names, `LLMResult`s and ids."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from uuid import UUID

from ._prices import Usage
from ._provider import Provider, Summary, content_text, count

_ROLES = {"human": "user", "ai": "assistant"}


class LangChainProvider(Provider):
    """Reads LangChain's prompts and `LLMResult`s (see `Provider`)."""

    system = "langchain"

    def operation(self, path: str) -> str | None:  # pragma: no cover - not hooked on HTTP
        return None

    def prompt(self, operation: str, body: Mapping[str, Any]) -> str:
        return str(body.get("prompt", ""))

    def read(self, operation: str, result: Any, summary: Summary) -> None:
        output = getattr(result, "llm_output", None) or {}
        for generations in getattr(result, "generations", None) or ():
            for generation in generations:
                _read_generation(generation, summary)
        model = output.get("model_name") or output.get("model")
        if isinstance(model, str) and model:
            summary.response_model = model
        if summary.usage is None:
            summary.usage = _token_usage(output.get("token_usage") or output.get("usage"))

    def chunk(self, operation: str, chunk: Any, summary: Summary, capture: bool) -> bool:
        return True  # a new token; the text comes whole with the run's end


def _read_generation(generation: Any, summary: Summary) -> None:
    message = getattr(generation, "message", None)
    text = content_text(getattr(message, "content", None)) if message is not None else ""
    summary.texts.append(text or str(getattr(generation, "text", "") or ""))
    info = getattr(generation, "generation_info", None) or {}
    meta = getattr(message, "response_metadata", None) or {}
    summary.finish(
        info.get("finish_reason") or meta.get("finish_reason") or meta.get("stop_reason")
    )
    model = meta.get("model_name") or meta.get("model")
    if isinstance(model, str) and model:
        summary.response_model = model
    usage = getattr(message, "usage_metadata", None)
    if usage:
        details = usage.get("input_token_details") or {}
        cached, written = count(details.get("cache_read")), count(details.get("cache_creation"))
        summary.usage = Usage(
            input_tokens=max(count(usage.get("input_tokens")) - cached - written, 0),
            output_tokens=count(usage.get("output_tokens")),
            cached_input_tokens=cached,
            cache_write_tokens=written,
        )


def _token_usage(usage: object) -> Usage | None:
    if not isinstance(usage, Mapping):
        return None
    prompt = count(usage.get("prompt_tokens") or usage.get("input_tokens"))
    output = count(usage.get("completion_tokens") or usage.get("output_tokens"))
    return Usage(input_tokens=prompt, output_tokens=output)


def span_of(run_id: UUID) -> str:
    """A W3C span id cut from a LangChain run id."""
    span = run_id.hex[16:]
    return span if span.strip("0") else run_id.hex[:16].rjust(16, "1")


def model_of(
    serialized: Mapping[str, Any] | None, metadata: Mapping[str, Any], kw: Mapping[str, Any]
) -> str:
    """The model of an LLM run: its invocation parameters, metadata or class name."""
    params = kw.get("invocation_params") or {}
    serialized = serialized or {}
    for value in (
        params.get("model"),
        params.get("model_name"),
        metadata.get("ls_model_name"),
        (serialized.get("kwargs") or {}).get("model"),
        (serialized.get("kwargs") or {}).get("model_name"),
        serialized.get("name"),
    ):
        if isinstance(value, str) and value:
            return value
    ids = serialized.get("id")
    return str(ids[-1]) if isinstance(ids, list) and ids else "unknown"


def name_of(serialized: Mapping[str, Any] | None, default: str) -> str:
    """The name of a serialized runnable."""
    if not serialized:
        return default
    name = serialized.get("name")
    if isinstance(name, str) and name:
        return name
    ids = serialized.get("id")
    return str(ids[-1]) if isinstance(ids, list) and ids else default


def message_line(message: Any) -> str:
    """`role: text` of a LangChain message."""
    kind = getattr(message, "type", "user")
    return f"{_ROLES.get(kind, kind)}: {content_text(getattr(message, 'content', ''))}"


def session_from(metadata: Mapping[str, Any] | None) -> str | None:
    """A session id from a run's metadata (`session_id`, `thread_id`, ...)."""
    for key in ("session_id", "thread_id", "conversation_id"):
        value = (metadata or {}).get(key)
        if isinstance(value, (str, int)) and str(value):
            return str(value)
    return None
