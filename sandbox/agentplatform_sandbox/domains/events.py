"""Agent observability events: single and batch ingestion, filtered listing."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..context import Handler, RequestContext
from ..ids import new_id
from ..pagination import paginate
from ..problems import problem_body, validation_error
from ..replies import Reply
from ..schemas import check
from ..state import SandboxState, Stored
from ..timeutil import instant_us, parse_datetime


def _trace_from_header(ctx: RequestContext) -> tuple[str | None, str | None]:
    traceparent = ctx.param("traceparent")
    if not traceparent:
        return None, None
    parts = traceparent.split("-")
    return parts[1], parts[2]


def store_event(
    state: SandboxState,
    tenant_id: str,
    event: dict[str, Any],
    trace: tuple[str | None, str | None] = (None, None),
) -> tuple[dict[str, Any], bool]:
    """Store one valid event; return it and whether it was new (False: a duplicate id)."""
    with state.lock:
        store = state.tenant(tenant_id)
        event_id = event.get("event_id")
        if event_id is not None and event_id in store.events:
            return store.events[event_id].data, False
        received = state.now_iso()
        timestamp = event.get("timestamp", received)
        data = {
            "id": event_id or new_id("evt"),
            "agent_id": event["agent_id"],
            "session_id": event["session_id"],
            "type": event["type"],
            "timestamp": timestamp,
            "received_at": received,
            "trace_id": event.get("trace_id", trace[0]),
            "span_id": event.get("span_id", trace[1]),
            "attributes": event.get("attributes") or {},
        }
        moment = parse_datetime(timestamp)
        instant = instant_us(moment) if moment is not None else 0
        store.events[data["id"]] = Stored(data, state.next_seq(), {"instant": instant})
        return data, True


def ingest_events(
    state: SandboxState,
    tenant_id: str,
    events: Iterable[Any],
    trace: tuple[str | None, str | None] = (None, None),
) -> tuple[int, int, list[dict[str, Any]]]:
    """Store valid events (HTTP batches and Kafka alike), count duplicates, reject invalid
    ones by index. Returns (accepted, duplicates, rejected)."""
    accepted = duplicates = 0
    rejected = []
    with state.lock:
        for index, event in enumerate(events):
            errors = check("AgentEventInput", event)
            if errors:
                detail = f"{errors[0].field or 'event'}: {errors[0].message}"
                problem = problem_body(422, "validation_failed", detail, errors=errors)
                rejected.append({"index": index, "problem": problem})
                continue
            _, new = store_event(state, tenant_id, event, trace)
            accepted += new
            duplicates += not new
    return accepted, duplicates, rejected


def ingest_event(ctx: RequestContext) -> Reply:
    """Store one event; a repeated `event_id` returns the stored event unchanged."""
    data, _ = store_event(ctx.state, ctx.tenant_id, ctx.body, _trace_from_header(ctx))
    return Reply(201, data)


def ingest_batch(ctx: RequestContext) -> Reply:
    """Store valid events, count duplicates, reject invalid ones by index."""
    accepted, duplicates, rejected = ingest_events(
        ctx.state, ctx.tenant_id, ctx.body["events"], _trace_from_header(ctx)
    )
    return Reply(202, {"accepted": accepted, "duplicates": duplicates, "rejected": rejected})


def list_events(ctx: RequestContext) -> Reply:
    """Events oldest first (by timestamp), filtered by agent, session, type and `since`."""
    with ctx.state.lock:
        items = list(ctx.store.events.values())
    for name in ("agent_id", "session_id", "type"):
        wanted = ctx.param(name)
        if wanted is not None:
            items = [item for item in items if item.data[name] == wanted]
    since = ctx.param("since")
    if since is not None:
        moment = parse_datetime(since)
        if moment is None:  # pragma: no cover - the validator checked the format
            raise validation_error([])
        floor = instant_us(moment)
        items = [item for item in items if item.extra["instant"] >= floor]
    items.sort(key=lambda s: (s.extra["instant"], s.seq))
    page = paginate(
        items,
        lambda s: (s.extra["instant"], s.seq),
        ctx.limit,
        ctx.param("cursor"),
        lambda s: s.data,
    )
    return Reply(200, page)


HANDLERS: dict[str, Handler] = {
    "ingestEvent": ingest_event,
    "ingestEventBatch": ingest_batch,
    "listEvents": list_events,
}
