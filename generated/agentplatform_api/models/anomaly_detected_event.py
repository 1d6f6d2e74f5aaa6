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

if TYPE_CHECKING:
    from ..models.anomaly import Anomaly


T = TypeVar("T", bound="AnomalyDetectedEvent")


@_attrs_define
class AnomalyDetectedEvent:
    """The body of an `anomaly.detected` delivery.

    Attributes:
        id (str):
        type_ (Literal['anomaly.detected']):
        timestamp (datetime.datetime):
        data (Anomaly): An anomaly found in telemetry.
    """

    id: str
    type_: Literal["anomaly.detected"]
    timestamp: datetime.datetime
    data: Anomaly
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        type_ = self.type_

        timestamp = self.timestamp.isoformat()

        data = self.data.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "type": type_,
                "timestamp": timestamp,
                "data": data,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.anomaly import Anomaly

        d = dict(src_dict)
        id = d.pop("id")

        type_ = cast(Literal["anomaly.detected"], d.pop("type"))
        if type_ != "anomaly.detected":
            raise ValueError(f"type must match const 'anomaly.detected', got '{type_}'")

        timestamp = datetime.datetime.fromisoformat(d.pop("timestamp"))

        data = Anomaly.from_dict(d.pop("data"))

        anomaly_detected_event = cls(
            id=id,
            type_=type_,
            timestamp=timestamp,
            data=data,
        )

        anomaly_detected_event.additional_properties = d
        return anomaly_detected_event

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
