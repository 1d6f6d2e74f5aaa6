"""`client.relations`: typed edges between entities."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal, Unpack

from agentplatform_api.api.relations import (
    create_relation,
    delete_relation,
    get_relation,
    list_relations,
)
from agentplatform_api.models import Properties, Relation, RelationCreate
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

_DIRECTIONS = ("outgoing", "incoming", "both")


class Relations(Resource[M]):
    """Relations: create, read, delete and list."""

    @operation
    def create(
        self,
        *,
        type: str,
        from_entity_id: str,
        to_entity_id: str,
        properties: Mapping[str, Any] | None = None,
        **options: Unpack[RequestOptions],
    ) -> Call[Relation]:
        """Create a relation; its type must allow the two entities' types (422 if not)."""
        body = RelationCreate(
            type_=_params.text("type", type),
            from_entity_id=_params.identifier("from_entity_id", from_entity_id),
            to_entity_id=_params.identifier("to_entity_id", to_entity_id),
            properties=UNSET
            if properties is None
            else Properties.from_dict(_params.mapping("properties", properties)),
        )
        return Call(create_relation, {"body": body}, options)

    @operation
    def get(self, relation_id: str, **options: Unpack[RequestOptions]) -> Call[Relation]:
        """One relation by id."""
        ident = _params.identifier("relation_id", relation_id)
        return Call(get_relation, {"relation_id": ident}, options)

    @operation
    def delete(self, relation_id: str, **options: Unpack[RequestOptions]) -> Call[None]:
        """Delete a relation."""
        ident = _params.identifier("relation_id", relation_id)
        return Call(delete_relation, {"relation_id": ident}, options, returns_none=True)

    @paginated
    def list(
        self,
        *,
        entity_id: str | None = None,
        type: str | None = None,
        direction: Literal["outgoing", "incoming", "both"] | None = None,
        limit: int | None = None,
        max_items: int | None = None,
        **options: Unpack[RequestOptions],
    ) -> PageCall[Relation]:
        """Every relation, optionally touching one entity, of one type, in one direction."""
        kwargs: dict[str, Any] = {}
        if entity_id is not None:
            kwargs["entity_id"] = _params.identifier("entity_id", entity_id)
        if type is not None:
            kwargs["type_"] = _params.text("type", type)
        if direction is not None:
            kwargs["direction"] = _params.choices("direction", direction, _DIRECTIONS)
        return page_call(list_relations, kwargs, options, limit=limit, max_items=max_items)
