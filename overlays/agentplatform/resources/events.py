"""`client.events`: agent observability events."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from typing import Any, Literal, Unpack

from agentplatform_api.api.events import ingest_event, ingest_event_batch, list_events
from agentplatform_api.models import (
    AgentEvent,
    AgentEventBatch,
    AgentEventInput,
    Attributes,
    BatchResult,
)
from agentplatform_api.types import UNSET

from .. import _params
from .._operation import (
    Call,
    M,
    PageCall,
    RequestOptions,
    Resource,
    operation,
    page_call,
    paginated,
)
from ..errors import InvalidParameterError

EventType = Literal["llm_call", "tool_call", "task_started", "task_completed", "error", "custom"]
EVENT_TYPES = ("llm_call", "tool_call", "task_started", "task_completed", "error", "custom")
MAX_BATCH = 1000


def agent_event(
    *,
    agent_id: str,
    session_id: str,
    type: str,
    timestamp: datetime.datetime | None = None,
    trace_id: str | None = None,
    span_id: str | None = None,
    attributes: Mapping[str, Any] | None = None,
    event_id: str | None = None,
) -> AgentEventInput:
    """Build a checked `AgentEventInput`."""
    return AgentEventInput(
        agent_id=_params.text("agent_id", agent_id),
        session_id=_params.text("session_id", session_id),
        type_=_params.choices("type", type, EVENT_TYPES),  # type: ignore[arg-type]
        timestamp=UNSET if timestamp is None else _params.instant("timestamp", timestamp),
        trace_id=UNSET if trace_id is None else _params.text("trace_id", trace_id),
        span_id=UNSET if span_id is None else _params.text("span_id", span_id),
        attributes=UNSET
        if attributes is None
        else Attributes.from_dict(_params.mapping("attributes", attributes)),
        event_id=UNSET if event_id is None else _params.text("event_id", event_id),
    )


class Events(Resource[M]):
    """Agent events: ingest one, ingest a batch, list."""

    @operation
    def ingest(
        self,
        *,
        agent_id: str,
        session_id: str,
        type: EventType,
        timestamp: datetime.datetime | None = None,
        trace_id: str | None = None,
        span_id: str | None = None,
        attributes: Mapping[str, Any] | None = None,
        event_id: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> Call[AgentEvent]:
        """Store one agent event and return it."""
        body = agent_event(
            agent_id=agent_id,
            session_id=session_id,
            type=type,
            timestamp=timestamp,
            trace_id=trace_id,
            span_id=span_id,
            attributes=attributes,
            event_id=event_id,
        )
        return Call(ingest_event, {"body": body}, options)

    @operation
    def ingest_batch(
        self,
        events: Iterable[AgentEventInput | Mapping[str, Any]],
        **options: Unpack[RequestOptions],
    ) -> Call[BatchResult]:
        """Store up to 1000 events at once; rejections are reported per index."""
        items = _params.models("events", AgentEventInput, events)
        if not 1 <= len(items) <= MAX_BATCH:
            raise InvalidParameterError("events", f"send 1 to {MAX_BATCH} events per batch.")
        return Call(ingest_event_batch, {"body": AgentEventBatch(events=items)}, options)

    @paginated
    def list(
        self,
        *,
        agent_id: str | None = None,
        session_id: str | None = None,
        type: EventType | None = None,
        since: datetime.datetime | None = None,
        limit: int | None = None,
        max_items: int | None = None,
        **options: Unpack[RequestOptions],
    ) -> PageCall[AgentEvent]:
        """Events, oldest first, optionally filtered."""
        kwargs: dict[str, Any] = {}
        if agent_id is not None:
            kwargs["agent_id"] = _params.text("agent_id", agent_id)
        if session_id is not None:
            kwargs["session_id"] = _params.text("session_id", session_id)
        if type is not None:
            kwargs["type_"] = _params.choices("type", type, EVENT_TYPES)
        if since is not None:
            kwargs["since"] = _params.instant("since", since)
        return page_call(list_events, kwargs, options, limit=limit, max_items=max_items)
