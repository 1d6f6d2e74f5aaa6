"""`client.ontology`: entity and relation types."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Unpack

from agentplatform_api.api.ontology import (
    get_entity_type,
    get_ontology_schema,
    list_subtypes,
    put_ontology_schema,
)
from agentplatform_api.models import (
    EntityType,
    OntologySchema,
    OntologySchemaInput,
    RelationType,
    SubtypeList,
)

from .. import _params
from .._operation import Call, M, RequestOptions, Resource, operation


class Ontology(Resource[M]):
    """The tenant's ontology: the types entities and relations must follow."""

    @operation
    def put_schema(
        self,
        *,
        entity_types: Iterable[EntityType | Mapping[str, Any]],
        relation_types: Iterable[RelationType | Mapping[str, Any]] = (),
        **options: Unpack[RequestOptions],
    ) -> Call[OntologySchema]:
        """Replace the whole ontology; returns the stored schema with its new version."""
        body = OntologySchemaInput(
            entity_types=_params.models("entity_types", EntityType, entity_types),
            relation_types=_params.models("relation_types", RelationType, relation_types),
        )
        return Call(put_ontology_schema, {"body": body}, options)

    @operation
    def get_schema(self, **options: Unpack[RequestOptions]) -> Call[OntologySchema]:
        """The current ontology (empty before the first upload)."""
        return Call(get_ontology_schema, {}, options)

    @operation
    def get_entity_type(self, type_id: str, **options: Unpack[RequestOptions]) -> Call[EntityType]:
        """One entity type by id."""
        return Call(get_entity_type, {"type_id": _params.identifier("type_id", type_id)}, options)

    @operation
    def list_subtypes(self, type_id: str, **options: Unpack[RequestOptions]) -> Call[SubtypeList]:
        """Every subtype of a type, at any depth."""
        return Call(list_subtypes, {"type_id": _params.identifier("type_id", type_id)}, options)
