from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="GraphQuery")


@_attrs_define
class GraphQuery:
    """Entities reached from start entities along relations.

    Attributes:
        start_entity_ids (list[str]):
        relation_types (list[str] | Unset): Follow only these relation types.
        depth (int | Unset):  Default: 1.
    """

    start_entity_ids: list[str]
    relation_types: list[str] | Unset = UNSET
    depth: int | Unset = 1
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        start_entity_ids = self.start_entity_ids

        relation_types: list[str] | Unset = UNSET
        if not isinstance(self.relation_types, Unset):
            relation_types = self.relation_types

        depth = self.depth

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "start_entity_ids": start_entity_ids,
            }
        )
        if relation_types is not UNSET:
            field_dict["relation_types"] = relation_types
        if depth is not UNSET:
            field_dict["depth"] = depth

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        start_entity_ids = cast(list[str], d.pop("start_entity_ids"))

        relation_types = cast(list[str], d.pop("relation_types", UNSET))

        depth = d.pop("depth", UNSET)

        graph_query = cls(
            start_entity_ids=start_entity_ids,
            relation_types=relation_types,
            depth=depth,
        )

        graph_query.additional_properties = d
        return graph_query

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
