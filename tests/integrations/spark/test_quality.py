"""`integrations.spark.data_quality`: the same report as pandas', from one aggregation."""

from __future__ import annotations

import agentplatform as ap
import numpy as np
import pandas as pd
import pytest
from agentplatform.integrations import pandas as pandas_quality
from agentplatform.integrations.spark import data_quality
from pyspark.sql import DataFrame, SparkSession

RNG = np.random.default_rng(3)


def frame(n: int, shift: float) -> pd.DataFrame:
    df = pd.DataFrame(
        {
            "amount": RNG.normal(100 + shift, 10, size=n),
            "items": RNG.integers(0, 4, size=n).astype("int64"),
            "country": RNG.choice(["fr", "de", None], size=n),
        }
    )
    df.loc[::50, "amount"] = np.nan
    return pd.concat([df, df.head(7)], ignore_index=True)  # seven duplicate rows


def to_spark(spark: SparkSession, df: pd.DataFrame) -> DataFrame:
    def cell(value: object) -> object:
        return None if pd.isna(value) else value  # type: ignore[call-overload]

    rows = [tuple(cell(v) for v in row) for row in df.itertuples(index=False)]
    return spark.createDataFrame(rows, "amount double, items long, country string")


def test_the_report_matches_the_pandas_one(spark: SparkSession) -> None:
    current, reference = frame(800, 8.0), frame(600, 0.0)
    expected = pandas_quality.data_quality(current, dataset_name="orders", reference=reference)
    report = data_quality(
        to_spark(spark, current), dataset_name="orders", reference=to_spark(spark, reference)
    )
    assert report.record_count == expected.record_count == 807
    assert dict(report.null_counts) == dict(expected.null_counts)
    assert report.null_count == expected.null_count
    assert report.duplicate_count == expected.duplicate_count
    assert report.drift_method == "ks_approx" and set(report.column_drift) == {"amount", "items"}
    for column, drift in expected.column_drift.items():
        assert report.column_drift[column] == pytest.approx(drift, abs=0.03)
    assert report.anomaly_score == max(report.column_drift.values())


def test_nan_maps_odd_names_and_no_reference(spark: SparkSession) -> None:
    df = spark.createDataFrame(
        [(float("nan"), {"a": 1}, 1), (1.0, {"a": 1}, 1), (1.0, {"a": 1}, 1), (None, None, 2)],
        "`x.y` double, tags map<string,int>, `we``ird` int",
    )
    report = data_quality(df, dataset_name="events")
    assert dict(report.null_counts) == {"x.y": 2, "tags": 1, "we`ird": 0}  # NaN is null
    assert report.duplicate_count == 1
    assert report.anomaly_score is None and report.drift_method is None
    empty = data_quality(spark.range(0), dataset_name="none", reference=spark.range(3))
    assert (empty.record_count, empty.duplicate_count, empty.anomaly_score) == (0, 0, None)


def test_arguments_are_checked(spark: SparkSession) -> None:
    with pytest.raises(ap.InvalidParameterError, match="df: expected a Spark DataFrame"):
        data_quality(pd.DataFrame(), dataset_name="d")
    with pytest.raises(ap.InvalidParameterError, match="reference: expected a Spark"):
        data_quality(spark.range(1), dataset_name="d", reference=[1])
    with pytest.raises(ap.InvalidParameterError, match="dataset_name"):
        data_quality(spark.range(1), dataset_name="")
