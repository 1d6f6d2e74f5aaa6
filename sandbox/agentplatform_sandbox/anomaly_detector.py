"""Anomaly detection on telemetry: z-scores per service and model, data-quality threshold."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .ids import new_id
from .records import Stored, TenantStore
from .stats import RollingStats
from .vectors import as_floats

MIN_SAMPLES = 8
Z_THRESHOLD = 3.0
DATA_QUALITY_THRESHOLD = 0.8
HISTORY = 1000
_LARGEST = 1e12  # values beyond this take no part in statistics
_METRICS = {"latency_ms": "latency_spike", "cost_usd": "cost_spike"}


def z_severity(z: float) -> str:
    """Severity of a z-score by magnitude: >3 low, >4 medium, >6 high, >10 critical."""
    size = abs(z)
    if size > 10:
        return "critical"
    if size > 6:
        return "high"
    if size > 4:
        return "medium"
    return "low"


def quality_severity(score: float) -> str:
    """Severity of a data-quality anomaly score above the threshold."""
    if score > 0.95:
        return "critical"
    if score > 0.9:
        return "high"
    return "medium"


def _number(value: Any) -> float | None:
    found = as_floats([value]) if value is not None else None
    if not found or abs(found[0]) > _LARGEST:
        return None
    return found[0]


def zscore(history: RollingStats, value: float) -> tuple[float, float] | None:
    """(z, mean) of `value` against `history`, once it holds `MIN_SAMPLES` values.

    The standard deviation is floored at 5% of the mean (and 1e-9) so that a flat
    history still yields a finite score.
    """
    if len(history) < MIN_SAMPLES:
        return None
    mean = history.mean
    std = max(history.std, 0.05 * abs(mean), 1e-9)
    return (value - mean) / std, mean


def _series_of(record: dict[str, Any]) -> tuple[str, str]:
    service = record.get("service_name") or "default"
    model = record.get("model") or record.get("model_name") or "default"
    return service, model


def rebuild_series(store: TenantStore) -> None:
    """Refill the rolling series of `store` from its telemetry, as `detect` built them."""
    store.series.clear()
    for item in store.telemetry:
        record = item.data
        if record["kind"] == "data_quality":
            continue
        service, model = _series_of(record)
        for metric in _METRICS:
            value = _number(record.get(metric))
            if value is None:
                continue
            history = store.series.get((service, model, metric))
            if history is None:
                history = store.series[(service, model, metric)] = RollingStats(HISTORY)
            history.add(value)


def detect(
    store: TenantStore, record: dict[str, Any], now: str, next_seq: Callable[[], int]
) -> list[dict[str, Any]]:
    """Anomalies that `record` reveals; stored in `store` and returned."""
    found: list[dict[str, Any]] = []
    kind = record["kind"]
    if kind == "data_quality":
        score = _number(record.get("anomaly_score"))
        if score is not None and score > DATA_QUALITY_THRESHOLD:
            found.append(
                {
                    "anomaly_type": "data_quality",
                    "severity": quality_severity(score),
                    "detection_method": "threshold",
                    "service_name": record.get("service_name") or record["dataset_name"],
                    "metric": "anomaly_score",
                    "observed_value": score,
                    "expected_value": DATA_QUALITY_THRESHOLD,
                    "score": score,
                    "description": f"dataset {record['dataset_name']!r} scored {score:.2f} "
                    f"(threshold {DATA_QUALITY_THRESHOLD}).",
                }
            )
    else:
        service, model = _series_of(record)
        for metric, anomaly_type in _METRICS.items():
            value = _number(record.get(metric))
            if value is None:
                continue
            history = store.series.setdefault((service, model, metric), RollingStats(HISTORY))
            result = zscore(history, value)
            history.add(value)
            if result is None or abs(result[0]) <= Z_THRESHOLD:
                continue
            z, mean = result
            direction = "above" if z > 0 else "below"
            found.append(
                {
                    "anomaly_type": anomaly_type,
                    "severity": z_severity(z),
                    "detection_method": "zscore",
                    "service_name": service,
                    "metric": metric,
                    "observed_value": value,
                    "expected_value": round(mean, 6),
                    "score": round(z, 3),
                    "description": f"{metric} of {model} is {abs(z):.1f} standard deviations "
                    f"{direction} the mean.",
                }
            )
    anomalies = []
    for item in found:
        anomaly = {"id": new_id("anom"), **item, "event_id": record["event_id"], "detected_at": now}
        store.anomalies[anomaly["id"]] = Stored(anomaly, next_seq())
        anomalies.append(anomaly)
    return anomalies
