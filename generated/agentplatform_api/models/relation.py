from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.properties import Properties


T = TypeVar("T", bound="Relation")


@_attrs_define
class Relation:
    """A typed edge between two entities.

    Attributes:
        id (str):
        type_ (str):
        from_entity_id (str):
        to_entity_id (str):
        properties (Properties): Free-form JSON properties, checked against the ontology.
        created_at (datetime.datetime):
    """

    id: str
    type_: str
    from_entity_id: str
    to_entity_id: str
    properties: Properties
    created_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        type_ = self.type_

        from_entity_id = self.from_entity_id

        to_entity_id = self.to_entity_id

        properties = self.properties.to_dict()

        created_at = self.created_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "type": type_,
                "from_entity_id": from_entity_id,
                "to_entity_id": to_entity_id,
                "properties": properties,
                "created_at": created_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.properties import Properties

        d = dict(src_dict)
        id = d.pop("id")

        type_ = d.pop("type")

        from_entity_id = d.pop("from_entity_id")

        to_entity_id = d.pop("to_entity_id")

        properties = Properties.from_dict(d.pop("properties"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        relation = cls(
            id=id,
            type_=type_,
            from_entity_id=from_entity_id,
            to_entity_id=to_entity_id,
            properties=properties,
            created_at=created_at,
        )

        relation.additional_properties = d
        return relation

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
