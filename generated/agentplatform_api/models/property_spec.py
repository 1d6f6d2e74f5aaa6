from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.property_type import PropertyType, check_property_type
from ..types import UNSET, Unset

T = TypeVar("T", bound="PropertySpec")


@_attrs_define
class PropertySpec:
    """The rule for one property of an entity type.

    Attributes:
        type_ (PropertyType): The JSON type a property must have.
        description (str | Unset): What the property means.
        enum (list[str] | Unset): When present, the only allowed string values.
    """

    type_: PropertyType
    description: str | Unset = UNSET
    enum: list[str] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        type_: str = self.type_

        description = self.description

        enum: list[str] | Unset = UNSET
        if not isinstance(self.enum, Unset):
            enum = self.enum

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "type": type_,
            }
        )
        if description is not UNSET:
            field_dict["description"] = description
        if enum is not UNSET:
            field_dict["enum"] = enum

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        type_ = check_property_type(d.pop("type"))

        description = d.pop("description", UNSET)

        enum = cast(list[str], d.pop("enum", UNSET))

        property_spec = cls(
            type_=type_,
            description=description,
            enum=enum,
        )

        property_spec.additional_properties = d
        return property_spec

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
