from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.result_source import ResultSource, check_result_source

if TYPE_CHECKING:
    from ..models.entity import Entity


T = TypeVar("T", bound="ScoredEntity")


@_attrs_define
class ScoredEntity:
    """An entity with its merged score.

    Attributes:
        entity (Entity): A typed node of the graph.
        score (float):
        sources (list[ResultSource | str]):
    """

    entity: Entity
    score: float
    sources: list[ResultSource | str]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        entity = self.entity.to_dict()

        score = self.score

        sources = []
        for sources_item_data in self.sources:
            sources_item: str
            if isinstance(sources_item_data, str):
                sources_item = sources_item_data
            else:
                sources_item = sources_item_data
            sources.append(sources_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "entity": entity,
                "score": score,
                "sources": sources,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.entity import Entity

        d = dict(src_dict)
        entity = Entity.from_dict(d.pop("entity"))

        score = d.pop("score")

        sources = []
        _sources = d.pop("sources")
        for sources_item_data in _sources:

            def _parse_sources_item(data: object) -> ResultSource | str:
                try:
                    if not isinstance(data, str):
                        raise TypeError()
                    sources_item_type_0 = check_result_source(data)

                    return sources_item_type_0
                except (TypeError, ValueError, AttributeError, KeyError):
                    pass
                return cast(ResultSource | str, data)

            sources_item = _parse_sources_item(sources_item_data)

            sources.append(sources_item)

        scored_entity = cls(
            entity=entity,
            score=score,
            sources=sources,
        )

        scored_entity.additional_properties = d
        return scored_entity

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
