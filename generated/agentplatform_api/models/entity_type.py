from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.property_specs import PropertySpecs


T = TypeVar("T", bound="EntityType")


@_attrs_define
class EntityType:
    """A type of entity; subtypes inherit their parent's properties.

    Attributes:
        id (str): The type's id, e.g. `Person`.
        parent (None | str | Unset): The parent type's id.
        description (str | Unset): What the type means.
        properties (PropertySpecs | Unset): Property rules by property name.
        required (list[str] | Unset): Properties every entity of this type must have.
    """

    id: str
    parent: None | str | Unset = UNSET
    description: str | Unset = UNSET
    properties: PropertySpecs | Unset = UNSET
    required: list[str] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        parent: None | str | Unset
        if isinstance(self.parent, Unset):
            parent = UNSET
        else:
            parent = self.parent

        description = self.description

        properties: dict[str, Any] | Unset = UNSET
        if not isinstance(self.properties, Unset):
            properties = self.properties.to_dict()

        required: list[str] | Unset = UNSET
        if not isinstance(self.required, Unset):
            required = self.required

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
            }
        )
        if parent is not UNSET:
            field_dict["parent"] = parent
        if description is not UNSET:
            field_dict["description"] = description
        if properties is not UNSET:
            field_dict["properties"] = properties
        if required is not UNSET:
            field_dict["required"] = required

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.property_specs import PropertySpecs

        d = dict(src_dict)
        id = d.pop("id")

        def _parse_parent(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        parent = _parse_parent(d.pop("parent", UNSET))

        description = d.pop("description", UNSET)

        _properties = d.pop("properties", UNSET)
        properties: PropertySpecs | Unset
        if isinstance(_properties, Unset):
            properties = UNSET
        else:
            properties = PropertySpecs.from_dict(_properties)

        required = cast(list[str], d.pop("required", UNSET))

        entity_type = cls(
            id=id,
            parent=parent,
            description=description,
            properties=properties,
            required=required,
        )

        entity_type.additional_properties = d
        return entity_type

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
