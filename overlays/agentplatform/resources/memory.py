"""`client.memory`: per-user memories with optional expiry."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Unpack

from agentplatform_api.api.memory import delete_memory, get_memory, list_memories, store_memory
from agentplatform_api.models import Memory, MemoryCreate
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


class MemoryResource(Resource[M]):
    """Memories: store, retrieve, list and delete."""

    @operation
    def store(
        self,
        *,
        user_id: str,
        key: str,
        value: str,
        tags: Iterable[str] | None = None,
        ttl_s: int | None = None,
        **options: Unpack[RequestOptions],
    ) -> Call[Memory]:
        """Store a memory; with `ttl_s` it is forgotten after that many seconds."""
        if not isinstance(value, str):
            _params.text("value", value)
        body = MemoryCreate(
            user_id=_params.text("user_id", user_id),
            key=_params.text("key", key),
            value=value,
            tags=UNSET if tags is None else _params.strings("tags", tags),
            ttl_s=UNSET if ttl_s is None else _params.integer("ttl_s", ttl_s, minimum=1),
        )
        return Call(store_memory, {"body": body}, options)

    @operation
    def retrieve(self, memory_id: str, **options: Unpack[RequestOptions]) -> Call[Memory]:
        """One memory by id (404 once it has expired)."""
        ident = _params.identifier("memory_id", memory_id)
        return Call(get_memory, {"memory_id": ident}, options)

    @paginated
    def list(
        self,
        *,
        user_id: str | None = None,
        tag: str | None = None,
        limit: int | None = None,
        max_items: int | None = None,
        **options: Unpack[RequestOptions],
    ) -> PageCall[Memory]:
        """Memories that have not expired, optionally of one user or with one tag."""
        kwargs: dict[str, Any] = {}
        if user_id is not None:
            kwargs["user_id"] = _params.text("user_id", user_id)
        if tag is not None:
            kwargs["tag"] = _params.text("tag", tag)
        return page_call(list_memories, kwargs, options, limit=limit, max_items=max_items)

    @operation
    def delete(self, memory_id: str, **options: Unpack[RequestOptions]) -> Call[None]:
        """Delete a memory."""
        ident = _params.identifier("memory_id", memory_id)
        return Call(delete_memory, {"memory_id": ident}, options, returns_none=True)
