from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="RelationType")


@_attrs_define
class RelationType:
    """A type of relation and the entity types it may join.

    Attributes:
        id (str): The type's id, e.g. `WORKS_AT`.
        from_types (list[str]): Entity types allowed at the start (subtypes included).
        to_types (list[str]): Entity types allowed at the end (subtypes included).
        description (str | Unset): What the relation means.
    """

    id: str
    from_types: list[str]
    to_types: list[str]
    description: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        from_types = self.from_types

        to_types = self.to_types

        description = self.description

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "from_types": from_types,
                "to_types": to_types,
            }
        )
        if description is not UNSET:
            field_dict["description"] = description

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        id = d.pop("id")

        from_types = cast(list[str], d.pop("from_types"))

        to_types = cast(list[str], d.pop("to_types"))

        description = d.pop("description", UNSET)

        relation_type = cls(
            id=id,
            from_types=from_types,
            to_types=to_types,
            description=description,
        )

        relation_type.additional_properties = d
        return relation_type

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
