"""`client.telemetry`: buffered LLM events, model calls and data-quality reports."""

from __future__ import annotations

import time
import weakref
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from agentplatform_api.models import BatchResult, LlmEventRecord

from .._operation import Call
from ..errors import ConfigurationError, InvalidParameterError
from . import _ids, _records
from ._async import AsyncPipeline
from ._batch import EVENTS, TELEMETRY
from ._builder import LlmEvent, TelemetryEventBuilder
from ._config import TelemetryConfig
from ._kafka import KafkaProducer, kafka_senders
from ._monitor import P, R, monitor
from ._records import Payload
from ._sender import AsyncHttpBatchSender, HttpBatchSender
from ._stats import TelemetryStats
from ._sync import SyncPipeline
from ._trace import otel_ids

DEFAULT_FLUSH_TIMEOUT = 30.0


def _llm_payload(event: object) -> Payload:
    if isinstance(event, LlmEvent):
        return event.payload
    if isinstance(event, TelemetryEventBuilder):
        return event.build().payload
    if isinstance(event, LlmEventRecord):
        return event.to_dict()
    raise InvalidParameterError(
        "event",
        f"expected an LlmEvent (TelemetryEventBuilder(...).build()), got {type(event).__name__}.",
    )


def model_call_payload(
    *,
    model_name: str,
    latency_ms: float,
    input_data: Mapping[str, Any] | None = None,
    prediction: Mapping[str, Any] | None = None,
    error: BaseException | str | None = None,
    service_name: str | None = None,
    trace_id: str | None = None,
    span_id: str | None = None,
) -> Payload:
    """A checked `model_call` record (without id and timestamp)."""
    payload: Payload = {
        "kind": "model_call",
        "model_name": _records.text("model_name", model_name, max_length=255),
        "latency_ms": _records.non_negative("latency_ms", latency_ms),
    }
    if service_name is not None:
        payload["service_name"] = _records.text("service_name", service_name, max_length=255)
    if input_data is not None:
        payload["input_data"] = _records.attributes("input_data", input_data)
    if prediction is not None or error is not None:
        result = {} if prediction is None else _records.attributes("prediction", prediction)
        if error is not None:
            result["error"] = (
                {"type": type(error).__name__, "message": str(error)[: _records.MAX_TEXT]}
                if isinstance(error, BaseException)
                else {"message": _records.text("error", error)}
            )
        payload["prediction"] = result
    if trace_id is not None or span_id is not None:
        payload["trace_id"] = _records.trace_id("trace_id", trace_id)
        payload["span_id"] = _records.span_id("span_id", span_id)
    else:
        payload["trace_id"], payload["span_id"] = otel_ids() or (_ids.trace_id(), _ids.span_id())
    return payload


def data_quality_payload(
    *,
    dataset_name: str,
    record_count: int,
    null_count: int | None = None,
    anomaly_score: float | None = None,
    service_name: str | None = None,
) -> Payload:
    """A checked `data_quality` record (without id and timestamp)."""
    payload: Payload = {
        "kind": "data_quality",
        "dataset_name": _records.text("dataset_name", dataset_name, max_length=255),
        "record_count": _records.count("record_count", record_count),
    }
    if null_count is not None:
        payload["null_count"] = _records.count("null_count", null_count)
    if anomaly_score is not None:
        score = _records.non_negative("anomaly_score", anomaly_score)
        if score > 1:
            raise InvalidParameterError("anomaly_score", f"must be <= 1, got {score}.")
        payload["anomaly_score"] = score
    if service_name is not None:
        payload["service_name"] = _records.text("service_name", service_name, max_length=255)
    return payload


def _config(config: object) -> TelemetryConfig:
    if config is None:
        return TelemetryConfig()
    if not isinstance(config, TelemetryConfig):
        raise ConfigurationError(
            f"telemetry= takes a TelemetryConfig, got {type(config).__name__}."
        )
    return config


class _TelemetryBase:
    config: TelemetryConfig
    _records: SyncPipeline | AsyncPipeline
    _events: SyncPipeline | AsyncPipeline

    def _llm(self, event: object) -> Payload:
        payload = _llm_payload(event)
        if self.config.service_name is None and "service_name" not in payload:
            raise InvalidParameterError(
                "service_name",
                "is required: set it on the event (.service(name)) or as "
                "TelemetryConfig(service_name=...).",
            )
        return payload

    def _record_model_call(
        self,
        *,
        model_name: str,
        latency_ms: float,
        input_data: Mapping[str, Any] | None,
        prediction: Mapping[str, Any] | None,
        error: BaseException | None,
        service_name: str | None,
    ) -> str | None:
        payload = model_call_payload(
            model_name=model_name,
            latency_ms=latency_ms,
            input_data=input_data,
            prediction=prediction,
            error=error,
            service_name=service_name,
        )
        return self._records.put(payload)

    def monitor(
        self,
        model_name: str | None = None,
        *,
        service_name: str | None = None,
        capture_input: bool = True,
        capture_output: bool = True,
        summarize_input: Callable[..., Mapping[str, Any]] | None = None,
        summarize_output: Callable[[Any], Mapping[str, Any]] | None = None,
    ) -> Callable[[Callable[P, R]], Callable[P, R]]:
        """Decorate a sync or async function so each call is logged as a model call.

        ```python
        @client.telemetry.monitor("fraud-v3")
        def score(transaction): ...
        ```
        See `agentplatform.telemetry.monitor` for the options.
        """
        return monitor(
            self,
            model_name,
            service_name=service_name,
            capture_input=capture_input,
            capture_output=capture_output,
            summarize_input=summarize_input,
            summarize_output=summarize_output,
        )

    def stats(self) -> TelemetryStats:
        """Counters of the telemetry records (agent events have `client.events.buffered`)."""
        return self._records.stats()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.stats()}>"


