"""`integrations.sklearn.monitor`: tiny estimators whose predictions reach the sandbox."""

from __future__ import annotations

import copy
import logging
import pickle
import random
from typing import Any

import agentplatform as ap
import numpy as np
import pandas as pd
import pytest
from agentplatform.integrations import traced
from agentplatform.integrations.sklearn import MonitoredEstimator, monitor
from agentplatform_sandbox import Sandbox
from sklearn.base import clone, is_classifier
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from ._ml import stored

RNG = np.random.default_rng(7)
X = RNG.normal(size=(40, 3))
Y = (X[:, 0] + X[:, 1] > 0).astype(int)


def fitted(client: ap.Client, **options: Any) -> MonitoredEstimator:
    return monitor(
        LogisticRegression(), telemetry=client.telemetry, model_name="churn", **options
    ).fit(X, Y)


def test_each_prediction_is_a_model_call_with_shapes_and_a_bounded_sample(
    client: ap.Client, sandbox: Sandbox
) -> None:
    model = fitted(client, sample_size=2)
    labels = model.predict(X[:5])
    probabilities = model.predict_proba(X[:4])
    assert list(labels) == list(model.estimator.predict(X[:5]))
    predict, proba = stored(client, sandbox)
    assert predict["model_name"] == "churn" and predict["latency_ms"] >= 0
    assert predict["input_data"]["method"] == "predict"
    assert predict["input_data"]["estimator"] == "LogisticRegression"
    assert predict["input_data"]["shape"] == [5, 3]
    assert predict["input_data"]["sample"] == X[:2].tolist()
    assert predict["prediction"] == {"type": "ndarray", "shape": [5], "sample": labels[:2].tolist()}
    assert proba["input_data"]["method"] == "predict_proba"
    assert proba["prediction"]["shape"] == [4, 2]
    assert proba["prediction"]["sample"] == probabilities[:2].tolist()
    assert proba["prediction"]["classes"] == [0, 1]


def test_the_wrapper_has_exactly_the_estimators_interface(client: ap.Client) -> None:
    model = fitted(client)
    assert is_classifier(model)
    assert hasattr(model, "predict_proba") and not hasattr(model, "transform")
    assert list(model.classes_) == [0, 1] and model.n_features_in_ == 3
    assert model.get_params() == model.estimator.get_params()
    assert model.set_params(C=0.5) is model and model.estimator.C == 0.5
    assert model.score(X, Y) == model.estimator.score(X, Y)
    assert model.__sklearn_is_fitted__()
    assert not monitor(LogisticRegression(), telemetry=client.telemetry).__sklearn_is_fitted__()
    assert repr(model) == "monitor(LogisticRegression(C=0.5), model_name='churn')"
    with pytest.raises(AttributeError):
        _ = model.no_such_attribute
    with pytest.raises(AttributeError):
        _ = model.__wrapped__


def test_steps_of_a_pipeline_are_logged_and_its_params_reach_them(
    client: ap.Client, sandbox: Sandbox
) -> None:
    scaler = monitor(StandardScaler(), telemetry=client.telemetry, model_name="scaler")
    classifier = monitor(LogisticRegression(), telemetry=client.telemetry, model_name="clf")
    pipeline = Pipeline([("scale", scaler), ("clf", classifier)]).fit(X, Y)
    assert stored(client, sandbox) == []  # fitting (fit_transform) is not logged
    pipeline.predict(X[:6])
    assert [(r["model_name"], r["input_data"]["method"]) for r in stored(client, sandbox)] == [
        ("scaler", "transform"),
        ("clf", "predict"),
    ]
    assert pipeline.get_params()["clf__C"] == 1.0
    pipeline.set_params(clf__C=2.0)
    assert classifier.estimator.C == 2.0


def test_clones_are_monitored_so_a_grid_search_keeps_monitoring(
    client: ap.Client, sandbox: Sandbox
) -> None:
    model = monitor(LogisticRegression(), telemetry=client.telemetry, model_name="churn")
    copied = clone(model)
    assert isinstance(copied, MonitoredEstimator) and copied.estimator is not model.estimator
    search = GridSearchCV(model, {"C": [0.1, 1.0]}, cv=2).fit(X, Y)
    best = search.best_estimator_
    assert isinstance(best, MonitoredEstimator)
    sandbox.reset()
    best.predict(X[:3])
    assert [r["model_name"] for r in stored(client, sandbox)] == ["churn"]


