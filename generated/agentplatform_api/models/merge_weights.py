from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="MergeWeights")


@_attrs_define
class MergeWeights:
    """Weights of the two scores for the `weighted` strategy.

    Attributes:
        vector (float | Unset):  Default: 0.5.
        graph (float | Unset):  Default: 0.5.
    """

    vector: float | Unset = 0.5
    graph: float | Unset = 0.5
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        vector = self.vector

        graph = self.graph

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if vector is not UNSET:
            field_dict["vector"] = vector
        if graph is not UNSET:
            field_dict["graph"] = graph

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        vector = d.pop("vector", UNSET)

        graph = d.pop("graph", UNSET)

        merge_weights = cls(
            vector=vector,
            graph=graph,
        )

        merge_weights.additional_properties = d
        return merge_weights

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
