from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="PromptPart")


@_attrs_define
class PromptPart:
    """The prompt of an LLM call.

    Attributes:
        text (str):
        tokens (int | Unset):
        embedding (list[float] | Unset): A dense vector.
    """

    text: str
    tokens: int | Unset = UNSET
    embedding: list[float] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        text = self.text

        tokens = self.tokens

        embedding: list[float] | Unset = UNSET
        if not isinstance(self.embedding, Unset):
            embedding = self.embedding

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "text": text,
            }
        )
        if tokens is not UNSET:
            field_dict["tokens"] = tokens
        if embedding is not UNSET:
            field_dict["embedding"] = embedding

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        text = d.pop("text")

        tokens = d.pop("tokens", UNSET)

        embedding = cast(list[float], d.pop("embedding", UNSET))

        prompt_part = cls(
            text=text,
            tokens=tokens,
            embedding=embedding,
        )

        prompt_part.additional_properties = d
        return prompt_part

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
