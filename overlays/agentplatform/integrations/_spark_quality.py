"""Data-quality reports of Spark DataFrames, computed on the cluster in one aggregation.

One `agg` reads the frame once and returns a single row: the record count, the null
cells of each column (NaN counts as null, as in pandas), the distinct rows (all columns
compared, so duplicates = records - distinct) and, with a reference frame, 100 quantiles
of each numeric column. The reference gets one aggregation of its own. No row of either
frame reaches the driver. Drift is the Kolmogorov-Smirnov distance between the two
quantile sets (`drift_method="ks_approx"`).
"""

from __future__ import annotations

from typing import Any

from ..errors import InvalidParameterError
from ._data_quality import DataQualityReport, check_names, ks_distance
from ._requires import require

_F = require("pyspark.sql.functions", "spark")
_T = require("pyspark.sql.types", "spark")

QUANTILES = [(i + 0.5) / 100 for i in range(100)]
ACCURACY = 10_000
"""`percentile_approx` accuracy: a quantile's rank is off by at most 1/ACCURACY."""


def spark_data_quality(
    df: Any, *, dataset_name: str, reference: Any | None = None
) -> DataQualityReport:
    """The `DataQualityReport` of a Spark DataFrame (see `integrations.spark.data_quality`)."""
    _check_frame("df", df)
    name = check_names(dataset_name, df.columns)
    fields = list(df.schema.fields)
    numeric = [f.name for f in fields if isinstance(f.dataType, _T.NumericType)]
    shared: list[str] = []
    if reference is not None:
        _check_frame("reference", reference)
        theirs = {f.name for f in reference.schema.fields if isinstance(f.dataType, _T.NumericType)}
        shared = [column for column in numeric if column in theirs]
    aggregates = [_F.count(_F.lit(1)).alias("records")]
    if fields:
        aggregates.append(_F.count_distinct(_F.struct(*map(_comparable, fields))).alias("distinct"))
    aggregates += [
        _F.sum(_F.when(_is_null(f), 1).otherwise(0)).alias(f"null_{i}")
        for i, f in enumerate(fields)
    ]
    aggregates += _quantiles(shared)
    row = df.agg(*aggregates).first().asDict()
    records = int(row["records"])
    distinct = int(row["distinct"]) if fields else min(records, 1)
    null_counts = {f.name: int(row[f"null_{i}"] or 0) for i, f in enumerate(fields)}
    column_drift: dict[str, float] = {}
    if shared and reference is not None:
        past = reference.agg(*_quantiles(shared)).first().asDict()
        for i, column in enumerate(shared):
            mine, theirs_q = row[f"q_{i}"], past[f"q_{i}"]
            if mine and theirs_q:
                column_drift[column] = ks_distance(
                    [float(v) for v in mine], [float(v) for v in theirs_q]
                )
    return DataQualityReport(
        dataset_name=name,
        record_count=records,
        null_count=sum(null_counts.values()),
        null_counts=null_counts,
        duplicate_count=records - distinct,
        anomaly_score=max(column_drift.values()) if column_drift else None,
        drift_method="ks_approx" if column_drift else None,
        column_drift=column_drift,
    )


def _check_frame(parameter: str, value: Any) -> None:
    if not (hasattr(value, "agg") and hasattr(value, "schema")):
        raise InvalidParameterError(
            parameter, f"expected a Spark DataFrame, got {type(value).__name__}."
        )


def _column(name: str) -> Any:
    return _F.col("`" + name.replace("`", "``") + "`")


def _comparable(field: Any) -> Any:
    """The column as Spark can compare it (maps cannot be: they are compared as JSON)."""
    column = _column(field.name)
    return _F.to_json(column) if _has_map(field.dataType) else column


def _has_map(kind: Any) -> bool:
    if isinstance(kind, _T.MapType):
        return True
    if isinstance(kind, _T.ArrayType):
        return _has_map(kind.elementType)
    if isinstance(kind, _T.StructType):
        return any(_has_map(f.dataType) for f in kind.fields)
    return False


def _is_null(field: Any) -> Any:
    column = _column(field.name)
    if isinstance(field.dataType, (_T.FloatType, _T.DoubleType)):
        return column.isNull() | _F.isnan(column)
    return column.isNull()


def _quantiles(columns: list[str]) -> list[Any]:
    return [
        _F.percentile_approx(
            _F.when(~_F.isnan(_column(c).cast("double")), _column(c).cast("double")),
            QUANTILES,
            ACCURACY,
        ).alias(f"q_{i}")
        for i, c in enumerate(columns)
    ]