class Telemetry(_TelemetryBase):
    """`client.telemetry` of `Client`: every call enqueues and returns at once.

    A daemon thread, started on the first enqueue, sends the records in batches (see
    `TelemetryConfig`); with `spool_dir`, every call writes its record to disk before
    it returns. `flush()` waits for delivery; `Client.close()` flushes and stops.
    """

    _records: SyncPipeline
    _events: SyncPipeline

    def __init__(
        self,
        run: Callable[[Call[BatchResult]], BatchResult],
        config: TelemetryConfig | None = None,
        *,
        tenant_id: str | None = None,
        workspace_id: str | None = None,
    ) -> None:
        self.config = config = _config(config)
        senders: tuple[Any, Any] = tuple(  # type: ignore[assignment]
            HttpBatchSender(channel, run, compress=config.compress)
            for channel in (TELEMETRY, EVENTS)
        )
        self._kafka: KafkaProducer | None = None
        if config.kafka is not None:
            self._kafka, *kafka = kafka_senders(
                config.kafka, tenant_id=tenant_id, workspace_id=workspace_id, asynchronous=False
            )
            senders = (kafka[0], kafka[1])
        self._records, self._events = (
            SyncPipeline(channel, config, sender, sampled=channel is TELEMETRY)
            for channel, sender in zip((TELEMETRY, EVENTS), senders, strict=True)
        )
        _companions(self._records, self._events)
        weakref.finalize(self, _detach, self._records, self._events)

    def track(self, event: LlmEvent | TelemetryEventBuilder | LlmEventRecord) -> str | None:
        """Enqueue an LLM event; its `event_id`, or None if sampled out or dropped.

        With `spool_dir`, the event is on disk when this returns (see `TelemetryConfig`).
        """
        return self._records.put(self._llm(event))

    def log_model_call(
        self,
        model_name: str,
        *,
        latency_ms: float,
        input_data: Mapping[str, Any] | None = None,
        prediction: Mapping[str, Any] | None = None,
        error: BaseException | str | None = None,
        service_name: str | None = None,
        trace_id: str | None = None,
        span_id: str | None = None,
    ) -> str | None:
        """Enqueue a call of a (non-LLM) model; its `event_id`, or None if not kept.

        An `error` is stored in `prediction["error"]`. Trace ids default to the current
        OpenTelemetry span's, else fresh ones.
        """
        payload = model_call_payload(
            model_name=model_name,
            latency_ms=latency_ms,
            input_data=input_data,
            prediction=prediction,
            error=error,
            service_name=service_name,
            trace_id=trace_id,
            span_id=span_id,
        )
        return self._records.put(payload)

    def log_data_quality(
        self,
        dataset_name: str,
        *,
        record_count: int,
        null_count: int | None = None,
        anomaly_score: float | None = None,
        service_name: str | None = None,
    ) -> str | None:
        """Enqueue a data-quality report; its `event_id`, or None if not kept."""
        payload = data_quality_payload(
            dataset_name=dataset_name,
            record_count=record_count,
            null_count=null_count,
            anomaly_score=anomaly_score,
            service_name=service_name,
        )
        return self._records.put(payload)

    def start(self) -> None:
        """Start the exporters now, e.g. to send records an ended process left in the spool."""
        self._records.start()
        if self.config.spool_dir is not None:
            self._events.start()

    def flush(self, timeout: float | None = DEFAULT_FLUSH_TIMEOUT) -> bool:
        """Send now and wait until everything enqueued so far (records and buffered agent
        events) has its answer: accepted, known, or rejected by the service (its callbacks
        have run). False if `timeout` seconds (None: no limit) pass first."""
        deadline = _Deadline(timeout)
        done = self._records.flush(deadline.remaining())
        return self._events.flush(deadline.remaining()) and done

    def close(self, timeout: float | None = None) -> bool:
        """Flush for up to `timeout` seconds (default `shutdown_timeout`), stop the
        exporters, and leave what is undelivered in the spool for the next process
        (without one, drop it). True when nothing was left. Idempotent."""
        timeout = self.config.shutdown_timeout if timeout is None else timeout
        deadline = _Deadline(timeout)
        done = self._records.close(deadline.remaining())
        done = self._events.close(deadline.remaining()) and done
        if self._kafka is not None:
            self._kafka.close(deadline.remaining())
        return done


