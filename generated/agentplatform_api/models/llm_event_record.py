from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import (
    TYPE_CHECKING,
    Any,
    Literal,
    Self,
    TypeVar,
    cast,
)

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.attributes import Attributes
    from ..models.prompt_part import PromptPart
    from ..models.response_part import ResponsePart


T = TypeVar("T", bound="LlmEventRecord")


@_attrs_define
class LlmEventRecord:
    """One LLM call.

    Attributes:
        kind (Literal['llm_event']):
        event_id (str):
        timestamp (datetime.datetime):
        service_name (str):
        model (str):
        trace_id (str | Unset):
        span_id (str | Unset):
        prompt (PromptPart | Unset): The prompt of an LLM call.
        response (ResponsePart | Unset): The response of an LLM call.
        latency_ms (float | Unset):
        cost_usd (float | Unset):
        metadata (Attributes | Unset): Free-form event attributes.
        errors (list[str] | Unset):
    """

    kind: Literal["llm_event"]
    event_id: str
    timestamp: datetime.datetime
    service_name: str
    model: str
    trace_id: str | Unset = UNSET
    span_id: str | Unset = UNSET
    prompt: PromptPart | Unset = UNSET
    response: ResponsePart | Unset = UNSET
    latency_ms: float | Unset = UNSET
    cost_usd: float | Unset = UNSET
    metadata: Attributes | Unset = UNSET
    errors: list[str] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        kind = self.kind

        event_id = self.event_id

        timestamp = self.timestamp.isoformat()

        service_name = self.service_name

        model = self.model

        trace_id = self.trace_id

        span_id = self.span_id

        prompt: dict[str, Any] | Unset = UNSET
        if not isinstance(self.prompt, Unset):
            prompt = self.prompt.to_dict()

        response: dict[str, Any] | Unset = UNSET
        if not isinstance(self.response, Unset):
            response = self.response.to_dict()

        latency_ms = self.latency_ms

        cost_usd = self.cost_usd

        metadata: dict[str, Any] | Unset = UNSET
        if not isinstance(self.metadata, Unset):
            metadata = self.metadata.to_dict()

        errors: list[str] | Unset = UNSET
        if not isinstance(self.errors, Unset):
            errors = self.errors

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "kind": kind,
                "event_id": event_id,
                "timestamp": timestamp,
                "service_name": service_name,
                "model": model,
            }
        )
        if trace_id is not UNSET:
            field_dict["trace_id"] = trace_id
        if span_id is not UNSET:
            field_dict["span_id"] = span_id
        if prompt is not UNSET:
            field_dict["prompt"] = prompt
        if response is not UNSET:
            field_dict["response"] = response
        if latency_ms is not UNSET:
            field_dict["latency_ms"] = latency_ms
        if cost_usd is not UNSET:
            field_dict["cost_usd"] = cost_usd
        if metadata is not UNSET:
            field_dict["metadata"] = metadata
        if errors is not UNSET:
            field_dict["errors"] = errors

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.attributes import Attributes
        from ..models.prompt_part import PromptPart
        from ..models.response_part import ResponsePart

        d = dict(src_dict)
        kind = cast(Literal["llm_event"], d.pop("kind"))
        if kind != "llm_event":
            raise ValueError(f"kind must match const 'llm_event', got '{kind}'")

        event_id = d.pop("event_id")

        timestamp = datetime.datetime.fromisoformat(d.pop("timestamp"))

        service_name = d.pop("service_name")

        model = d.pop("model")

        trace_id = d.pop("trace_id", UNSET)

        span_id = d.pop("span_id", UNSET)

        _prompt = d.pop("prompt", UNSET)
        prompt: PromptPart | Unset
        if isinstance(_prompt, Unset):
            prompt = UNSET
        else:
            prompt = PromptPart.from_dict(_prompt)

        _response = d.pop("response", UNSET)
        response: ResponsePart | Unset
        if isinstance(_response, Unset):
            response = UNSET
        else:
            response = ResponsePart.from_dict(_response)

        latency_ms = d.pop("latency_ms", UNSET)

        cost_usd = d.pop("cost_usd", UNSET)

        _metadata = d.pop("metadata", UNSET)
        metadata: Attributes | Unset
        if isinstance(_metadata, Unset):
            metadata = UNSET
        else:
            metadata = Attributes.from_dict(_metadata)

        errors = cast(list[str], d.pop("errors", UNSET))

        llm_event_record = cls(
            kind=kind,
            event_id=event_id,
            timestamp=timestamp,
            service_name=service_name,
            model=model,
            trace_id=trace_id,
            span_id=span_id,
            prompt=prompt,
            response=response,
            latency_ms=latency_ms,
            cost_usd=cost_usd,
            metadata=metadata,
            errors=errors,
        )

        llm_event_record.additional_properties = d
        return llm_event_record

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
