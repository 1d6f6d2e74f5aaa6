"""Data-quality reports of pandas DataFrames: nulls, duplicate rows, drift.

```python
from agentplatform.integrations.pandas import data_quality, log_data_quality

report = data_quality(orders, dataset_name="orders", reference=last_week)
report.null_counts["amount"], report.duplicate_count, report.anomaly_score
log_data_quality(report, telemetry=client.telemetry)   # one data_quality record
```

Drift is the exact two-sample Kolmogorov-Smirnov distance of each numeric column
(booleans excluded, nulls and NaN dropped) against the reference's column of the same
name; the report's `anomaly_score` is the largest. Needs the `pandas` extra.
"""

from __future__ import annotations

from typing import Any

from ..errors import InvalidParameterError
from ._data_quality import DataQualityReport, check_names, log_data_quality
from ._requires import require

_pd = require("pandas", "pandas")
_np = require("numpy", "pandas")

__all__ = ["DataQualityReport", "data_quality", "log_data_quality"]


def data_quality(df: Any, *, dataset_name: str, reference: Any | None = None) -> DataQualityReport:
    """Count the rows, null cells (per column and in all) and duplicate rows of `df`, and
    measure the drift of its numeric columns against `reference` when one is given."""
    _check_frame("df", df)
    name = check_names(dataset_name, list(df.columns))
    nulls = df.isna().sum()
    null_counts = {str(column): int(count) for column, count in nulls.items()}
    column_drift: dict[str, float] = {}
    if reference is not None:
        _check_frame("reference", reference)
        column_drift = _drift(df, reference)
    return DataQualityReport(
        dataset_name=name,
        record_count=len(df),
        null_count=sum(null_counts.values()),
        null_counts=null_counts,
        duplicate_count=_duplicates(df),
        anomaly_score=max(column_drift.values()) if column_drift else None,
        drift_method="ks" if column_drift else None,
        column_drift=column_drift,
    )


def _check_frame(parameter: str, value: Any) -> None:
    if not isinstance(value, _pd.DataFrame):
        raise InvalidParameterError(
            parameter, f"expected a pandas DataFrame, got {type(value).__name__}."
        )


def _duplicates(df: Any) -> int:
    if df.shape[1] == 0:
        return max(len(df) - 1, 0)
    try:
        return int(df.duplicated().sum())
    except TypeError:  # unhashable cells (lists, dicts): compare their text
        hashable = df.apply(lambda column: column.map(_hashable))
        return int(hashable.duplicated().sum())


def _hashable(value: Any) -> Any:
    try:
        hash(value)
    except TypeError:
        return repr(value)
    return value


def _numeric(column: Any) -> bool:
    types = _pd.api.types
    return bool(types.is_numeric_dtype(column) and not types.is_bool_dtype(column))


def _values(column: Any) -> Any:
    return column.dropna().to_numpy(dtype=float)


def _drift(df: Any, reference: Any) -> dict[str, float]:
    drift: dict[str, float] = {}
    for label in df.columns:
        if label not in reference.columns:
            continue
        current, past = df[label], reference[label]
        if not (_numeric(current) and _numeric(past)):
            continue
        a, b = _values(current), _values(past)
        a, b = a[~_np.isnan(a)], b[~_np.isnan(b)]
        if a.size and b.size:
            drift[str(label)] = _ks(a, b)
    return drift


def _ks(a: Any, b: Any) -> float:
    """The exact two-sample Kolmogorov-Smirnov distance (`ks_distance`, vectorised)."""
    a, b = _np.sort(a), _np.sort(b)
    points = _np.concatenate([a, b])
    gap = (
        _np.searchsorted(a, points, side="right") / a.size
        - _np.searchsorted(b, points, side="right") / b.size
    )
    return float(_np.max(_np.abs(gap)))
