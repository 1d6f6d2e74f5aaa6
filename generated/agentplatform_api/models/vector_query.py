from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="VectorQuery")


@_attrs_define
class VectorQuery:
    """Nearest entities by cosine similarity.

    Attributes:
        embedding (list[float]): A dense vector.
        top_k (int | Unset):  Default: 10.
        entity_types (list[str] | Unset): Only these types and their subtypes.
    """

    embedding: list[float]
    top_k: int | Unset = 10
    entity_types: list[str] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        embedding = self.embedding

        top_k = self.top_k

        entity_types: list[str] | Unset = UNSET
        if not isinstance(self.entity_types, Unset):
            entity_types = self.entity_types

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "embedding": embedding,
            }
        )
        if top_k is not UNSET:
            field_dict["top_k"] = top_k
        if entity_types is not UNSET:
            field_dict["entity_types"] = entity_types

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        embedding = cast(list[float], d.pop("embedding"))

        top_k = d.pop("top_k", UNSET)

        entity_types = cast(list[str], d.pop("entity_types", UNSET))

        vector_query = cls(
            embedding=embedding,
            top_k=top_k,
            entity_types=entity_types,
        )

        vector_query.additional_properties = d
        return vector_query

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
