"""`client.queries`: hybrid vector + graph retrieval."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Literal, Unpack

from agentplatform_api.api.queries import expand_types, hybrid_query
from agentplatform_api.models import (
    ExpandTypesRequest,
    ExpandTypesResult,
    GraphQuery,
    HybridQueryRequest,
    HybridQueryResult,
    MergeWeights,
    VectorQuery,
)
from agentplatform_api.types import UNSET

from .. import _params
from .._operation import Call, M, RequestOptions, Resource, operation
from ..errors import InvalidParameterError

_STRATEGIES = ("union", "intersection", "weighted")


class Queries(Resource[M]):
    """Hybrid queries and type expansion."""

    @operation
    def hybrid(
        self,
        *,
        vector_query: VectorQuery | Mapping[str, Any] | None = None,
        graph_query: GraphQuery | Mapping[str, Any] | None = None,
        merge_strategy: Literal["union", "intersection", "weighted"] | None = None,
        weights: MergeWeights | Mapping[str, float] | None = None,
        limit: int | None = None,
        **options: Unpack[RequestOptions],
    ) -> Call[HybridQueryResult]:
        """Rank entities by vector similarity, graph proximity, or both merged.

        `vector_query={"embedding": [...], "top_k": 10, "entity_types": [...]}`,
        `graph_query={"start_entity_ids": [...], "relation_types": [...], "depth": 2}`.
        """
        if vector_query is None and graph_query is None:
            raise InvalidParameterError("vector_query", "give vector_query, graph_query, or both.")
        body = HybridQueryRequest(
            vector_query=UNSET
            if vector_query is None
            else _params.model("vector_query", VectorQuery, vector_query),
            graph_query=UNSET
            if graph_query is None
            else _params.model("graph_query", GraphQuery, graph_query),
            merge_strategy=UNSET
            if merge_strategy is None
            else _params.choices("merge_strategy", merge_strategy, _STRATEGIES),  # type: ignore[arg-type]
            weights=UNSET if weights is None else _params.model("weights", MergeWeights, weights),
            limit=UNSET
            if limit is None
            else _params.integer("limit", limit, minimum=1, maximum=100),
        )
        return Call(hybrid_query, {"body": body}, options)

    @operation
    def expand_types(
        self, types: Iterable[str] | Sequence[str], **options: Unpack[RequestOptions]
    ) -> Call[ExpandTypesResult]:
        """The given entity types followed by all their subtypes."""
        body = ExpandTypesRequest(types=_params.strings("types", types, non_empty=True))
        return Call(expand_types, {"body": body}, options)
