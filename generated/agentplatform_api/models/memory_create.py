from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="MemoryCreate")


@_attrs_define
class MemoryCreate:
    """A memory to store.

    Attributes:
        user_id (str):
        key (str):
        value (str):
        tags (list[str] | Unset):
        ttl_s (int | Unset): Forget the memory after this many seconds.
    """

    user_id: str
    key: str
    value: str
    tags: list[str] | Unset = UNSET
    ttl_s: int | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        user_id = self.user_id

        key = self.key

        value = self.value

        tags: list[str] | Unset = UNSET
        if not isinstance(self.tags, Unset):
            tags = self.tags

        ttl_s = self.ttl_s

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "user_id": user_id,
                "key": key,
                "value": value,
            }
        )
        if tags is not UNSET:
            field_dict["tags"] = tags
        if ttl_s is not UNSET:
            field_dict["ttl_s"] = ttl_s

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        user_id = d.pop("user_id")

        key = d.pop("key")

        value = d.pop("value")

        tags = cast(list[str], d.pop("tags", UNSET))

        ttl_s = d.pop("ttl_s", UNSET)

        memory_create = cls(
            user_id=user_id,
            key=key,
            value=value,
            tags=tags,
            ttl_s=ttl_s,
        )

        memory_create.additional_properties = d
        return memory_create

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
