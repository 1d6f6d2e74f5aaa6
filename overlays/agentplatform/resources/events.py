"""`client.events`: agent observability events, sent at once or buffered.

`client.events.ingest(...)` sends one event and returns the stored one;
`client.events.buffered.ingest(...)` enqueues it and returns at once, and the client's
telemetry exporter sends it in a batch (see `agentplatform.telemetry`).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Literal, Unpack, overload

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
    Async,
    Call,
    M,
    PageCall,
    RequestOptions,
    Resource,
    Sync,
    operation,
    page_call,
    paginated,
)
from ..errors import ConfigurationError, InvalidParameterError
from ..telemetry import _records
from ..telemetry._async import AsyncPipeline
from ..telemetry._stats import TelemetryStats
from ..telemetry._sync import SyncPipeline
from ..telemetry._trace import otel_ids

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


def agent_event_payload(
    *,
    agent_id: str,
    session_id: str,
    type: str,
    timestamp: datetime.datetime | None = None,
    trace_id: str | None = None,
    span_id: str | None = None,
    attributes: Mapping[str, Any] | None = None,
    event_id: str | None = None,
) -> dict[str, Any]:
    """A checked agent event as JSON fields, for the buffered pipeline.

    Trace ids default to the current OpenTelemetry span's when one is recording.
    """
    payload: dict[str, Any] = {
        "agent_id": _params.text("agent_id", agent_id),
        "session_id": _params.text("session_id", session_id),
        "type": _params.choices("type", type, EVENT_TYPES),
    }
    if timestamp is not None:
        payload["timestamp"] = _records.instant("timestamp", timestamp)
    if trace_id is not None or span_id is not None:
        payload["trace_id"] = _records.trace_id("trace_id", trace_id)
        payload["span_id"] = _records.span_id("span_id", span_id)
    else:
        ids = otel_ids()
        if ids is not None:
            payload["trace_id"], payload["span_id"] = ids
    if attributes is not None:
        payload["attributes"] = _records.attributes("attributes", attributes)
    if event_id is not None:
        payload["event_id"] = _params.text("event_id", event_id)
    return payload


class BufferedEvents:
    """`client.events.buffered` of `Client`: agent events enqueued and sent in batches.

    Each event gets its `event_id` (uuid4 hex) and timestamp at enqueue, so a retried
    batch never stores an event twice. Batching, queue, spool and callbacks follow the
    client's `TelemetryConfig`; `client.close()` flushes them.
    """

    def __init__(self, pipeline: SyncPipeline) -> None:
        self._pipeline = pipeline

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
    ) -> str | None:
        """Enqueue one agent event and return its `event_id` at once (None if dropped)."""
        return self._pipeline.put(
            agent_event_payload(
                agent_id=agent_id,
                session_id=session_id,
                type=type,
                timestamp=timestamp,
                trace_id=trace_id,
                span_id=span_id,
                attributes=attributes,
                event_id=event_id,
            )
        )

    def flush(self, timeout: float | None = 30.0) -> bool:
        """Wait until every event enqueued so far is acknowledged (False on timeout)."""
        return self._pipeline.flush(timeout)

    def stats(self) -> TelemetryStats:
        """Counters of the buffered agent events."""
        return self._pipeline.stats()


class AsyncBufferedEvents:
    """`client.events.buffered` of `AsyncClient`: the same calls, awaitable."""

    def __init__(self, pipeline: AsyncPipeline) -> None:
        self._pipeline = pipeline

    async def ingest(
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
    ) -> str | None:
        """Enqueue one agent event and return its `event_id` at once (None if dropped)."""
        return await self._pipeline.aput(
            agent_event_payload(
                agent_id=agent_id,
                session_id=session_id,
                type=type,
                timestamp=timestamp,
                trace_id=trace_id,
                span_id=span_id,
                attributes=attributes,
                event_id=event_id,
            )
        )

    def ingest_nowait(
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
    ) -> str | None:
        """`ingest` without awaiting, for callbacks that cannot await (any thread). Under
        the `block` overflow policy a full queue drops the event."""
        return self._pipeline.put(
            agent_event_payload(
                agent_id=agent_id,
                session_id=session_id,
                type=type,
                timestamp=timestamp,
                trace_id=trace_id,
                span_id=span_id,
                attributes=attributes,
                event_id=event_id,
            ),
            may_block=False,
        )

    async def flush(self, timeout: float | None = 30.0) -> bool:  # noqa: ASYNC109
        """Wait until every event enqueued so far is acknowledged (False on timeout)."""
        return await self._pipeline.flush(timeout)

    def stats(self) -> TelemetryStats:
        """Counters of the buffered agent events."""
        return self._pipeline.stats()


class _Buffered:
    """`Events.buffered`: the buffered flavour of the resource, typed by client mode."""

    @overload
    def __get__(self, obj: Resource[Sync], owner: Any) -> BufferedEvents: ...
    @overload
    def __get__(self, obj: Resource[Async], owner: Any) -> AsyncBufferedEvents: ...
    @overload
    def __get__(self, obj: Any, owner: Any) -> Any: ...
    def __get__(self, obj: Any, owner: Any) -> Any:
        if obj is None:
            return self
        source = getattr(obj, "_buffer_source", None)
        pipeline = None if source is None else source()
        if isinstance(pipeline, SyncPipeline):
            view: Any = BufferedEvents(pipeline)
        elif isinstance(pipeline, AsyncPipeline):
            view = AsyncBufferedEvents(pipeline)
        else:
            raise ConfigurationError(
                "Buffered events belong to a client: use client.events.buffered "
                "(not with_raw_response)."
            )
        obj.__dict__["buffered"] = view
        return view


class Events(Resource[M]):
    """Agent events: ingest one, ingest a batch, list; `buffered.ingest` enqueues."""

    buffered = _Buffered()
    """Enqueue events to be sent in batches in the background (see `BufferedEvents`)."""

    def _attach_buffer(self, source: Callable[[], SyncPipeline | AsyncPipeline]) -> None:
        """Connect the client's buffered pipeline for agent events (`source` returns it,
        building the client's telemetry if it is not built yet)."""
        self._buffer_source = source

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
