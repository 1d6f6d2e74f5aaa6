"""Per-user memories with optional expiry; expired ones vanish."""

from __future__ import annotations

from ..context import Handler, RequestContext
from ..ids import new_id
from ..pagination import paginate
from ..problems import not_found
from ..replies import Reply
from ..state import Stored, TenantStore
from ..timeutil import iso

_MAX_TTL_S = 10**12


def live_memories(store: TenantStore, now: float) -> list[Stored]:
    """Memories that have not expired, oldest first; expired ones are forgotten."""
    for memory_id, memory in list(store.memories.items()):
        expires = memory.extra.get("expires")
        if expires is not None and expires <= now:
            del store.memories[memory_id]
    return list(store.memories.values())


def store_memory(ctx: RequestContext) -> Reply:
    """Store a memory; the same user and key replace the earlier value (same id)."""
    body = ctx.body
    with ctx.state.lock:
        now = ctx.state.clock.now()
        existing = next(
            (
                m
                for m in live_memories(ctx.store, now)
                if m.data["user_id"] == body["user_id"] and m.data["key"] == body["key"]
            ),
            None,
        )
        ttl = body.get("ttl_s")
        expires = now + min(int(ttl), _MAX_TTL_S) if ttl is not None else None
        data = {
            "id": existing.data["id"] if existing else new_id("mem"),
            "user_id": body["user_id"],
            "key": body["key"],
            "value": body["value"],
            "tags": body.get("tags", []),
            "created_at": existing.data["created_at"] if existing else iso(now),
            "expires_at": iso(expires) if expires is not None else None,
        }
        seq = existing.seq if existing else ctx.state.next_seq()
        ctx.store.memories[data["id"]] = Stored(data, seq, {"expires": expires})
        return Reply(201, data)


def list_memories(ctx: RequestContext) -> Reply:
    """Live memories, by user and tag."""
    with ctx.state.lock:
        items = live_memories(ctx.store, ctx.state.clock.now())
    user_id, tag = ctx.param("user_id"), ctx.param("tag")
    if user_id is not None:
        items = [m for m in items if m.data["user_id"] == user_id]
    if tag is not None:
        items = [m for m in items if tag in m.data["tags"]]
    page = paginate(items, lambda s: (s.seq,), ctx.limit, ctx.param("cursor"), lambda s: s.data)
    return Reply(200, page)


def get_memory(ctx: RequestContext) -> Reply:
    """One live memory (404 once expired)."""
    memory_id = ctx.param("memory_id")
    with ctx.state.lock:
        live_memories(ctx.store, ctx.state.clock.now())
        found = ctx.store.memories.get(memory_id)
        if found is None:
            raise not_found("memory", memory_id)
        return Reply(200, found.data)


def delete_memory(ctx: RequestContext) -> Reply:
    """Forget one memory."""
    memory_id = ctx.param("memory_id")
    with ctx.state.lock:
        live_memories(ctx.store, ctx.state.clock.now())
        if ctx.store.memories.pop(memory_id, None) is None:
            raise not_found("memory", memory_id)
    return Reply(204)


HANDLERS: dict[str, Handler] = {
    "storeMemory": store_memory,
    "listMemories": list_memories,
    "getMemory": get_memory,
    "deleteMemory": delete_memory,
}
