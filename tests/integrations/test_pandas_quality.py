"""`integrations.pandas.data_quality`: frames with nulls, duplicates and drift."""

from __future__ import annotations

import random

import agentplatform as ap
import numpy as np
import pandas as pd
import pytest
from agentplatform.integrations._data_quality import DataQualityReport, ks_distance
from agentplatform.integrations.pandas import _ks, data_quality, log_data_quality
from agentplatform_sandbox import Sandbox

from ._ml import stored

RNG = np.random.default_rng(11)


def orders(n: int = 400, shift: float = 0.0) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "amount": RNG.normal(100 + shift, 10, size=n),
            "items": RNG.integers(1, 5, size=n),
            "country": RNG.choice(["fr", "de", "us"], size=n),
            "paid": RNG.random(n) > 0.5,
        }
    )


def test_counts_nulls_per_column_and_in_all_and_duplicate_rows() -> None:
    df = pd.DataFrame(
        {
            "a": [1.0, np.nan, 1.0, 1.0, None],
            "b": ["x", None, "x", "x", "y"],
            "c": pd.array([1, 2, 1, 1, None], dtype="Int64"),
        }
    )
    report = data_quality(df, dataset_name="orders")
    assert report.record_count == 5
    assert dict(report.null_counts) == {"a": 2, "b": 1, "c": 1}
    assert report.null_count == 4
    assert report.duplicate_count == 2  # rows 2 and 3 repeat row 0
    assert report.anomaly_score is None and report.drift_method is None
    assert report.record_fields() == {"dataset_name": "orders", "record_count": 5, "null_count": 4}


def test_no_drift_against_itself_and_a_large_one_against_a_shifted_frame() -> None:
    reference = orders()
    same = data_quality(reference, dataset_name="o", reference=reference)
    assert same.anomaly_score == 0.0 and same.drift_method == "ks"
    assert set(same.column_drift) == {"amount", "items"}  # numeric, not bool or text
    shifted = data_quality(orders(shift=25.0), dataset_name="o", reference=reference)
    assert shifted.column_drift["amount"] > 0.7
    assert shifted.column_drift["items"] < 0.2
    assert shifted.anomaly_score == shifted.column_drift["amount"]


def test_drift_ignores_nulls_and_columns_missing_from_the_reference() -> None:
    current = pd.DataFrame({"x": [1.0, 2.0, np.nan, 3.0], "new": [1, 2, 3, 4]})
    reference = pd.DataFrame({"x": [1.0, 2.0, 3.0], "text": ["a", "b", "c"]})
    report = data_quality(current, dataset_name="d", reference=reference)
    assert dict(report.column_drift) == {"x": 0.0}
    empty = pd.DataFrame({"x": [np.nan, np.nan]})
    assert data_quality(empty, dataset_name="d", reference=reference).anomaly_score is None


def test_the_vectorised_distance_is_the_plain_one() -> None:
    rng = random.Random(5)
    for _ in range(20):
        a = [
            rng.choice([rng.gauss(0, 1), float(rng.randint(0, 3))])
            for _ in range(rng.randint(1, 60))
        ]
        b = [rng.gauss(0.5, 1.5) for _ in range(rng.randint(1, 60))]
        assert _ks(np.array(a), np.array(b)) == pytest.approx(ks_distance(a, b))
    assert ks_distance([1, 2], [3, 4]) == 1.0 and ks_distance([1, 2], [2, 1]) == 0.0


def test_unhashable_cells_and_frames_without_columns() -> None:
    df = pd.DataFrame({"tags": [["a"], ["a"], ["b"]], "n": [1, 1, 1]})
    assert data_quality(df, dataset_name="d").duplicate_count == 1
    assert data_quality(pd.DataFrame(index=range(3)), dataset_name="d").duplicate_count == 2
    assert data_quality(pd.DataFrame(), dataset_name="d").record_count == 0


def test_the_report_is_logged_as_a_data_quality_record(client: ap.Client, sandbox: Sandbox) -> None:
    report = data_quality(orders(shift=40.0), dataset_name="orders", reference=orders())
    event_id = log_data_quality(report, telemetry=client.telemetry, service_name="etl")
    (record,) = stored(client, sandbox, kind="data_quality")
    assert record["event_id"] == event_id
    assert record["dataset_name"] == "orders" and record["service_name"] == "etl"
    assert record["record_count"] == 400 and record["null_count"] == 0
    assert record["anomaly_score"] == report.anomaly_score
    severities = [a.severity for a in client.anomalies.list(min_severity="high")]
    assert severities == ["critical"]  # a shift of 4 standard deviations: disjoint columns


def test_the_report_is_read_only_and_serialisable() -> None:
    report = data_quality(orders(), dataset_name="o", reference=orders())
    with pytest.raises(TypeError):
        report.null_counts["amount"] = 3  # type: ignore[index]
    data = report.to_dict()
    assert data["null_counts"] == dict(report.null_counts) and data["drift_method"] == "ks"
    assert DataQualityReport(**data) == report


def test_arguments_are_checked(client: ap.Client) -> None:
    with pytest.raises(ap.InvalidParameterError, match="df: expected a pandas DataFrame"):
        data_quality([1, 2], dataset_name="d")
    with pytest.raises(ap.InvalidParameterError, match="reference: expected a pandas"):
        data_quality(orders(), dataset_name="d", reference={"amount": [1]})
    with pytest.raises(ap.InvalidParameterError, match="dataset_name"):
        data_quality(orders(), dataset_name=" ")
    twice = pd.DataFrame([[1, 2]], columns=["a", "a"])
    with pytest.raises(ap.InvalidParameterError, match="repeated: a"):
        data_quality(twice, dataset_name="d")
    report = data_quality(orders(), dataset_name="d")
    with pytest.raises(ap.InvalidParameterError, match="report: expected a DataQualityReport"):
        log_data_quality(object(), telemetry=client.telemetry)  # type: ignore[arg-type]
    with pytest.raises(ap.InvalidParameterError, match="record_fields"):
        log_data_quality(report, telemetry=None)
