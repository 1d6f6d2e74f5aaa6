"""Entity operations, checked against the tenant's ontology."""

from __future__ import annotations

from typing import Any

from ..context import Handler, RequestContext
from ..ids import new_id
from ..pagination import paginate
from ..problems import ApiError, not_found, validation_error
from ..replies import Reply
from ..state import Stored


def etag(entity: dict[str, Any]) -> str:
    """The strong ETag of an entity version."""
    return f'"{entity["id"]}.v{entity["version"]}"'


def _reply(status: int, entity: dict[str, Any]) -> Reply:
    return Reply(status, entity, {"ETag": etag(entity)})


def _lookup(ctx: RequestContext) -> Stored:
    entity_id = ctx.param("entity_id")
    found = ctx.store.entities.get(entity_id)
    if found is None:
        raise not_found("entity", entity_id)
    return found


def create_entity(ctx: RequestContext) -> Reply:
    """Store an entity whose properties follow the ontology (422 naming fields otherwise)."""
    body = ctx.body
    with ctx.state.lock:
        errors = ctx.store.ontology.check_entity(body["type"], body["properties"])
        if errors:
            raise validation_error(errors)
        now = ctx.state.now_iso()
        entity = {
            "id": new_id("ent"),
            "type": body["type"],
            "properties": body["properties"],
            "embedding": body.get("embedding"),
            "created_at": now,
            "updated_at": now,
            "version": 1,
        }
        ctx.store.entities[entity["id"]] = Stored(entity, ctx.state.next_seq())
        return _reply(201, entity)


def validate_entity(ctx: RequestContext) -> Reply:
    """Whether an entity would be accepted, with its field errors."""
    with ctx.state.lock:
        errors = ctx.store.ontology.check_entity(ctx.body["type"], ctx.body["properties"])
    return Reply(200, {"valid": not errors, "errors": [e.to_dict() for e in errors]})


def list_entities(ctx: RequestContext) -> Reply:
    """Entities in creation order; `type` includes subtypes."""
    with ctx.state.lock:
        items = list(ctx.store.entities.values())
        type_id = ctx.param("type")
        if type_id is not None:
            wanted = set(ctx.store.ontology.expand([type_id]))
            items = [item for item in items if item.data["type"] in wanted]
    page = paginate(items, lambda s: (s.seq,), ctx.limit, ctx.param("cursor"), lambda s: s.data)
    return Reply(200, page)


def get_entity(ctx: RequestContext) -> Reply:
    """One entity, with its ETag."""
    with ctx.state.lock:
        return _reply(200, _lookup(ctx).data)


def _matches(header: str, current: str) -> bool:
    candidates = [value.strip() for value in header.split(",")]
    return "*" in candidates or current in candidates


def update_entity(ctx: RequestContext) -> Reply:
    """Merge properties (null removes one); 412 when `If-Match` is not the current ETag."""
    with ctx.state.lock:
        stored = _lookup(ctx)
        current = stored.data
        if_match = ctx.param("If-Match")
        if if_match is not None and not _matches(if_match, etag(current)):
            raise ApiError(
                412,
                "precondition_failed",
                f"The entity changed: its ETag is now {etag(current)}; fetch it and retry.",
            )
        properties = dict(current["properties"])
        for name, value in ctx.body["properties"].items():
            if value is None:
                properties.pop(name, None)
            else:
                properties[name] = value
        errors = ctx.store.ontology.check_entity(current["type"], properties)
        if errors:
            raise validation_error(errors)
        updated = {
            **current,
            "properties": properties,
            "embedding": ctx.body.get("embedding", current["embedding"]),
            "updated_at": ctx.state.now_iso(),
            "version": current["version"] + 1,
        }
        ctx.store.entities[current["id"]] = Stored(updated, stored.seq, stored.extra)
        return _reply(200, updated)


def delete_entity(ctx: RequestContext) -> Reply:
    """Delete an entity and its relations; emits `entity.deleted`."""
    with ctx.state.lock:
        stored = _lookup(ctx)
        entity_id = stored.data["id"]
        del ctx.store.entities[entity_id]
        for relation_id, relation in list(ctx.store.relations.items()):
            if entity_id in (relation.data["from_entity_id"], relation.data["to_entity_id"]):
                del ctx.store.relations[relation_id]
        ctx.state.emit(
            ctx.tenant_id, "entity.deleted", {"entity_id": entity_id, "type": stored.data["type"]}
        )
    return Reply(204)


HANDLERS: dict[str, Handler] = {
    "createEntity": create_entity,
    "validateEntity": validate_entity,
    "listEntities": list_entities,
    "getEntity": get_entity,
    "updateEntity": update_entity,
    "deleteEntity": delete_entity,
}
