"""Ontology operations: upload and read the schema, entity types and subtypes."""

from __future__ import annotations

from ..context import Handler, RequestContext
from ..ontology import build_ontology
from ..problems import not_found
from ..replies import Reply


def put_schema(ctx: RequestContext) -> Reply:
    """Replace the ontology (422 when it is inconsistent); the version grows by one."""
    with ctx.state.lock:
        store = ctx.store
        store.ontology = build_ontology(ctx.body, store.ontology.version + 1, ctx.state.now_iso())
        return Reply(200, store.ontology.to_dict())


def get_schema(ctx: RequestContext) -> Reply:
    """The current ontology (empty, version 0, before any upload)."""
    with ctx.state.lock:
        return Reply(200, ctx.store.ontology.to_dict())


def get_entity_type(ctx: RequestContext) -> Reply:
    """One entity type as uploaded."""
    type_id = ctx.param("type_id")
    with ctx.state.lock:
        found = ctx.store.ontology.entity_types.get(type_id)
        if found is None:
            raise not_found("entity type", type_id)
        return Reply(200, found)


def list_subtypes(ctx: RequestContext) -> Reply:
    """Every subtype of a type, transitively."""
    type_id = ctx.param("type_id")
    with ctx.state.lock:
        ontology = ctx.store.ontology
        if type_id not in ontology.entity_types:
            raise not_found("entity type", type_id)
        subtypes = [ontology.entity_types[t] for t in ontology.subtypes(type_id)]
        return Reply(200, {"type_id": type_id, "subtypes": subtypes})


HANDLERS: dict[str, Handler] = {
    "putOntologySchema": put_schema,
    "getOntologySchema": get_schema,
    "getEntityType": get_entity_type,
    "listSubtypes": list_subtypes,
}
