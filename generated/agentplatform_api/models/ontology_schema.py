from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.entity_type import EntityType
    from ..models.relation_type import RelationType


T = TypeVar("T", bound="OntologySchema")


@_attrs_define
class OntologySchema:
    """The stored ontology.

    Attributes:
        entity_types (list[EntityType]):
        relation_types (list[RelationType]):
        version (int): Grows by one on every upload.
        updated_at (datetime.datetime | None): When it was last uploaded.
    """

    entity_types: list[EntityType]
    relation_types: list[RelationType]
    version: int
    updated_at: datetime.datetime | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        entity_types = []
        for entity_types_item_data in self.entity_types:
            entity_types_item = entity_types_item_data.to_dict()
            entity_types.append(entity_types_item)

        relation_types = []
        for relation_types_item_data in self.relation_types:
            relation_types_item = relation_types_item_data.to_dict()
            relation_types.append(relation_types_item)

        version = self.version

        updated_at: None | str
        if isinstance(self.updated_at, datetime.datetime):
            updated_at = self.updated_at.isoformat()
        else:
            updated_at = self.updated_at

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "entity_types": entity_types,
                "relation_types": relation_types,
                "version": version,
                "updated_at": updated_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.entity_type import EntityType
        from ..models.relation_type import RelationType

        d = dict(src_dict)
        entity_types = []
        _entity_types = d.pop("entity_types")
        for entity_types_item_data in _entity_types:
            entity_types_item = EntityType.from_dict(entity_types_item_data)

            entity_types.append(entity_types_item)

        relation_types = []
        _relation_types = d.pop("relation_types")
        for relation_types_item_data in _relation_types:
            relation_types_item = RelationType.from_dict(relation_types_item_data)

            relation_types.append(relation_types_item)

        version = d.pop("version")

        def _parse_updated_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                updated_at_type_0 = datetime.datetime.fromisoformat(data)

                return updated_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        updated_at = _parse_updated_at(d.pop("updated_at"))

        ontology_schema = cls(
            entity_types=entity_types,
            relation_types=relation_types,
            version=version,
            updated_at=updated_at,
        )

        ontology_schema.additional_properties = d
        return ontology_schema

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
