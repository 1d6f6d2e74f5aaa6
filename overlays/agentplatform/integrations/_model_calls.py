"""What the model monitors share: checked options, sampling, and a record that never fails.

A monitored call is logged with `client.telemetry.log_model_call`, in the trace of the
code that made it (see `traced()`). Logging can never break the model: a failure to
build or enqueue the record is logged on `agentplatform.integrations` and dropped.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Mapping
from typing import Any

from .. import _params
from ..errors import InvalidParameterError
from ..telemetry import Telemetry
from ._context import current_trace

logger = logging.getLogger("agentplatform.integrations")


class ModelCallLog:
    """Logs the calls of one model on a `Client`'s telemetry, a `sample_rate` share of them.

    Attributes:
        model_name: the `model_name` of the records.
        sample_rate: the share of calls logged (0..1), decided per call.
        sample_size: rows of inputs and outputs kept in a record (0: shapes only).
    """

    __slots__ = ("model_name", "sample_rate", "sample_size", "service_name", "telemetry")

    def __init__(
        self,
        telemetry: object,
        *,
        model_name: str,
        sample_rate: float,
        sample_size: int,
        service_name: str | None,
    ) -> None:
        if not isinstance(telemetry, Telemetry):
            raise InvalidParameterError(
                "telemetry",
                f"expected client.telemetry of an agentplatform Client, got "
                f"{type(telemetry).__name__} (models run synchronously; an AsyncClient's "
                "telemetry is awaitable).",
            )
        self.telemetry: Telemetry = telemetry
        self.model_name = _params.text("model_name", model_name, max_length=255)
        rate = _params.number("sample_rate", sample_rate, minimum=0)
        if rate > 1:
            raise InvalidParameterError("sample_rate", f"must be <= 1, got {sample_rate!r}.")
        self.sample_rate = rate
        self.sample_size = _params.integer("sample_size", sample_size, minimum=0, maximum=100)
        self.service_name = (
            None if service_name is None else _params.text("service_name", service_name)
        )

    def sampled(self) -> bool:
        """Whether to log this call (always at rate 1, never at 0)."""
        rate = self.sample_rate
        return rate >= 1.0 or (rate > 0.0 and random.random() < rate)

    def record(
        self,
        *,
        latency_ms: float,
        input_data: Mapping[str, Any] | None,
        prediction: Mapping[str, Any] | None,
        error: BaseException | None = None,
    ) -> None:
        """Enqueue one model call; never raises."""
        try:
            trace = current_trace()
            self.telemetry.log_model_call(
                self.model_name,
                latency_ms=latency_ms,
                input_data=input_data,
                prediction=prediction,
                error=error,
                service_name=self.service_name,
                trace_id=trace.trace_id,
                span_id=trace.span_id,
            )
        except Exception:
            logger.exception("could not record a call of model %r", self.model_name)

    def __repr__(self) -> str:
        return f"<ModelCallLog {self.model_name!r} sample_rate={self.sample_rate}>"


def model_log(
    model: object,
    accepted: bool,
    *,
    expected: str,
    telemetry: object,
    model_name: str | None,
    sample_rate: float,
    sample_size: int,
    service_name: str | None,
) -> ModelCallLog:
    """The `ModelCallLog` of a `monitor()` call, named after the model's class by default;
    raises naming `expected` (e.g. "module: a torch.nn.Module") when not `accepted`."""
    if not accepted:
        parameter, _, kind = expected.partition(": ")
        raise InvalidParameterError(parameter, f"expected {kind}, got {type(model).__name__}.")
    return ModelCallLog(
        telemetry,
        model_name=model_name or type(model).__name__,
        sample_rate=sample_rate,
        sample_size=sample_size,
        service_name=service_name,
    )
