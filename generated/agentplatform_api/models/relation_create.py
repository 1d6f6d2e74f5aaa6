from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.properties import Properties


T = TypeVar("T", bound="RelationCreate")


@_attrs_define
class RelationCreate:
    """A new relation.

    Attributes:
        type_ (str):
        from_entity_id (str):
        to_entity_id (str):
        properties (Properties | Unset): Free-form JSON properties, checked against the ontology.
    """

    type_: str
    from_entity_id: str
    to_entity_id: str
    properties: Properties | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        type_ = self.type_

        from_entity_id = self.from_entity_id

        to_entity_id = self.to_entity_id

        properties: dict[str, Any] | Unset = UNSET
        if not isinstance(self.properties, Unset):
            properties = self.properties.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "type": type_,
                "from_entity_id": from_entity_id,
                "to_entity_id": to_entity_id,
            }
        )
        if properties is not UNSET:
            field_dict["properties"] = properties

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.properties import Properties

        d = dict(src_dict)
        type_ = d.pop("type")

        from_entity_id = d.pop("from_entity_id")

        to_entity_id = d.pop("to_entity_id")

        _properties = d.pop("properties", UNSET)
        properties: Properties | Unset
        if isinstance(_properties, Unset):
            properties = UNSET
        else:
            properties = Properties.from_dict(_properties)

        relation_create = cls(
            type_=type_,
            from_entity_id=from_entity_id,
            to_entity_id=to_entity_id,
            properties=properties,
        )

        relation_create.additional_properties = d
        return relation_create

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
