from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.anomaly_type import AnomalyType, check_anomaly_type
from ..models.detection_method import DetectionMethod, check_detection_method
from ..models.severity import Severity, check_severity
from ..types import UNSET, Unset

T = TypeVar("T", bound="Anomaly")


@_attrs_define
class Anomaly:
    """An anomaly found in telemetry.

    Attributes:
        id (str):
        anomaly_type (AnomalyType | str):
        severity (Severity | str):
        detection_method (DetectionMethod | str):
        service_name (str):
        metric (str): The measured field, e.g. `latency_ms`.
        observed_value (float):
        expected_value (float):
        score (float): The detector's score, e.g. the z-score.
        detected_at (datetime.datetime):
        event_id (None | str | Unset): The record that triggered it.
        description (str | Unset):
    """

    id: str
    anomaly_type: AnomalyType | str
    severity: Severity | str
    detection_method: DetectionMethod | str
    service_name: str
    metric: str
    observed_value: float
    expected_value: float
    score: float
    detected_at: datetime.datetime
    event_id: None | str | Unset = UNSET
    description: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        anomaly_type: str
        if isinstance(self.anomaly_type, str):
            anomaly_type = self.anomaly_type
        else:
            anomaly_type = self.anomaly_type

        severity: str
        if isinstance(self.severity, str):
            severity = self.severity
        else:
            severity = self.severity

        detection_method: str
        if isinstance(self.detection_method, str):
            detection_method = self.detection_method
        else:
            detection_method = self.detection_method

        service_name = self.service_name

        metric = self.metric

        observed_value = self.observed_value

        expected_value = self.expected_value

        score = self.score

        detected_at = self.detected_at.isoformat()

        event_id: None | str | Unset
        if isinstance(self.event_id, Unset):
            event_id = UNSET
        else:
            event_id = self.event_id

        description = self.description

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "anomaly_type": anomaly_type,
                "severity": severity,
                "detection_method": detection_method,
                "service_name": service_name,
                "metric": metric,
                "observed_value": observed_value,
                "expected_value": expected_value,
                "score": score,
                "detected_at": detected_at,
            }
        )
        if event_id is not UNSET:
            field_dict["event_id"] = event_id
        if description is not UNSET:
            field_dict["description"] = description

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        id = d.pop("id")

        def _parse_anomaly_type(data: object) -> AnomalyType | str:
            try:
                if not isinstance(data, str):
                    raise TypeError()
                anomaly_type_type_0 = check_anomaly_type(data)

                return anomaly_type_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(AnomalyType | str, data)

        anomaly_type = _parse_anomaly_type(d.pop("anomaly_type"))

        def _parse_severity(data: object) -> Severity | str:
            try:
                if not isinstance(data, str):
                    raise TypeError()
                severity_type_0 = check_severity(data)

                return severity_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(Severity | str, data)

        severity = _parse_severity(d.pop("severity"))

        def _parse_detection_method(data: object) -> DetectionMethod | str:
            try:
                if not isinstance(data, str):
                    raise TypeError()
                detection_method_type_0 = check_detection_method(data)

                return detection_method_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(DetectionMethod | str, data)

        detection_method = _parse_detection_method(d.pop("detection_method"))

        service_name = d.pop("service_name")

        metric = d.pop("metric")

        observed_value = d.pop("observed_value")

        expected_value = d.pop("expected_value")

        score = d.pop("score")

        detected_at = datetime.datetime.fromisoformat(d.pop("detected_at"))

        def _parse_event_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        event_id = _parse_event_id(d.pop("event_id", UNSET))

        description = d.pop("description", UNSET)

        anomaly = cls(
            id=id,
            anomaly_type=anomaly_type,
            severity=severity,
            detection_method=detection_method,
            service_name=service_name,
            metric=metric,
            observed_value=observed_value,
            expected_value=expected_value,
            score=score,
            detected_at=detected_at,
            event_id=event_id,
            description=description,
        )

        anomaly.additional_properties = d
        return anomaly

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
