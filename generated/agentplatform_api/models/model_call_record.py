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


T = TypeVar("T", bound="ModelCallRecord")


@_attrs_define
class ModelCallRecord:
    """One call of a non-LLM model.

    Attributes:
        kind (Literal['model_call']):
        event_id (str):
        timestamp (datetime.datetime):
        model_name (str):
        latency_ms (float):
        service_name (str | Unset):
        input_data (Attributes | Unset): Free-form event attributes.
        prediction (Attributes | Unset): Free-form event attributes.
        trace_id (str | Unset):
        span_id (str | Unset):
    """

    kind: Literal["model_call"]
    event_id: str
    timestamp: datetime.datetime
    model_name: str
    latency_ms: float
    service_name: str | Unset = UNSET
    input_data: Attributes | Unset = UNSET
    prediction: Attributes | Unset = UNSET
    trace_id: str | Unset = UNSET
    span_id: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        kind = self.kind

        event_id = self.event_id

        timestamp = self.timestamp.isoformat()

        model_name = self.model_name

        latency_ms = self.latency_ms

        service_name = self.service_name

        input_data: dict[str, Any] | Unset = UNSET
        if not isinstance(self.input_data, Unset):
            input_data = self.input_data.to_dict()

        prediction: dict[str, Any] | Unset = UNSET
        if not isinstance(self.prediction, Unset):
            prediction = self.prediction.to_dict()

        trace_id = self.trace_id

        span_id = self.span_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "kind": kind,
                "event_id": event_id,
                "timestamp": timestamp,
                "model_name": model_name,
                "latency_ms": latency_ms,
            }
        )
        if service_name is not UNSET:
            field_dict["service_name"] = service_name
        if input_data is not UNSET:
            field_dict["input_data"] = input_data
        if prediction is not UNSET:
            field_dict["prediction"] = prediction
        if trace_id is not UNSET:
            field_dict["trace_id"] = trace_id
        if span_id is not UNSET:
            field_dict["span_id"] = span_id

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.attributes import Attributes

        d = dict(src_dict)
        kind = cast(Literal["model_call"], d.pop("kind"))
        if kind != "model_call":
            raise ValueError(f"kind must match const 'model_call', got '{kind}'")

        event_id = d.pop("event_id")

        timestamp = datetime.datetime.fromisoformat(d.pop("timestamp"))

        model_name = d.pop("model_name")

        latency_ms = d.pop("latency_ms")

        service_name = d.pop("service_name", UNSET)

        _input_data = d.pop("input_data", UNSET)
        input_data: Attributes | Unset
        if isinstance(_input_data, Unset):
            input_data = UNSET
        else:
            input_data = Attributes.from_dict(_input_data)

        _prediction = d.pop("prediction", UNSET)
        prediction: Attributes | Unset
        if isinstance(_prediction, Unset):
            prediction = UNSET
        else:
            prediction = Attributes.from_dict(_prediction)

        trace_id = d.pop("trace_id", UNSET)

        span_id = d.pop("span_id", UNSET)

        model_call_record = cls(
            kind=kind,
            event_id=event_id,
            timestamp=timestamp,
            model_name=model_name,
            latency_ms=latency_ms,
            service_name=service_name,
            input_data=input_data,
            prediction=prediction,
            trace_id=trace_id,
            span_id=span_id,
        )

        model_call_record.additional_properties = d
        return model_call_record

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
