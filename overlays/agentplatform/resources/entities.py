"""`client.entities`: typed graph nodes."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Unpack

from agentplatform_api.api.entities import (
    create_entity,
    delete_entity,
    get_entity,
    list_entities,
    update_entity,
    validate_entity,
)
from agentplatform_api.models import (
    Entity,
    EntityCreate,
    EntityUpdate,
    Properties,
    ValidationResult,
)
from agentplatform_api.types import UNSET

from .. import _params
from .._operation import (
    Call,
    M,
    PageCall,
    RequestOptions,
    Resource,
    operation,
    page_call,
    paginated,
)


def _entity_body(
    type: str, properties: Mapping[str, Any], embedding: Sequence[float] | None
) -> EntityCreate:
    return EntityCreate(
        type_=_params.text("type", type),
        properties=Properties.from_dict(_params.mapping("properties", properties)),
        embedding=UNSET if embedding is None else _params.vector("embedding", embedding),
    )


class Entities(Resource[M]):
    """Entities: create, read, merge-update, delete, validate and list."""

    @operation
    def create(
        self,
        *,
        type: str,
        properties: Mapping[str, Any],
        embedding: Sequence[float] | None = None,
        **options: Unpack[RequestOptions],
    ) -> Call[Entity]:
        """Create an entity; properties are checked against the ontology (422 if not)."""
        return Call(create_entity, {"body": _entity_body(type, properties, embedding)}, options)

    @operation
    def get(self, entity_id: str, **options: Unpack[RequestOptions]) -> Call[Entity]:
        """One entity by id."""
        return Call(get_entity, {"entity_id": _params.identifier("entity_id", entity_id)}, options)

    @operation
    def update(
        self,
        entity_id: str,
        *,
        properties: Mapping[str, Any],
        embedding: Sequence[float] | None = None,
        if_match: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> Call[Entity]:
        """Merge properties into an entity (None removes one); `if_match` guards with an ETag."""
        body = EntityUpdate(
            properties=Properties.from_dict(_params.mapping("properties", properties)),
            embedding=UNSET if embedding is None else _params.vector("embedding", embedding),
        )
        kwargs: dict[str, Any] = {
            "entity_id": _params.identifier("entity_id", entity_id),
            "body": body,
        }
        if if_match is not None:
            kwargs["if_match"] = _params.text("if_match", if_match)
        return Call(update_entity, kwargs, options)

    @operation
    def delete(self, entity_id: str, **options: Unpack[RequestOptions]) -> Call[None]:
        """Delete an entity and every relation that touches it."""
        ident = _params.identifier("entity_id", entity_id)
        return Call(delete_entity, {"entity_id": ident}, options, returns_none=True)

    @operation
    def validate(
        self,
        *,
        type: str,
        properties: Mapping[str, Any],
        embedding: Sequence[float] | None = None,
        **options: Unpack[RequestOptions],
    ) -> Call[ValidationResult]:
        """Check an entity against the ontology without storing it."""
        body = _entity_body(type, properties, embedding)
        return Call(validate_entity, {"body": body}, options)

    @paginated
    def list(
        self,
        *,
        type: str | None = None,
        limit: int | None = None,
        max_items: int | None = None,
        **options: Unpack[RequestOptions],
    ) -> PageCall[Entity]:
        """Every entity, optionally of one type (subtypes included), page by page."""
        kwargs: dict[str, Any] = {}
        if type is not None:
            kwargs["type_"] = _params.text("type", type)
        return page_call(list_entities, kwargs, options, limit=limit, max_items=max_items)
