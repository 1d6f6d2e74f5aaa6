"""`POST /v1/knowledge/search`."""

from __future__ import annotations

from ..context import Handler, RequestContext
from ..knowledge_base import search
from ..replies import Reply


def search_knowledge(ctx: RequestContext) -> Reply:
    """Corpus items ranked by token overlap with the query."""
    body = ctx.body
    results = search(body["query"], body.get("kinds"), int(body.get("limit", 5)))
    return Reply(200, {"results": results})


HANDLERS: dict[str, Handler] = {"searchKnowledge": search_knowledge}
