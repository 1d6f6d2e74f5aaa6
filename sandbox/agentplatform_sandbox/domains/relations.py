"""Relation operations, checked against the ontology's relation types."""

from __future__ import annotations

from ..context import Handler, RequestContext
from ..ids import new_id
from ..pagination import paginate
from ..problems import not_found, validation_error
from ..replies import Reply
from ..state import Stored


def create_relation(ctx: RequestContext) -> Reply:
    """Join two existing entities (404 otherwise) if the relation type allows their types."""
    body = ctx.body
    with ctx.state.lock:
        store = ctx.store
        ends = []
        for field in ("from_entity_id", "to_entity_id"):
            entity = store.entities.get(body[field])
            if entity is None:
                raise not_found("entity", body[field])
            ends.append(entity.data["type"])
        errors = store.ontology.check_relation(body["type"], ends[0], ends[1])
        if errors:
            raise validation_error(errors)
        relation = {
            "id": new_id("rel"),
            "type": body["type"],
            "from_entity_id": body["from_entity_id"],
            "to_entity_id": body["to_entity_id"],
            "properties": body.get("properties") or {},
            "created_at": ctx.state.now_iso(),
        }
        store.relations[relation["id"]] = Stored(relation, ctx.state.next_seq())
        return Reply(201, relation)


def list_relations(ctx: RequestContext) -> Reply:
    """Relations in creation order, by entity (and direction) and type."""
    entity_id = ctx.param("entity_id")
    type_id = ctx.param("type")
    direction = ctx.param("direction", "both")
    with ctx.state.lock:
        items = list(ctx.store.relations.values())
    if type_id is not None:
        items = [r for r in items if r.data["type"] == type_id]
    if entity_id is not None:
        items = [
            r
            for r in items
            if (direction in ("outgoing", "both") and r.data["from_entity_id"] == entity_id)
            or (direction in ("incoming", "both") and r.data["to_entity_id"] == entity_id)
        ]
    page = paginate(items, lambda s: (s.seq,), ctx.limit, ctx.param("cursor"), lambda s: s.data)
    return Reply(200, page)


def get_relation(ctx: RequestContext) -> Reply:
    """One relation."""
    relation_id = ctx.param("relation_id")
    with ctx.state.lock:
        found = ctx.store.relations.get(relation_id)
        if found is None:
            raise not_found("relation", relation_id)
        return Reply(200, found.data)


def delete_relation(ctx: RequestContext) -> Reply:
    """Delete one relation."""
    relation_id = ctx.param("relation_id")
    with ctx.state.lock:
        if ctx.store.relations.pop(relation_id, None) is None:
            raise not_found("relation", relation_id)
    return Reply(204)


HANDLERS: dict[str, Handler] = {
    "createRelation": create_relation,
    "listRelations": list_relations,
    "getRelation": get_relation,
    "deleteRelation": delete_relation,
}
