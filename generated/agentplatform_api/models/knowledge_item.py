from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.knowledge_kind import KnowledgeKind, check_knowledge_kind
from ..types import UNSET, Unset

T = TypeVar("T", bound="KnowledgeItem")


@_attrs_define
class KnowledgeItem:
    """A piece of knowledge with its relevance.

    Attributes:
        id (str):
        kind (KnowledgeKind | str):
        title (str):
        content (str):
        score (float):
        tags (list[str] | Unset):
    """

    id: str
    kind: KnowledgeKind | str
    title: str
    content: str
    score: float
    tags: list[str] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        kind: str
        if isinstance(self.kind, str):
            kind = self.kind
        else:
            kind = self.kind

        title = self.title

        content = self.content

        score = self.score

        tags: list[str] | Unset = UNSET
        if not isinstance(self.tags, Unset):
            tags = self.tags

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "kind": kind,
                "title": title,
                "content": content,
                "score": score,
            }
        )
        if tags is not UNSET:
            field_dict["tags"] = tags

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        id = d.pop("id")

        def _parse_kind(data: object) -> KnowledgeKind | str:
            try:
                if not isinstance(data, str):
                    raise TypeError()
                kind_type_0 = check_knowledge_kind(data)

                return kind_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(KnowledgeKind | str, data)

        kind = _parse_kind(d.pop("kind"))

        title = d.pop("title")

        content = d.pop("content")

        score = d.pop("score")

        tags = cast(list[str], d.pop("tags", UNSET))

        knowledge_item = cls(
            id=id,
            kind=kind,
            title=title,
            content=content,
            score=score,
            tags=tags,
        )

        knowledge_item.additional_properties = d
        return knowledge_item

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
