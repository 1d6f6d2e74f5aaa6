"""`DataQualityReport`: what `data_quality()` found in a frame, and how it is logged.

The report is the same for pandas and Spark frames. Drift is the largest two-sample
Kolmogorov-Smirnov distance between a numeric column and the same column of a reference
frame: the largest gap between their cumulative distributions, 0 (same) to 1 (disjoint),
so it is the record's `anomaly_score` as it stands.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter
from collections.abc import Mapping, Sequence
from itertools import chain
from types import MappingProxyType
from typing import Any

import attrs

from ..errors import InvalidParameterError
from ..telemetry import Telemetry

__all__ = ["DataQualityReport", "ks_distance", "log_data_quality"]


def _frozen(value: Mapping[str, Any]) -> Mapping[str, Any]:
    return MappingProxyType(dict(value))


@attrs.frozen(kw_only=True)
class DataQualityReport:
    """Counts and drift of one dataset.

    Attributes:
        dataset_name: the dataset's name in the record.
        record_count: rows.
        null_count: null cells in all columns (NaN counts as null).
        null_counts: null cells per column.
        duplicate_count: rows equal to an earlier row (all columns compared).
        anomaly_score: the largest drift of a numeric column against the reference frame
            (0..1), or None without a reference (or without a numeric column in both).
        drift_method: how drift was measured: `"ks"` (exact Kolmogorov-Smirnov
            distance, pandas) or `"ks_approx"` (the same distance between 100 quantiles
            of each column, computed on the cluster: within about 0.02 of the exact one).
        column_drift: drift per numeric column found in both frames.
    """

    dataset_name: str
    record_count: int
    null_count: int
    null_counts: Mapping[str, int] = attrs.field(converter=_frozen)
    duplicate_count: int
    anomaly_score: float | None = None
    drift_method: str | None = None
    column_drift: Mapping[str, float] = attrs.field(factory=dict, converter=_frozen)

    def record_fields(self) -> dict[str, Any]:
        """The fields of the `data_quality` record: pass them to
        `telemetry.log_data_quality(**report.record_fields())` (also on `AsyncClient`)."""
        fields: dict[str, Any] = {
            "dataset_name": self.dataset_name,
            "record_count": self.record_count,
            "null_count": self.null_count,
        }
        if self.anomaly_score is not None:
            fields["anomaly_score"] = self.anomaly_score
        return fields

    def to_dict(self) -> dict[str, Any]:
        """Every field, as plain JSON-ready values."""
        data = attrs.asdict(self, recurse=False)
        data["null_counts"] = dict(self.null_counts)
        data["column_drift"] = dict(self.column_drift)
        return data


def log_data_quality(
    report: DataQualityReport, *, telemetry: object, service_name: str | None = None
) -> str | None:
    """Enqueue `report` as a `data_quality` record on `client.telemetry`; its `event_id`
    (None if sampled out or dropped). The per-column details stay in the report."""
    if not isinstance(report, DataQualityReport):
        raise InvalidParameterError(
            "report", f"expected a DataQualityReport, got {type(report).__name__}."
        )
    if not isinstance(telemetry, Telemetry):
        raise InvalidParameterError(
            "telemetry",
            f"expected client.telemetry of an agentplatform Client, got "
            f"{type(telemetry).__name__} (with AsyncClient: await "
            "aclient.telemetry.log_data_quality(**report.record_fields())).",
        )
    return telemetry.log_data_quality(**report.record_fields(), service_name=service_name)


def ks_distance(first: Sequence[float], second: Sequence[float]) -> float:
    """The two-sample Kolmogorov-Smirnov distance of two non-empty samples (0..1)."""
    a, b = sorted(first), sorted(second)
    return max(abs(bisect_right(a, x) / len(a) - bisect_right(b, x) / len(b)) for x in chain(a, b))


def check_names(dataset_name: object, columns: Sequence[object]) -> str:
    """The checked dataset name; raises when column names repeat (the report is by name)."""
    if not isinstance(dataset_name, str) or not dataset_name.strip():
        raise InvalidParameterError("dataset_name", "expected a non-empty string.")
    repeated = sorted(name for name, n in Counter(str(c) for c in columns).items() if n > 1)
    if repeated:
        raise InvalidParameterError(
            "df", f"column names must be unique; repeated: {', '.join(repeated)}."
        )
    return dataset_name
