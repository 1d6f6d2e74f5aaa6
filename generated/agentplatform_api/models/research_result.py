from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.research_source import ResearchSource


T = TypeVar("T", bound="ResearchResult")


@_attrs_define
class ResearchResult:
    """What a research job found.

    Attributes:
        summary (str):
        sources (list[ResearchSource]):
    """

    summary: str
    sources: list[ResearchSource]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        summary = self.summary

        sources = []
        for sources_item_data in self.sources:
            sources_item = sources_item_data.to_dict()
            sources.append(sources_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "summary": summary,
                "sources": sources,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.research_source import ResearchSource

        d = dict(src_dict)
        summary = d.pop("summary")

        sources = []
        _sources = d.pop("sources")
        for sources_item_data in _sources:
            sources_item = ResearchSource.from_dict(sources_item_data)

            sources.append(sources_item)

        research_result = cls(
            summary=summary,
            sources=sources,
        )

        research_result.additional_properties = d
        return research_result

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
