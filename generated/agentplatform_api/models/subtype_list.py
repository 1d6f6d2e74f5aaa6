from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.entity_type import EntityType


T = TypeVar("T", bound="SubtypeList")


@_attrs_define
class SubtypeList:
    """Every subtype of a type, at any depth.

    Attributes:
        type_id (str):
        subtypes (list[EntityType]):
    """

    type_id: str
    subtypes: list[EntityType]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        type_id = self.type_id

        subtypes = []
        for subtypes_item_data in self.subtypes:
            subtypes_item = subtypes_item_data.to_dict()
            subtypes.append(subtypes_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "type_id": type_id,
                "subtypes": subtypes,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.entity_type import EntityType

        d = dict(src_dict)
        type_id = d.pop("type_id")

        subtypes = []
        _subtypes = d.pop("subtypes")
        for subtypes_item_data in _subtypes:
            subtypes_item = EntityType.from_dict(subtypes_item_data)

            subtypes.append(subtypes_item)

        subtype_list = cls(
            type_id=type_id,
            subtypes=subtypes,
        )

        subtype_list.additional_properties = d
        return subtype_list

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
