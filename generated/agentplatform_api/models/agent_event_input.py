from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.agent_event_type import AgentEventType, check_agent_event_type
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.attributes import Attributes


T = TypeVar("T", bound="AgentEventInput")


@_attrs_define
class AgentEventInput:
    """An agent event to ingest.

    Attributes:
        agent_id (str):
        session_id (str):
        type_ (AgentEventType): Kinds of agent event.
        event_id (str | Unset): Client-chosen id; a repeated id is a duplicate.
        timestamp (datetime.datetime | Unset): When it happened; defaults to receipt.
        trace_id (str | Unset):
        span_id (str | Unset):
        attributes (Attributes | Unset): Free-form event attributes.
    """

    agent_id: str
    session_id: str
    type_: AgentEventType
    event_id: str | Unset = UNSET
    timestamp: datetime.datetime | Unset = UNSET
    trace_id: str | Unset = UNSET
    span_id: str | Unset = UNSET
    attributes: Attributes | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        agent_id = self.agent_id

        session_id = self.session_id

        type_: str = self.type_

        event_id = self.event_id

        timestamp: str | Unset = UNSET
        if not isinstance(self.timestamp, Unset):
            timestamp = self.timestamp.isoformat()

        trace_id = self.trace_id

        span_id = self.span_id

        attributes: dict[str, Any] | Unset = UNSET
        if not isinstance(self.attributes, Unset):
            attributes = self.attributes.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "agent_id": agent_id,
                "session_id": session_id,
                "type": type_,
            }
        )
        if event_id is not UNSET:
            field_dict["event_id"] = event_id
        if timestamp is not UNSET:
            field_dict["timestamp"] = timestamp
        if trace_id is not UNSET:
            field_dict["trace_id"] = trace_id
        if span_id is not UNSET:
            field_dict["span_id"] = span_id
        if attributes is not UNSET:
            field_dict["attributes"] = attributes

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.attributes import Attributes

        d = dict(src_dict)
        agent_id = d.pop("agent_id")

        session_id = d.pop("session_id")

        type_ = check_agent_event_type(d.pop("type"))

        event_id = d.pop("event_id", UNSET)

        _timestamp = d.pop("timestamp", UNSET)
        timestamp: datetime.datetime | Unset
        if isinstance(_timestamp, Unset):
            timestamp = UNSET
        else:
            timestamp = datetime.datetime.fromisoformat(_timestamp)

        trace_id = d.pop("trace_id", UNSET)

        span_id = d.pop("span_id", UNSET)

        _attributes = d.pop("attributes", UNSET)
        attributes: Attributes | Unset
        if isinstance(_attributes, Unset):
            attributes = UNSET
        else:
            attributes = Attributes.from_dict(_attributes)

        agent_event_input = cls(
            agent_id=agent_id,
            session_id=session_id,
            type_=type_,
            event_id=event_id,
            timestamp=timestamp,
            trace_id=trace_id,
            span_id=span_id,
            attributes=attributes,
        )

        agent_event_input.additional_properties = d
        return agent_event_input

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
