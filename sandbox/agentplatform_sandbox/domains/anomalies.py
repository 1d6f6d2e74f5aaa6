"""Anomalies found in telemetry: filtered listing, newest first, and lookup."""

from __future__ import annotations

from ..context import Handler, RequestContext
from ..pagination import paginate
from ..problems import not_found
from ..replies import Reply
from ..timeutil import instant_us, parse_datetime


def list_anomalies(ctx: RequestContext) -> Reply:
    """Anomalies newest first, by severity, type, service and `since`."""
    with ctx.state.lock:
        items = list(ctx.store.anomalies.values())
    for name in ("severity", "anomaly_type", "service_name"):
        wanted = ctx.param(name)
        if wanted is not None:
            items = [item for item in items if item.data[name] == wanted]
    since = ctx.param("since")
    moment = parse_datetime(since) if since is not None else None
    if moment is not None:
        floor = instant_us(moment)
        items = [
            item
            for item in items
            if instant_us(parse_datetime(item.data["detected_at"]) or moment) >= floor
        ]
    items.sort(key=lambda s: -s.seq)
    page = paginate(items, lambda s: (-s.seq,), ctx.limit, ctx.param("cursor"), lambda s: s.data)
    return Reply(200, page)


def get_anomaly(ctx: RequestContext) -> Reply:
    """One anomaly."""
    anomaly_id = ctx.param("anomaly_id")
    with ctx.state.lock:
        found = ctx.store.anomalies.get(anomaly_id)
        if found is None:
            raise not_found("anomaly", anomaly_id)
        return Reply(200, found.data)


HANDLERS: dict[str, Handler] = {"listAnomalies": list_anomalies, "getAnomaly": get_anomaly}
