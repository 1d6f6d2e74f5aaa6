from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.merge_strategy import MergeStrategy, check_merge_strategy
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.graph_query import GraphQuery
    from ..models.merge_weights import MergeWeights
    from ..models.vector_query import VectorQuery


T = TypeVar("T", bound="HybridQueryRequest")


@_attrs_define
class HybridQueryRequest:
    """A vector query, a graph query, or both.

    Attributes:
        vector_query (VectorQuery | Unset): Nearest entities by cosine similarity.
        graph_query (GraphQuery | Unset): Entities reached from start entities along relations.
        merge_strategy (MergeStrategy | Unset): How vector and graph results are combined.
        weights (MergeWeights | Unset): Weights of the two scores for the `weighted` strategy.
        limit (int | Unset):  Default: 10.
    """

    vector_query: VectorQuery | Unset = UNSET
    graph_query: GraphQuery | Unset = UNSET
    merge_strategy: MergeStrategy | Unset = UNSET
    weights: MergeWeights | Unset = UNSET
    limit: int | Unset = 10
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        vector_query: dict[str, Any] | Unset = UNSET
        if not isinstance(self.vector_query, Unset):
            vector_query = self.vector_query.to_dict()

        graph_query: dict[str, Any] | Unset = UNSET
        if not isinstance(self.graph_query, Unset):
            graph_query = self.graph_query.to_dict()

        merge_strategy: str | Unset = UNSET
        if not isinstance(self.merge_strategy, Unset):
            merge_strategy = self.merge_strategy

        weights: dict[str, Any] | Unset = UNSET
        if not isinstance(self.weights, Unset):
            weights = self.weights.to_dict()

        limit = self.limit

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if vector_query is not UNSET:
            field_dict["vector_query"] = vector_query
        if graph_query is not UNSET:
            field_dict["graph_query"] = graph_query
        if merge_strategy is not UNSET:
            field_dict["merge_strategy"] = merge_strategy
        if weights is not UNSET:
            field_dict["weights"] = weights
        if limit is not UNSET:
            field_dict["limit"] = limit

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.graph_query import GraphQuery
        from ..models.merge_weights import MergeWeights
        from ..models.vector_query import VectorQuery

        d = dict(src_dict)
        _vector_query = d.pop("vector_query", UNSET)
        vector_query: VectorQuery | Unset
        if isinstance(_vector_query, Unset):
            vector_query = UNSET
        else:
            vector_query = VectorQuery.from_dict(_vector_query)

        _graph_query = d.pop("graph_query", UNSET)
        graph_query: GraphQuery | Unset
        if isinstance(_graph_query, Unset):
            graph_query = UNSET
        else:
            graph_query = GraphQuery.from_dict(_graph_query)

        _merge_strategy = d.pop("merge_strategy", UNSET)
        merge_strategy: MergeStrategy | Unset
        if isinstance(_merge_strategy, Unset):
            merge_strategy = UNSET
        else:
            merge_strategy = check_merge_strategy(_merge_strategy)

        _weights = d.pop("weights", UNSET)
        weights: MergeWeights | Unset
        if isinstance(_weights, Unset):
            weights = UNSET
        else:
            weights = MergeWeights.from_dict(_weights)

        limit = d.pop("limit", UNSET)

        hybrid_query_request = cls(
            vector_query=vector_query,
            graph_query=graph_query,
            merge_strategy=merge_strategy,
            weights=weights,
            limit=limit,
        )

        hybrid_query_request.additional_properties = d
        return hybrid_query_request

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
