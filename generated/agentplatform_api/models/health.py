from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.health_status import HealthStatus, check_health_status

T = TypeVar("T", bound="Health")


@_attrs_define
class Health:
    """Service health.

    Attributes:
        status (HealthStatus | str): `ok` or `degraded`.
        version (str): The service version.
        uptime_s (float): Seconds since the service started.
    """

    status: HealthStatus | str
    version: str
    uptime_s: float
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        status: str
        if isinstance(self.status, str):
            status = self.status
        else:
            status = self.status

        version = self.version

        uptime_s = self.uptime_s

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "status": status,
                "version": version,
                "uptime_s": uptime_s,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)

        def _parse_status(data: object) -> HealthStatus | str:
            try:
                if not isinstance(data, str):
                    raise TypeError()
                status_type_0 = check_health_status(data)

                return status_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(HealthStatus | str, data)

        status = _parse_status(d.pop("status"))

        version = d.pop("version")

        uptime_s = d.pop("uptime_s")

        health = cls(
            status=status,
            version=version,
            uptime_s=uptime_s,
        )

        health.additional_properties = d
        return health

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
