"""Log the predictions of a scikit-learn estimator as model calls.

```python
from sklearn.linear_model import LogisticRegression
from agentplatform.integrations.sklearn import monitor

model = monitor(LogisticRegression(), model_name="churn-v2", telemetry=client.telemetry)
model.fit(X, y)                 # fit is not logged; it returns the monitored model
model.predict(X)                # one model call: shapes, a few rows in and out, latency
```

The wrapper has the estimator's interface: `predict`, `predict_proba`,
`predict_log_proba`, `decision_function` and `transform` are logged when the estimator
has them (and absent when it does not); every other attribute (`classes_`,
`get_params`, `set_params`, `score`, ...) is the estimator's own. It works as a step of a
`Pipeline`, and `clone()` (grid searches, cross-validation) gives a monitored clone.
Pickling saves the estimator alone (telemetry belongs to a process): wrap the loaded
model with `monitor()` again. Needs the `sklearn` extra.
"""

from __future__ import annotations

import copyreg
import functools
import time
from collections.abc import Callable
from typing import Any

from . import _samples
from ._model_calls import ModelCallLog, model_log
from ._requires import require

_base = require("sklearn.base", "sklearn")
_validation = require("sklearn.utils.validation", "sklearn")
_exceptions = require("sklearn.exceptions", "sklearn")

__all__ = ["MonitoredEstimator", "monitor"]

# How pickle rebuilds a plain object (protocol 2+), and the protocol 0/1 way to say the same.
_NEWOBJ = getattr(copyreg, "__newobj__")  # noqa: B009 - not in typeshed
_RECONSTRUCT = getattr(copyreg, "_reconstructor")  # noqa: B009

MONITORED = frozenset(
    {"predict", "predict_proba", "predict_log_proba", "decision_function", "transform"}
)
"""The estimator methods whose calls are logged."""


def monitor(
    estimator: Any,
    *,
    telemetry: object,
    model_name: str | None = None,
    sample_rate: float = 1.0,
    sample_size: int = 3,
    service_name: str | None = None,
) -> MonitoredEstimator:
    """Wrap `estimator` so its prediction and transform calls are logged as model calls.

    Args:
        estimator: a scikit-learn estimator (fitted or not), or a `Pipeline`.
        telemetry: `client.telemetry` of a `Client`.
        model_name: the `model_name` of the records (default: the estimator's class name).
        sample_rate: the share of calls logged, decided per call (0..1).
        sample_size: rows of the input and the output kept in each record (0..100).
        service_name: the records' service (default: the telemetry config's).
    """
    if isinstance(estimator, MonitoredEstimator):
        estimator = estimator.estimator
    log = model_log(
        estimator,
        hasattr(estimator, "fit") and hasattr(estimator, "get_params"),
        expected="estimator: a scikit-learn estimator",
        telemetry=telemetry,
        model_name=model_name,
        sample_rate=sample_rate,
        sample_size=sample_size,
        service_name=service_name,
    )
    return MonitoredEstimator(estimator, log)


class MonitoredEstimator:
    """An estimator whose prediction and transform calls are logged (see `monitor`).

    Attributes:
        estimator: the wrapped estimator.
    """

    def __init__(self, estimator: Any, log: ModelCallLog) -> None:
        self.estimator = estimator
        self._log = log

    def fit(self, *args: Any, **kwargs: Any) -> MonitoredEstimator:
        """Fit the estimator (not logged); returns this monitored estimator."""
        self.estimator.fit(*args, **kwargs)
        return self

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") and not name.startswith("__sklearn"):
            raise AttributeError(name)
        estimator = self.__dict__.get("estimator")
        if estimator is None:
            raise AttributeError(name)
        value = getattr(estimator, name)
        if not callable(value) or isinstance(value, type):
            return value
        if name in MONITORED:
            return functools.partial(self._call, name, value)
        return functools.wraps(value)(functools.partial(self._delegate, value))

    def _delegate(self, method: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        result = method(*args, **kwargs)
        return self if result is self.estimator else result  # set_params(), partial_fit()

    def _call(self, name: str, method: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        log = self._log
        if not log.sampled():
            return method(*args, **kwargs)
        started = time.perf_counter()
        try:
            result = method(*args, **kwargs)
        except Exception as exc:
            log.record(
                latency_ms=(time.perf_counter() - started) * 1000.0,
                input_data=self._input(name, args, kwargs),
                prediction=None,
                error=exc,
            )
            raise
        latency_ms = (time.perf_counter() - started) * 1000.0
        prediction = _samples.describe(result, log.sample_size)
        if name in ("predict_proba", "predict_log_proba", "decision_function"):
            classes = getattr(self.estimator, "classes_", None)
            if classes is not None:
                prediction["classes"] = _samples.sample(classes, _samples.MAX_VALUES)
        log.record(
            latency_ms=latency_ms,
            input_data=self._input(name, args, kwargs),
            prediction=prediction,
        )
        return result

    def _input(self, name: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> dict[str, Any]:
        data = args[0] if args else kwargs.get("X")
        summary = _samples.describe(data, self._log.sample_size)
        summary["method"] = name
        summary["estimator"] = type(self.estimator).__name__
        return summary

    def __sklearn_clone__(self) -> MonitoredEstimator:
        """A monitored, unfitted clone (what `sklearn.base.clone` returns)."""
        return MonitoredEstimator(_base.clone(self.estimator), self._log)

    def __sklearn_is_fitted__(self) -> bool:
        """Whether the wrapped estimator is fitted."""
        try:
            _validation.check_is_fitted(self.estimator)
        except _exceptions.NotFittedError:
            return False
        return True

    def __reduce_ex__(self, protocol: Any) -> Any:
        """Pickle (and deep-copy) as the wrapped estimator alone."""
        reduced = self.estimator.__reduce_ex__(protocol)
        if isinstance(reduced, tuple) and reduced[0] is _NEWOBJ and len(reduced[1]) == 1:
            # pickle refuses __newobj__ for another object's class; this is the same recipe
            return (_RECONSTRUCT, (reduced[1][0], object, None), *reduced[2:])
        return reduced

    def __repr__(self) -> str:
        return f"monitor({self.estimator!r}, model_name={self._log.model_name!r})"
