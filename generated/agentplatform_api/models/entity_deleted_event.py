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
    from ..models.entity_deleted_data import EntityDeletedData


T = TypeVar("T", bound="EntityDeletedEvent")


@_attrs_define
class EntityDeletedEvent:
    """The body of an `entity.deleted` delivery.

    Attributes:
        id (str):
        type_ (Literal['entity.deleted']):
        timestamp (datetime.datetime):
        data (EntityDeletedData): What was deleted.
    """

    id: str
    type_: Literal["entity.deleted"]
    timestamp: datetime.datetime
    data: EntityDeletedData
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
        from ..models.entity_deleted_data import EntityDeletedData

        d = dict(src_dict)
        id = d.pop("id")

        type_ = cast(Literal["entity.deleted"], d.pop("type"))
        if type_ != "entity.deleted":
            raise ValueError(f"type must match const 'entity.deleted', got '{type_}'")

        timestamp = datetime.datetime.fromisoformat(d.pop("timestamp"))

        data = EntityDeletedData.from_dict(d.pop("data"))

        entity_deleted_event = cls(
            id=id,
            type_=type_,
            timestamp=timestamp,
            data=data,
        )

        entity_deleted_event.additional_properties = d
        return entity_deleted_event

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
