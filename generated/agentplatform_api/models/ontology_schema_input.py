from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.entity_type import EntityType
    from ..models.relation_type import RelationType


T = TypeVar("T", bound="OntologySchemaInput")


@_attrs_define
class OntologySchemaInput:
    """A whole ontology to store.

    Attributes:
        entity_types (list[EntityType]):
        relation_types (list[RelationType]):
    """

    entity_types: list[EntityType]
    relation_types: list[RelationType]
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

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "entity_types": entity_types,
                "relation_types": relation_types,
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

        ontology_schema_input = cls(
            entity_types=entity_types,
            relation_types=relation_types,
        )

        ontology_schema_input.additional_properties = d
        return ontology_schema_input

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
