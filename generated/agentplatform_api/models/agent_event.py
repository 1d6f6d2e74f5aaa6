from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.agent_event_type import AgentEventType, check_agent_event_type
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.attributes import Attributes


T = TypeVar("T", bound="AgentEvent")


@_attrs_define
class AgentEvent:
    """A stored agent event.

    Attributes:
        id (str):
        agent_id (str):
        session_id (str):
        type_ (AgentEventType | str):
        timestamp (datetime.datetime):
        received_at (datetime.datetime):
        attributes (Attributes): Free-form event attributes.
        trace_id (None | str | Unset):
        span_id (None | str | Unset):
    """

    id: str
    agent_id: str
    session_id: str
    type_: AgentEventType | str
    timestamp: datetime.datetime
    received_at: datetime.datetime
    attributes: Attributes
    trace_id: None | str | Unset = UNSET
    span_id: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        agent_id = self.agent_id

        session_id = self.session_id

        type_: str
        if isinstance(self.type_, str):
            type_ = self.type_
        else:
            type_ = self.type_

        timestamp = self.timestamp.isoformat()

        received_at = self.received_at.isoformat()

        attributes = self.attributes.to_dict()

        trace_id: None | str | Unset
        if isinstance(self.trace_id, Unset):
            trace_id = UNSET
        else:
            trace_id = self.trace_id

        span_id: None | str | Unset
        if isinstance(self.span_id, Unset):
            span_id = UNSET
        else:
            span_id = self.span_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "agent_id": agent_id,
                "session_id": session_id,
                "type": type_,
                "timestamp": timestamp,
                "received_at": received_at,
                "attributes": attributes,
            }
        )
        if trace_id is not UNSET:
            field_dict["trace_id"] = trace_id
        if span_id is not UNSET:
            field_dict["span_id"] = span_id

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.attributes import Attributes

        d = dict(src_dict)
        id = d.pop("id")

        agent_id = d.pop("agent_id")

        session_id = d.pop("session_id")

        def _parse_type_(data: object) -> AgentEventType | str:
            try:
                if not isinstance(data, str):
                    raise TypeError()
                type_type_0 = check_agent_event_type(data)

                return type_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(AgentEventType | str, data)

        type_ = _parse_type_(d.pop("type"))

        timestamp = datetime.datetime.fromisoformat(d.pop("timestamp"))

        received_at = datetime.datetime.fromisoformat(d.pop("received_at"))

        attributes = Attributes.from_dict(d.pop("attributes"))

        def _parse_trace_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        trace_id = _parse_trace_id(d.pop("trace_id", UNSET))

        def _parse_span_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        span_id = _parse_span_id(d.pop("span_id", UNSET))

        agent_event = cls(
            id=id,
            agent_id=agent_id,
            session_id=session_id,
            type_=type_,
            timestamp=timestamp,
            received_at=received_at,
            attributes=attributes,
            trace_id=trace_id,
            span_id=span_id,
        )

        agent_event.additional_properties = d
        return agent_event

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
