"""The telemetry page's data: points per service and model, and the anomalies found."""

from __future__ import annotations

import math
from typing import Any

from ..auth import ApiKeyRecord
from ..state import SandboxState
from ..timeutil import instant_us, parse_datetime, unix_to_instant_us
from .views import tenant_store

MAX_POINTS = 5000
_EPOCH_US = unix_to_instant_us(0)
_CHARTED = ("latency_ms", "tokens", "cost_usd")


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def _tokens(record: dict[str, Any]) -> float | None:
    total = 0.0
    found = False
    for part in ("prompt", "response"):
        section = record.get(part)
        count = _number(section.get("tokens")) if isinstance(section, dict) else None
        if count is not None:
            total += count
            found = True
    return total if found else None


def _millis(record: dict[str, Any], fallback: float) -> float:
    stamp = record.get("timestamp")
    moment = parse_datetime(stamp) if isinstance(stamp, str) else None
    return (instant_us(moment) - _EPOCH_US) / 1000 if moment is not None else fallback


def point(record: dict[str, Any], fallback_ms: float) -> dict[str, Any]:
    """One record as a chart point: time (ms since the epoch), series and metric values."""
    service = record.get("service_name") or record.get("dataset_name") or "default"
    model = record.get("model") or record.get("model_name") or "default"
    return {
        "t": _millis(record, fallback_ms),
        "event_id": record.get("event_id"),
        "kind": record.get("kind"),
        "series": f"{service} / {model}",
        "latency_ms": _number(record.get("latency_ms")),
        "tokens": _tokens(record),
        "cost_usd": _number(record.get("cost_usd")),
    }


def telemetry(state: SandboxState, key: ApiKeyRecord) -> dict[str, Any]:
    """Chart points (the newest `MAX_POINTS`) and every anomaly, newest first.

    An anomaly whose record is charted carries `marker`: where on which metric's chart
    it is drawn (`metric`, `t`, `value`, `series`).
    """
    with state.lock:
        store = tenant_store(state, key.tenant_id)
        records = [s.data for s in store.telemetry[-MAX_POINTS:]]
        anomalies = [s.data for s in store.anomalies.values()]
    points: list[dict[str, Any]] = []
    last = 0.0
    for record in records:
        item = point(record, last)
        last = item["t"]
        points.append(item)
    by_event = {p["event_id"]: p for p in points}
    listed = []
    for anomaly in reversed(anomalies):
        entry = dict(anomaly)
        found = by_event.get(anomaly.get("event_id"))
        metric = anomaly.get("metric")
        if found is not None and metric in _CHARTED and found[metric] is not None:
            entry["marker"] = {
                "metric": metric,
                "t": found["t"],
                "value": found[metric],
                "series": found["series"],
            }
        listed.append(entry)
    series = sorted({p["series"] for p in points})
    return {"points": points, "series": series, "metrics": list(_CHARTED), "anomalies": listed}
