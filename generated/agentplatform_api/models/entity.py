from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.properties import Properties


T = TypeVar("T", bound="Entity")


@_attrs_define
class Entity:
    """A typed node of the graph.

    Attributes:
        id (str):
        type_ (str):
        properties (Properties): Free-form JSON properties, checked against the ontology.
        embedding (list[float] | None):
        created_at (datetime.datetime):
        updated_at (datetime.datetime):
        version (int): Grows by one on every update; the ETag is derived from it.
    """

    id: str
    type_: str
    properties: Properties
    embedding: list[float] | None
    created_at: datetime.datetime
    updated_at: datetime.datetime
    version: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        type_ = self.type_

        properties = self.properties.to_dict()

        embedding: list[float] | None
        if isinstance(self.embedding, list):
            embedding = self.embedding

        else:
            embedding = self.embedding

        created_at = self.created_at.isoformat()

        updated_at = self.updated_at.isoformat()

        version = self.version

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "type": type_,
                "properties": properties,
                "embedding": embedding,
                "created_at": created_at,
                "updated_at": updated_at,
                "version": version,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.properties import Properties

        d = dict(src_dict)
        id = d.pop("id")

        type_ = d.pop("type")

        properties = Properties.from_dict(d.pop("properties"))

        def _parse_embedding(data: object) -> list[float] | None:
            if data is None:
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                embedding_type_0 = cast(list[float], data)

                return embedding_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[float] | None, data)

        embedding = _parse_embedding(d.pop("embedding"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        version = d.pop("version")

        entity = cls(
            id=id,
            type_=type_,
            properties=properties,
            embedding=embedding,
            created_at=created_at,
            updated_at=updated_at,
            version=version,
        )

        entity.additional_properties = d
        return entity

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