class AsyncTelemetry(_TelemetryBase):
    """`client.telemetry` of `AsyncClient`: the same calls, awaitable.

    The exporter is an asyncio task started on the first enqueue. `monitor` works on sync
    and async functions alike.
    """

    _records: AsyncPipeline
    _events: AsyncPipeline

    def __init__(
        self,
        run: Callable[[Call[BatchResult]], Awaitable[BatchResult]],
        config: TelemetryConfig | None = None,
        *,
        tenant_id: str | None = None,
        workspace_id: str | None = None,
    ) -> None:
        self.config = config = _config(config)
        senders: tuple[Any, Any] = tuple(  # type: ignore[assignment]
            AsyncHttpBatchSender(channel, run, compress=config.compress)
            for channel in (TELEMETRY, EVENTS)
        )
        self._kafka: KafkaProducer | None = None
        if config.kafka is not None:
            self._kafka, *kafka = kafka_senders(
                config.kafka, tenant_id=tenant_id, workspace_id=workspace_id, asynchronous=True
            )
            senders = (kafka[0], kafka[1])
        self._records, self._events = (
            AsyncPipeline(channel, config, sender, sampled=channel is TELEMETRY)
            for channel, sender in zip((TELEMETRY, EVENTS), senders, strict=True)
        )
        _companions(self._records, self._events)
        weakref.finalize(self, _detach, self._records, self._events)

    async def track(self, event: LlmEvent | TelemetryEventBuilder | LlmEventRecord) -> str | None:
        """Enqueue an LLM event; its `event_id`, or None if sampled out or dropped.

        With `spool_dir`, the event is on disk when this returns (see `TelemetryConfig`).
        """
        return await self._records.aput(self._llm(event))

    def track_nowait(self, event: LlmEvent | TelemetryEventBuilder | LlmEventRecord) -> str | None:
        """`track` without awaiting, for callbacks and finalizers that cannot await (any
        thread). Under the `block` overflow policy a full queue drops the event."""
        return self._records.put(self._llm(event), may_block=False)

    async def log_model_call(
        self,
        model_name: str,
        *,
        latency_ms: float,
        input_data: Mapping[str, Any] | None = None,
        prediction: Mapping[str, Any] | None = None,
        error: BaseException | str | None = None,
        service_name: str | None = None,
        trace_id: str | None = None,
        span_id: str | None = None,
    ) -> str | None:
        """Enqueue a call of a (non-LLM) model; its `event_id`, or None if not kept."""
        payload = model_call_payload(
            model_name=model_name,
            latency_ms=latency_ms,
            input_data=input_data,
            prediction=prediction,
            error=error,
            service_name=service_name,
            trace_id=trace_id,
            span_id=span_id,
        )
        return await self._records.aput(payload)

    async def log_data_quality(
        self,
        dataset_name: str,
        *,
        record_count: int,
        null_count: int | None = None,
        anomaly_score: float | None = None,
        service_name: str | None = None,
    ) -> str | None:
        """Enqueue a data-quality report; its `event_id`, or None if not kept."""
        payload = data_quality_payload(
            dataset_name=dataset_name,
            record_count=record_count,
            null_count=null_count,
            anomaly_score=anomaly_score,
            service_name=service_name,
        )
        return await self._records.aput(payload)

    async def start(self) -> None:
        """Start the exporters now, e.g. to send records an ended process left in the spool."""
        self._records.start()
        if self.config.spool_dir is not None:
            self._events.start()

    async def flush(self, timeout: float | None = DEFAULT_FLUSH_TIMEOUT) -> bool:  # noqa: ASYNC109
        """Send now and wait until everything enqueued so far (records and buffered agent
        events) has its answer: accepted, known, or rejected by the service (its callbacks
        have run). False if `timeout` seconds (None: no limit) pass first."""
        deadline = _Deadline(timeout)
        done = await self._records.flush(deadline.remaining())
        return await self._events.flush(deadline.remaining()) and done

    async def close(self, timeout: float | None = None) -> bool:  # noqa: ASYNC109
        """Flush for up to `timeout` seconds (default `shutdown_timeout`), stop the
        exporters, and leave what is undelivered in the spool for the next process
        (without one, drop it). True when nothing was left. Idempotent."""
        timeout = self.config.shutdown_timeout if timeout is None else timeout
        deadline = _Deadline(timeout)
        done = await self._records.aclose(deadline.remaining())
        done = await self._events.aclose(deadline.remaining()) and done
        if self._kafka is not None:
            import asyncio

            await asyncio.to_thread(self._kafka.close, deadline.remaining())
        return done


def _companions(
    records: SyncPipeline | AsyncPipeline, events: SyncPipeline | AsyncPipeline
) -> None:
    """With a spool, starting one channel's exporter starts the other's, so that what an
    ended process left in either is sent by the next process to record anything."""
    records._companion, events._companion = events, records


def _detach(*pipelines: SyncPipeline | AsyncPipeline) -> None:
    for pipeline in pipelines:
        pipeline.detach()


class _Deadline:
    def __init__(self, timeout: float | None) -> None:
        self._end = None if timeout is None else time.monotonic() + timeout

    def remaining(self) -> float | None:
        if self._end is None:
            return None
        return max(0.0, self._end - time.monotonic())