def test_pickling_saves_the_estimator_alone(client: ap.Client) -> None:
    pipeline = Pipeline([("scale", StandardScaler()), ("clf", fitted(client).estimator)]).fit(X, Y)
    monitored = monitor(pipeline, telemetry=client.telemetry)
    loaded = pickle.loads(pickle.dumps(monitored))
    assert type(loaded) is Pipeline
    assert list(loaded.predict(X)) == list(pipeline.predict(X))
    assert type(copy.deepcopy(monitored)) is Pipeline
    inside = Pipeline([("clf", fitted(client))])
    assert type(pickle.loads(pickle.dumps(inside)).steps[0][1]) is LogisticRegression
    assert monitor(monitored, telemetry=client.telemetry).estimator is pipeline  # no double wrap


def test_a_failing_call_is_recorded_and_raised_unchanged(
    client: ap.Client, sandbox: Sandbox
) -> None:
    model = monitor(LogisticRegression(), telemetry=client.telemetry, model_name="m")
    with pytest.raises(NotFittedError):
        model.predict(X)
    (record,) = stored(client, sandbox)
    assert record["prediction"]["error"]["type"] == "NotFittedError"
    assert record["input_data"]["shape"] == [40, 3]


def test_frames_wide_rows_and_non_finite_values_are_sampled_safely(
    client: ap.Client, sandbox: Sandbox
) -> None:
    wide = pd.DataFrame(RNG.normal(size=(10, 50)), columns=[f"f{i}" for i in range(50)])
    wide.iloc[0, 0] = np.nan
    scaler = monitor(StandardScaler(), telemetry=client.telemetry, sample_size=1)
    scaler.fit(wide.fillna(0)).transform(wide)
    (record,) = stored(client, sandbox)
    data = record["input_data"]
    assert data["type"] == "DataFrame" and data["shape"] == [10, 50]
    assert data["columns"] == [f"f{i}" for i in range(32)]
    assert len(data["sample"]) == 1 and len(data["sample"][0]) == 32
    assert data["sample"][0][0] is None  # NaN
    assert record["prediction"]["shape"] == [10, 50]


def test_sample_rate_decides_per_call(client: ap.Client, sandbox: Sandbox) -> None:
    silent = fitted(client, sample_rate=0.0)
    for _ in range(5):
        silent.predict(X)
    assert stored(client, sandbox) == []
    random.seed(3)
    half = fitted(client, sample_rate=0.5)
    for _ in range(40):
        half.predict(X[:1])
    assert 5 < len(stored(client, sandbox)) < 35


def test_calls_in_a_trace_carry_it(client: ap.Client, sandbox: Sandbox) -> None:
    model = fitted(client)
    with traced() as trace:
        model.predict(X[:1])
    (record,) = stored(client, sandbox)
    assert (record["trace_id"], record["span_id"]) == (trace.trace_id, trace.span_id)


def test_a_failure_to_record_never_reaches_the_caller(
    client: ap.Client, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    model = fitted(client)

    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("queue gone")

    monkeypatch.setattr(client.telemetry, "log_model_call", broken)
    with caplog.at_level(logging.ERROR, logger="agentplatform.integrations"):
        assert len(model.predict(X)) == 40
    assert "could not record a call of model 'churn'" in caplog.text


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"sample_rate": 1.5}, "sample_rate: must be <= 1"),
        ({"sample_rate": -0.1}, "sample_rate: must be >= 0"),
        ({"sample_size": 101}, "sample_size: must be <= 100"),
        ({"model_name": " "}, "model_name: must not be empty"),
        ({"service_name": ""}, "service_name: must not be empty"),
    ],
)
def test_options_are_checked(client: ap.Client, options: dict[str, Any], message: str) -> None:
    with pytest.raises(ap.InvalidParameterError, match=message):
        monitor(LogisticRegression(), telemetry=client.telemetry, **options)


async def test_the_telemetry_must_be_a_clients(aclient: ap.AsyncClient) -> None:
    with pytest.raises(ap.InvalidParameterError, match=r"telemetry: expected client\.telemetry"):
        monitor(LogisticRegression(), telemetry=aclient.telemetry)
    with pytest.raises(ap.InvalidParameterError, match="estimator: expected a scikit-learn"):
        monitor(object(), telemetry=None)
