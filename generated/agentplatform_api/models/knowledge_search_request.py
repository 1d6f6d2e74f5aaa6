from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.knowledge_kind import KnowledgeKind, check_knowledge_kind
from ..types import UNSET, Unset

T = TypeVar("T", bound="KnowledgeSearchRequest")


@_attrs_define
class KnowledgeSearchRequest:
    """A knowledge search.

    Attributes:
        query (str):
        kinds (list[KnowledgeKind] | Unset):
        limit (int | Unset):  Default: 5.
    """

    query: str
    kinds: list[KnowledgeKind] | Unset = UNSET
    limit: int | Unset = 5
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        query = self.query

        kinds: list[str] | Unset = UNSET
        if not isinstance(self.kinds, Unset):
            kinds = []
            for kinds_item_data in self.kinds:
                kinds_item: str = kinds_item_data
                kinds.append(kinds_item)

        limit = self.limit

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "query": query,
            }
        )
        if kinds is not UNSET:
            field_dict["kinds"] = kinds
        if limit is not UNSET:
            field_dict["limit"] = limit

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        query = d.pop("query")

        _kinds = d.pop("kinds", UNSET)
        kinds: list[KnowledgeKind] | Unset = UNSET
        if _kinds is not UNSET:
            kinds = []
            for kinds_item_data in _kinds:
                kinds_item = check_knowledge_kind(kinds_item_data)

                kinds.append(kinds_item)

        limit = d.pop("limit", UNSET)

        knowledge_search_request = cls(
            query=query,
            kinds=kinds,
            limit=limit,
        )

        knowledge_search_request.additional_properties = d
        return knowledge_search_request

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
