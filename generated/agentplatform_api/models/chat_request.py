from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="ChatRequest")


@_attrs_define
class ChatRequest:
    """A message to the assistant.

    Attributes:
        message (str):
        conversation_id (str | Unset): Continue this conversation; a new one starts when absent.
        model (str | Unset):
        use_memory (bool | Unset): Let the assistant read the user's memories. Default: False.
        user_id (str | Unset):
    """

    message: str
    conversation_id: str | Unset = UNSET
    model: str | Unset = UNSET
    use_memory: bool | Unset = False
    user_id: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        message = self.message

        conversation_id = self.conversation_id

        model = self.model

        use_memory = self.use_memory

        user_id = self.user_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "message": message,
            }
        )
        if conversation_id is not UNSET:
            field_dict["conversation_id"] = conversation_id
        if model is not UNSET:
            field_dict["model"] = model
        if use_memory is not UNSET:
            field_dict["use_memory"] = use_memory
        if user_id is not UNSET:
            field_dict["user_id"] = user_id

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        message = d.pop("message")

        conversation_id = d.pop("conversation_id", UNSET)

        model = d.pop("model", UNSET)

        use_memory = d.pop("use_memory", UNSET)

        user_id = d.pop("user_id", UNSET)

        chat_request = cls(
            message=message,
            conversation_id=conversation_id,
            model=model,
            use_memory=use_memory,
            user_id=user_id,
        )

        chat_request.additional_properties = d
        return chat_request

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
