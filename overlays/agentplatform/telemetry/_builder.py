"""`TelemetryEventBuilder`: LLM events built fluently and checked once, at `build()`."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self

import attrs

from ..errors import InvalidParameterError
from . import _records
from ._records import Payload
from ._trace import current_trace_context

_UNSET: Any = object()


@attrs.frozen(slots=True)
class LlmEvent:
    """A checked LLM event, ready for `client.telemetry.track()`.

    Its `event_id` and `timestamp` are given at enqueue unless the builder set them.
    `payload` holds the record's JSON fields; do not change it.
    """

    payload: Payload = attrs.field(repr=False)

    @property
    def service_name(self) -> str | None:
        """The service that made the call (None: the telemetry config's `service_name`)."""
        return self.payload.get("service_name")

    @property
    def model(self) -> str:
        """The model called."""
        return str(self.payload["model"])

    @property
    def trace_id(self) -> str:
        """The W3C trace id."""
        return str(self.payload["trace_id"])

    @property
    def span_id(self) -> str:
        """The W3C span id."""
        return str(self.payload["span_id"])

    def to_dict(self) -> dict[str, Any]:
        """A copy of the record's JSON fields."""
        return dict(self.payload)

    def __repr__(self) -> str:
        return f"LlmEvent(model={self.model!r}, service_name={self.service_name!r})"


class TelemetryEventBuilder:
    """Builds an `LlmEvent` step by step; `build()` checks every field and names the bad one.

    ```python
    event = (
        TelemetryEventBuilder(service="support-bot", model="gpt-4o-mini")
        .prompt("What is our refund policy?", tokens=7)
        .response("Refunds are accepted within 30 days.", tokens=8, finish_reason="stop")
        .latency(412.5)
        .cost(0.00021)
        .metadata(user_tier="pro")
        .build()
    )
    client.telemetry.track(event)
    ```

    Texts are at most 100,000 characters; token counts are whole numbers >= 0; latency
    and cost are finite numbers >= 0. Without `.trace(...)`, the ids of the current
    OpenTelemetry span are used when one is recording, else fresh random ones.
    """

    __slots__ = (
        "_cost",
        "_errors",
        "_event_id",
        "_finish_reason",
        "_latency",
        "_metadata",
        "_model",
        "_prompt",
        "_prompt_tokens",
        "_response",
        "_response_tokens",
        "_service",
        "_span_id",
        "_timestamp",
        "_trace_id",
    )

    def __init__(self, *, service: str | None = None, model: str | None = None) -> None:
        self._service: Any = _UNSET if service is None else service
        self._model: Any = _UNSET if model is None else model
        self._prompt: Any = _UNSET
        self._prompt_tokens: Any = _UNSET
        self._response: Any = _UNSET
        self._response_tokens: Any = _UNSET
        self._finish_reason: Any = _UNSET
        self._latency: Any = _UNSET
        self._cost: Any = _UNSET
        self._metadata: dict[Any, Any] = {}
        self._trace_id: Any = _UNSET
        self._span_id: Any = _UNSET
        self._errors: list[Any] = []
        self._event_id: Any = _UNSET
        self._timestamp: Any = _UNSET

    def service(self, name: str) -> Self:
        """The service that made the call (`service_name`)."""
        self._service = name
        return self

    def model(self, name: str) -> Self:
        """The model called."""
        self._model = name
        return self

    def prompt(self, text: str, *, tokens: int | None = None) -> Self:
        """The prompt text and, optionally, its token count."""
        self._prompt = text
        if tokens is not None:
            self._prompt_tokens = tokens
        return self

    def response(
        self, text: str, *, tokens: int | None = None, finish_reason: str | None = None
    ) -> Self:
        """The response text and, optionally, its token count and finish reason."""
        self._response = text
        if tokens is not None:
            self._response_tokens = tokens
        if finish_reason is not None:
            self._finish_reason = finish_reason
        return self

    def tokens(self, *, prompt: int | None = None, completion: int | None = None) -> Self:
        """Token counts of the prompt and of the completion (the response)."""
        if prompt is not None:
            self._prompt_tokens = prompt
        if completion is not None:
            self._response_tokens = completion
        return self

    def finish_reason(self, reason: str) -> Self:
        """Why the model stopped (e.g. `stop`, `length`)."""
        self._finish_reason = reason
        return self

    def latency(self, ms: float) -> Self:
        """The call's latency in milliseconds."""
        self._latency = ms
        return self

    def cost(self, usd: float) -> Self:
        """The call's cost in US dollars."""
        self._cost = usd
        return self

    def metadata(self, values: Mapping[str, Any] | None = None, /, **more: Any) -> Self:
        """Free-form attributes (merged with those given before)."""
        if values is not None:
            if not isinstance(values, Mapping):
                raise InvalidParameterError(
                    "metadata", f"expected a mapping, got {type(values).__name__}."
                )
            self._metadata.update(values)
        self._metadata.update(more)
        return self

    def trace(self, trace_id: str, span_id: str) -> Self:
        """Explicit W3C trace and span ids (32 and 16 lowercase hex digits)."""
        self._trace_id = trace_id
        self._span_id = span_id
        return self

    def error(self, error: BaseException | str) -> Self:
        """Record an error of the call (an exception becomes `Type: message`)."""
        if isinstance(error, BaseException):
            error = f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
        self._errors.append(error)
        return self

    def event_id(self, event_id: str) -> Self:
        """An explicit event id (by default a uuid4 hex is given at enqueue)."""
        self._event_id = event_id
        return self

    def timestamp(self, when: datetime.datetime) -> Self:
        """An explicit time (by default the enqueue time, UTC)."""
        self._timestamp = when
        return self

    def build(self) -> LlmEvent:
        """Check every field and return the `LlmEvent`; raise `InvalidParameterError` naming
        the first bad field."""
        payload: Payload = {"kind": "llm_event"}
        if self._event_id is not _UNSET:
            payload["event_id"] = _records.text("event_id", self._event_id, max_length=255)
        if self._timestamp is not _UNSET:
            payload["timestamp"] = _records.instant("timestamp", self._timestamp)
        if self._service is not _UNSET:
            payload["service_name"] = _records.text("service_name", self._service, max_length=255)
        if self._model is _UNSET:
            raise InvalidParameterError("model", "is required; call .model(name).")
        payload["model"] = _records.text("model", self._model, max_length=255)
        self._trace_into(payload)
        prompt = self._part("prompt", self._prompt, self._prompt_tokens)
        if prompt is not None:
            payload["prompt"] = prompt
        response = self._part("response", self._response, self._response_tokens)
        if self._finish_reason is not _UNSET:
            reason = _records.text("response.finish_reason", self._finish_reason, max_length=255)
            response = response if response is not None else {"text": ""}
            response["finish_reason"] = reason
        if response is not None:
            payload["response"] = response
        if self._latency is not _UNSET:
            payload["latency_ms"] = _records.non_negative("latency_ms", self._latency)
        if self._cost is not _UNSET:
            payload["cost_usd"] = _records.non_negative("cost_usd", self._cost)
        if self._metadata:
            metadata = _records.attributes("metadata", self._metadata)
            try:
                _records.to_json(metadata)
            except (TypeError, ValueError) as exc:
                raise InvalidParameterError(
                    "metadata", f"is not JSON-serializable: {exc}"
                ) from None
            payload["metadata"] = metadata
        if self._errors:
            payload["errors"] = [
                _records.text(f"errors[{i}]", e, max_length=_records.MAX_TEXT)
                for i, e in enumerate(self._errors)
            ]
        return LlmEvent(payload)

    def _trace_into(self, payload: Payload) -> None:
        if self._trace_id is not _UNSET:
            payload["trace_id"] = _records.trace_id("trace_id", self._trace_id)
            payload["span_id"] = _records.span_id("span_id", self._span_id)
            return
        context = current_trace_context()
        payload["trace_id"] = context.trace_id
        payload["span_id"] = context.span_id

    @staticmethod
    def _part(name: str, text: Any, tokens: Any) -> dict[str, Any] | None:
        if text is _UNSET and tokens is _UNSET:
            return None
        part: dict[str, Any] = {
            "text": "" if text is _UNSET else _records.text(f"{name}.text", text, empty=True)
        }
        if tokens is not _UNSET:
            part["tokens"] = _records.count(f"{name}.tokens", tokens)
        return part
