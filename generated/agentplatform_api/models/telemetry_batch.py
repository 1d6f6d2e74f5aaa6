from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.data_quality_record import DataQualityRecord
    from ..models.llm_event_record import LlmEventRecord
    from ..models.model_call_record import ModelCallRecord


T = TypeVar("T", bound="TelemetryBatch")


@_attrs_define
class TelemetryBatch:
    """Up to 1000 telemetry records.

    Attributes:
        records (list[DataQualityRecord | LlmEventRecord | ModelCallRecord]):
    """

    records: list[DataQualityRecord | LlmEventRecord | ModelCallRecord]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.llm_event_record import LlmEventRecord
        from ..models.model_call_record import ModelCallRecord

        records = []
        for records_item_data in self.records:
            records_item: dict[str, Any]
            if isinstance(records_item_data, LlmEventRecord) or isinstance(
                records_item_data, ModelCallRecord
            ):
                records_item = records_item_data.to_dict()
            else:
                records_item = records_item_data.to_dict()

            records.append(records_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "records": records,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.data_quality_record import DataQualityRecord
        from ..models.llm_event_record import LlmEventRecord
        from ..models.model_call_record import ModelCallRecord

        d = dict(src_dict)
        records = []
        _records = d.pop("records")
        for records_item_data in _records:

            def _parse_records_item(
                data: object,
            ) -> DataQualityRecord | LlmEventRecord | ModelCallRecord:
                try:
                    if not isinstance(data, dict):
                        raise TypeError()
                    componentsschemas_telemetry_record_type_0 = (
                        LlmEventRecord.from_dict(data)
                    )

                    return componentsschemas_telemetry_record_type_0
                except (TypeError, ValueError, AttributeError, KeyError):
                    pass
                try:
                    if not isinstance(data, dict):
                        raise TypeError()
                    componentsschemas_telemetry_record_type_1 = (
                        ModelCallRecord.from_dict(data)
                    )

                    return componentsschemas_telemetry_record_type_1
                except (TypeError, ValueError, AttributeError, KeyError):
                    pass
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_telemetry_record_type_2 = DataQualityRecord.from_dict(
                    data
                )

                return componentsschemas_telemetry_record_type_2

            records_item = _parse_records_item(records_item_data)

            records.append(records_item)

        telemetry_batch = cls(
            records=records,
        )

        telemetry_batch.additional_properties = d
        return telemetry_batch

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
