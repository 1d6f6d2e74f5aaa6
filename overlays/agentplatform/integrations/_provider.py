"""What an instrumented library tells the recorder: its routes, prompts and results.

A `Provider` reads the request body of a call (prompt text, request parameters) and
the objects the library returns (a response, or each chunk of a stream) into a
`Summary`. It reads with `getattr`, so a field the library renames yields nothing
rather than an error.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from ._prices import Usage

MAX_TEXT = 100_000
_PARAMS = ("temperature", "top_p", "max_tokens", "max_completion_tokens", "max_output_tokens")


class Summary:
    """What a call returned so far: ids, text, finish reasons and usage."""

    __slots__ = ("finish_reasons", "response_id", "response_model", "texts", "usage")

    def __init__(self) -> None:
        self.response_id: str | None = None
        self.response_model: str | None = None
        self.texts: list[str] = []
        self.finish_reasons: list[str] = []
        self.usage: Usage | None = None

    def text(self) -> str:
        """The response text gathered so far."""
        return "".join(self.texts)

    def finish(self, reason: object) -> None:
        """Note a finish reason (once per distinct value)."""
        if isinstance(reason, str) and reason and reason not in self.finish_reasons:
            self.finish_reasons.append(reason)


class Provider:
    """The parts of recording that differ between libraries (see the module doc)."""

    system = ""
    """The `gen_ai.system` of the library's API (`openai`, `anthropic`)."""

    def operation(self, path: str) -> str | None:
        """The operation a POST to `path` is (e.g. `chat.completions`), or None to skip."""
        raise NotImplementedError

    def prompt(self, operation: str, body: Mapping[str, Any]) -> str:
        """The prompt text of a request body."""
        raise NotImplementedError

    def read(self, operation: str, result: Any, summary: Summary) -> None:
        """Fill `summary` from a complete (not streamed) result."""
        raise NotImplementedError

    def chunk(self, operation: str, chunk: Any, summary: Summary, capture: bool) -> bool:
        """Fold one stream chunk into `summary` (its text only when `capture`); True when
        the chunk carried output (for the time to first token)."""
        raise NotImplementedError

    def parameters(self, body: Mapping[str, Any]) -> dict[str, float | int]:
        """The numeric sampling parameters of a request (temperature, max tokens, ...)."""
        found: dict[str, float | int] = {}
        for name in _PARAMS:
            value = body.get(name)
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                found[name] = value
        return found


def count(value: object) -> int:
    """A token count from the API (0 when absent or not a whole number)."""
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else 0


def content_text(content: object) -> str:
    """The text of a message's content: a string, or a list of parts with `text`."""
    if isinstance(content, str):
        return content
    if not isinstance(content, (list, tuple)):
        return ""
    texts = []
    for part in content:
        if isinstance(part, str):
            texts.append(part)
            continue
        text = part.get("text") if isinstance(part, Mapping) else getattr(part, "text", None)
        if isinstance(text, str):
            texts.append(text)
        else:
            kind = part.get("type") if isinstance(part, Mapping) else getattr(part, "type", None)
            texts.append(f"[{kind or 'content'}]")
    return "\n".join(texts)


def messages_text(messages: object, *, system: object = None) -> str:
    """`role: text` lines of a list of chat messages (other iterables are left unread,
    so a generator the library still has to consume is never drained here)."""
    lines = []
    if system is not None:
        text = content_text(system)
        if text:
            lines.append(f"system: {text}")
    if isinstance(messages, (list, tuple)):
        for message in _mappings(messages):
            role = message.get("role")
            lines.append(f"{role or 'user'}: {content_text(message.get('content'))}")
    return "\n".join(lines)


def _mappings(items: Iterable[object]) -> Iterable[Mapping[str, Any]]:
    return (item for item in items if isinstance(item, Mapping))
