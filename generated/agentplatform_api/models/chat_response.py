from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.finish_reason import FinishReason, check_finish_reason

if TYPE_CHECKING:
    from ..models.usage import Usage


T = TypeVar("T", bound="ChatResponse")


@_attrs_define
class ChatResponse:
    """The assistant's whole reply.

    Attributes:
        conversation_id (str):
        message_id (str):
        response (str):
        usage (Usage): Tokens used by a reply.
        finish_reason (FinishReason | str):
    """

    conversation_id: str
    message_id: str
    response: str
    usage: Usage
    finish_reason: FinishReason | str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        conversation_id = self.conversation_id

        message_id = self.message_id

        response = self.response

        usage = self.usage.to_dict()

        finish_reason: str
        if isinstance(self.finish_reason, str):
            finish_reason = self.finish_reason
        else:
            finish_reason = self.finish_reason

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "conversation_id": conversation_id,
                "message_id": message_id,
                "response": response,
                "usage": usage,
                "finish_reason": finish_reason,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.usage import Usage

        d = dict(src_dict)
        conversation_id = d.pop("conversation_id")

        message_id = d.pop("message_id")

        response = d.pop("response")

        usage = Usage.from_dict(d.pop("usage"))

        def _parse_finish_reason(data: object) -> FinishReason | str:
            try:
                if not isinstance(data, str):
                    raise TypeError()
                finish_reason_type_0 = check_finish_reason(data)

                return finish_reason_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(FinishReason | str, data)

        finish_reason = _parse_finish_reason(d.pop("finish_reason"))

        chat_response = cls(
            conversation_id=conversation_id,
            message_id=message_id,
            response=response,
            usage=usage,
            finish_reason=finish_reason,
        )

        chat_response.additional_properties = d
        return chat_response

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
