"""`TelemetryConfig`: how buffered telemetry and events are batched, queued and kept."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

import attrs

from .. import _params
from ..errors import InvalidParameterError
from ._kafka_config import KafkaConfig

OverflowPolicy = Literal["drop_newest", "drop_oldest", "block"]
OVERFLOW_POLICIES: tuple[OverflowPolicy, ...] = ("drop_newest", "drop_oldest", "block")
MAX_BATCH_SIZE = 1000

SuccessCallback = Callable[[Any], Any]
"""`on_success(batch_result)`: called with each acknowledged batch's `BatchResult`."""
ErrorCallback = Callable[[BaseException, list[dict[str, Any]]], Any]
"""`on_error(error, records)`: called with what failed and the records it concerns."""


def _positive(name: str, value: object) -> float:
    number = _params.number(name, value)
    if number <= 0:
        raise InvalidParameterError(name, f"must be > 0, got {value!r}.")
    return number


def _check_path(value: object) -> Path | None:
    if value is None:
        return None
    if not isinstance(value, (str, os.PathLike)):
        raise InvalidParameterError(
            "spool_dir", f"expected a path or None, got {type(value).__name__}."
        )
    return Path(value)


def _check_callback(name: str, value: object) -> None:
    if value is not None and not callable(value):
        raise InvalidParameterError(name, f"expected a callable or None, got {value!r}.")


@attrs.frozen(kw_only=True)
class TelemetryConfig:
    """Settings of the buffered pipelines behind `client.telemetry` and `client.events.buffered`.

    Pass one as `Client(telemetry=TelemetryConfig(...))`. Every field is optional.

    Attributes:
        service_name: the `service_name` of records that do not name one.
        batch_size: records per request (1..1000, default 100).
        flush_interval: seconds a record may wait for its batch to fill (default 1).
        max_queue_size: records held in memory waiting to be sent (default 10000);
            with `spool_dir`, records wait on disk instead (this bound applies only if the
            spool cannot be written).
        overflow: what `track` does when the queue (or, with `spool_dir`, the spool) is
            full: `drop_newest` (default; the new record is dropped and `track` returns
            None, the caller never waits), `drop_oldest` (the oldest waiting records make
            room; with a spool, the oldest segment file not being sent, a block of
            records), or `block` (wait up to `block_timeout` seconds for room, then drop
            the new record). Dropped records are counted in `stats().dropped`.
        block_timeout: the longest wait of the `block` policy (seconds; None: no limit).
        sample_rate: the share of telemetry records kept, decided at enqueue (0..1).
            Agent events sent through `client.events.buffered` are never sampled.
        compress: gzip request bodies (`Content-Encoding: gzip`).
        spool_dir: a directory that makes the pipeline durable. Every record is appended
            to a spool file of this process before `track()` (`log_*`, `buffered.ingest`)
            returns its id, and the exporter sends from there, so a record that was given
            an id survives the process ending in any way (exception, `os._exit`, SIGKILL,
            OOM kill) and waits out any outage; once the service acknowledges a batch, it
            is marked done on disk and not sent again. Records an ended process left are
            sent (first, under the idempotency keys it used) by the next process that
            starts an exporter on the directory. Several live processes may share one
            directory: each sends its own records and adopts those of ended ones. With
            the default `fsync=False` the records are in the OS page cache, which
            survives a process crash but not a power loss or kernel crash. If the
            directory cannot be used, or the disk refuses a write, a warning is logged
            and records are kept in memory only.
        spool_max_bytes: the most disk the spool of each channel (telemetry records and
            agent events) may take in this process (default 256 MiB); past it, the
            `overflow` policy applies. Space is freed a segment file at a time as batches
            are acknowledged.
        fsync: also flush each spooled record (and each acknowledgement) to the storage
            device before `track()` returns, so records survive a power loss too. Costs
            a device flush per record (milliseconds on most disks); default False.
        retry_initial_delay, retry_max_delay: backoff (seconds) between attempts at a
            batch whose request failed for a transient reason (5xx, 429, network).
        shutdown_timeout: seconds `Client.close()` and the exit hook wait for delivery.
        on_success: called as `on_success(batch_result)` after each batch is acknowledged.
        on_error: called as `on_error(error, records)` for records the service rejected
            (one call per rejected record) and for batches that failed for good.
        enabled: False turns every buffered call into a no-op.
        kafka: a `KafkaConfig` to send records and buffered agent events to Apache Kafka
            instead of the HTTP batch endpoints (`pip install 'agentplatform[kafka]'`).
            Sampling, the queue, the spool, overflow, callbacks, `flush()` and
            `close()` work the same; set the client's `tenant_id` (and `workspace_id`)
            so the messages name them.
    """

    service_name: str | None = None
    batch_size: int = 100
    flush_interval: float = 1.0
    max_queue_size: int = 10_000
    overflow: OverflowPolicy = "drop_newest"
    block_timeout: float | None = 1.0
    sample_rate: float = 1.0
    compress: bool = True
    spool_dir: Path | None = attrs.field(default=None, converter=_check_path)
    spool_max_bytes: int = 256 * 1024 * 1024
    fsync: bool = False
    retry_initial_delay: float = 0.5
    retry_max_delay: float = 30.0
    shutdown_timeout: float = 5.0
    on_success: SuccessCallback | None = attrs.field(default=None, eq=False)
    on_error: ErrorCallback | None = attrs.field(default=None, eq=False)
    enabled: bool = True
    kafka: KafkaConfig | None = None

    def __attrs_post_init__(self) -> None:
        if self.service_name is not None:
            _params.text("service_name", self.service_name)
        _params.integer("batch_size", self.batch_size, minimum=1, maximum=MAX_BATCH_SIZE)
        _positive("flush_interval", self.flush_interval)
        _params.integer("max_queue_size", self.max_queue_size, minimum=1)
        _params.choices("overflow", self.overflow, OVERFLOW_POLICIES)
        if self.block_timeout is not None:
            _params.number("block_timeout", self.block_timeout, minimum=0)
        rate = _params.number("sample_rate", self.sample_rate, minimum=0)
        if rate > 1:
            raise InvalidParameterError("sample_rate", f"must be <= 1, got {rate}.")
        _params.boolean("compress", self.compress)
        _params.integer("spool_max_bytes", self.spool_max_bytes, minimum=1)
        _params.boolean("fsync", self.fsync)
        _positive("retry_initial_delay", self.retry_initial_delay)
        _positive("retry_max_delay", self.retry_max_delay)
        _params.number("shutdown_timeout", self.shutdown_timeout, minimum=0)
        _check_callback("on_success", self.on_success)
        _check_callback("on_error", self.on_error)
        _params.boolean("enabled", self.enabled)
        if self.kafka is not None and not isinstance(self.kafka, KafkaConfig):
            raise InvalidParameterError(
                "kafka", f"expected a KafkaConfig or None, got {type(self.kafka).__name__}."
            )
