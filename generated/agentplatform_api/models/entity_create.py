from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.properties import Properties


T = TypeVar("T", bound="EntityCreate")


@_attrs_define
class EntityCreate:
    """A new entity.

    Attributes:
        type_ (str): The entity type's id.
        properties (Properties): Free-form JSON properties, checked against the ontology.
        embedding (list[float] | Unset): A dense vector.
    """

    type_: str
    properties: Properties
    embedding: list[float] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        type_ = self.type_

        properties = self.properties.to_dict()

        embedding: list[float] | Unset = UNSET
        if not isinstance(self.embedding, Unset):
            embedding = self.embedding

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "type": type_,
                "properties": properties,
            }
        )
        if embedding is not UNSET:
            field_dict["embedding"] = embedding

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.properties import Properties

        d = dict(src_dict)
        type_ = d.pop("type")

        properties = Properties.from_dict(d.pop("properties"))

        embedding = cast(list[float], d.pop("embedding", UNSET))

        entity_create = cls(
            type_=type_,
            properties=properties,
            embedding=embedding,
        )

        entity_create.additional_properties = d
        return entity_create

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
