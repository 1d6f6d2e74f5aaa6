"""`client.knowledge`: search over curated knowledge."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal, Unpack

from agentplatform_api.api.knowledge import search_knowledge
from agentplatform_api.models import KnowledgeSearchRequest, KnowledgeSearchResult
from agentplatform_api.types import UNSET

from .. import _params
from .._operation import Call, M, RequestOptions, Resource, operation

_KINDS = ("wisdom", "pattern", "gotcha")


class Knowledge(Resource[M]):
    """Knowledge search."""

    @operation
    def search(
        self,
        query: str,
        *,
        kinds: Iterable[Literal["wisdom", "pattern", "gotcha"]] | None = None,
        limit: int | None = None,
        **options: Unpack[RequestOptions],
    ) -> Call[KnowledgeSearchResult]:
        """Knowledge matching the query, best first."""
        body = KnowledgeSearchRequest(
            query=_params.text("query", query),
            kinds=UNSET
            if kinds is None
            else [
                _params.choices(f"kinds[{i}]", kind, _KINDS)  # type: ignore[misc]
                for i, kind in enumerate(_params.strings("kinds", kinds))
            ],
            limit=UNSET
            if limit is None
            else _params.integer("limit", limit, minimum=1, maximum=50),
        )
        return Call(search_knowledge, {"body": body}, options)
