from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import (
    Any,
    Literal,
    Self,
    TypeVar,
    cast,
)

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="DataQualityRecord")


@_attrs_define
class DataQualityRecord:
    """A data-quality report on a dataset.

    Attributes:
        kind (Literal['data_quality']):
        event_id (str):
        timestamp (datetime.datetime):
        dataset_name (str):
        record_count (int):
        service_name (str | Unset):
        null_count (int | Unset):
        anomaly_score (float | Unset):
    """

    kind: Literal["data_quality"]
    event_id: str
    timestamp: datetime.datetime
    dataset_name: str
    record_count: int
    service_name: str | Unset = UNSET
    null_count: int | Unset = UNSET
    anomaly_score: float | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        kind = self.kind

        event_id = self.event_id

        timestamp = self.timestamp.isoformat()

        dataset_name = self.dataset_name

        record_count = self.record_count

        service_name = self.service_name

        null_count = self.null_count

        anomaly_score = self.anomaly_score

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "kind": kind,
                "event_id": event_id,
                "timestamp": timestamp,
                "dataset_name": dataset_name,
                "record_count": record_count,
            }
        )
        if service_name is not UNSET:
            field_dict["service_name"] = service_name
        if null_count is not UNSET:
            field_dict["null_count"] = null_count
        if anomaly_score is not UNSET:
            field_dict["anomaly_score"] = anomaly_score

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        kind = cast(Literal["data_quality"], d.pop("kind"))
        if kind != "data_quality":
            raise ValueError(f"kind must match const 'data_quality', got '{kind}'")

        event_id = d.pop("event_id")

        timestamp = datetime.datetime.fromisoformat(d.pop("timestamp"))

        dataset_name = d.pop("dataset_name")

        record_count = d.pop("record_count")

        service_name = d.pop("service_name", UNSET)

        null_count = d.pop("null_count", UNSET)

        anomaly_score = d.pop("anomaly_score", UNSET)

        data_quality_record = cls(
            kind=kind,
            event_id=event_id,
            timestamp=timestamp,
            dataset_name=dataset_name,
            record_count=record_count,
            service_name=service_name,
            null_count=null_count,
            anomaly_score=anomaly_score,
        )

        data_quality_record.additional_properties = d
        return data_quality_record

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
