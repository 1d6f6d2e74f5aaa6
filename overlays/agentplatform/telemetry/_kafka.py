"""The Kafka transport of the pipeline: a `BatchSender` that produces each record of a
batch as one message and returns once the brokers acknowledged all of them.

Everything else (queue, write-through spool, retries, overflow, flush and close) is the
pipeline's, exactly as for HTTP. A batch whose delivery report fails, or that is not
acknowledged within `KafkaConfig.delivery_timeout_s`, raises `APIConnectionError`: the
pipeline tries it again later (from the spool when there is one), like a failed HTTP
batch. A record delivered twice that way is dropped by the platform by its `event_id`.

confluent-kafka (librdkafka) is imported when the first client with a `KafkaConfig`
starts sending; without it the error names `pip install 'agentplatform[kafka]'`.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from typing import Any

from agentplatform_api.models import BatchResult

from ..errors import APIConnectionError, ConfigurationError
from ._batch import EVENTS, TELEMETRY, Batch, Channel
from ._kafka_config import KafkaConfig

logger = logging.getLogger("agentplatform.telemetry")

SCHEMA_VERSION = "1.0.0"
"""The spec version whose record schemas the messages follow (`schema-version` header)."""
_EVENT_ID = b'"event_id":"'
_POLL_S = 0.05


class MissingKafkaError(ConfigurationError, ModuleNotFoundError):
    """`KafkaConfig` was given but confluent-kafka is not installed."""


def _load_confluent_kafka() -> Any:
    try:
        import confluent_kafka
    except ImportError:
        raise MissingKafkaError(
            "Telemetry over Kafka needs confluent-kafka: pip install 'agentplatform[kafka]'"
        ) from None
    return confluent_kafka


class KafkaProducer:
    """One librdkafka producer shared by a client's two channels (made on first use)."""

    def __init__(
        self, config: KafkaConfig, *, tenant_id: str | None, workspace_id: str | None
    ) -> None:
        self.config = config
        self._headers: list[tuple[str, bytes]] = [
            ("content-type", b"application/json"),
            ("schema-version", SCHEMA_VERSION.encode()),
        ]
        if tenant_id:
            self._headers.append(("tenant-id", tenant_id.encode()))
        if workspace_id:
            self._headers.append(("workspace-id", workspace_id.encode()))
        self._producer: Any = None
        self._kafka: Any = None
        self._lock = threading.Lock()
        self._send_lock = threading.Lock()
        self._closing = threading.Event()
        self.last_error: str | None = None

    def _inner(self) -> Any:
        with self._lock:
            if self._producer is None:
                self._kafka = _load_confluent_kafka()
                settings = {
                    "reconnect.backoff.max.ms": 1000,  # back soon after an outage
                    "log_level": 3,  # errors only: each failed batch is logged once by us
                    "delivery.report.only.error": True,  # see produce()
                    **self.config.producer_settings(),
                    "error_cb": self._on_error,
                }
                try:
                    self._producer = self._kafka.Producer(settings)
                except self._kafka.KafkaException as exc:
                    raise ConfigurationError(f"Kafka producer settings refused: {exc}") from None
            return self._producer

    def _on_error(self, error: Any) -> None:
        # librdkafka reports each failed connection; the batch's failure says it once.
        self.last_error = str(error)
        logger.debug("Kafka: %s", error)

    def produce(self, topic: str, lines: list[bytes], keys: list[bytes]) -> None:
        """Produce the messages and wait until librdkafka holds none of them, or raise
        `APIConnectionError` (the pipeline then tries the batch again).

        Delivery reports come only for failed messages (`delivery.report.only.error`), so
        a batch costs no Python call per acknowledged record: it is acknowledged when the
        producer's queue is empty (every message acknowledged or reported failed, since
        `flush` serves the reports) and no report named a message of this batch.
        """
        producer = self._inner()
        failures: list[str] = []

        def report(error: Any, _message: Any) -> None:
            if error is not None:
                failures.append(str(error))

        with self._send_lock:
            self.last_error = None
            send, headers = producer.produce, self._headers
            for line, key in zip(lines, keys, strict=True):
                try:
                    send(topic, line, key, headers=headers, on_delivery=report)
                except BufferError:  # the local queue is full: let it drain
                    self._send_when_room(producer, topic, line, key, report)
            left = self._wait_acknowledged(producer)
            if not left and not failures:
                return
            # What is still queued locally would go out beside the retry: take it back.
            producer.purge(in_queue=True, in_flight=False)
            producer.poll(0)
        reason = failures[0] if failures else (self.last_error or "no acknowledgement in time")
        missing = min(len(lines), len(failures) + left)  # what is left may be older too
        raise APIConnectionError(
            f"Kafka did not acknowledge {missing} of {len(lines)} record(s) "
            f"on topic {topic!r} at {self.config.bootstrap_servers}: {reason}. "
            "The batch is kept and sent again."
        )

    def _send_when_room(
        self, producer: Any, topic: str, line: bytes, key: bytes, report: Any
    ) -> None:
        while True:
            producer.poll(_POLL_S)
            try:
                producer.produce(topic, line, key, headers=self._headers, on_delivery=report)
                return
            except BufferError:
                continue

    def _wait_acknowledged(self, producer: Any) -> int:
        """Flush (linger skipped, GIL released) in short steps until nothing is left, the
        delivery timeout passes, or close gives up; the messages still held."""
        deadline = time.monotonic() + self.config.delivery_timeout_s + 1.0
        while True:
            left: int = producer.flush(_POLL_S)
            if not left or self._closing.is_set() or time.monotonic() > deadline:
                return left

    def close(self, timeout: float | None) -> None:
        """Deliver what is in flight (bounded), then drop the producer; a batch still
        waiting for acknowledgements gives up (the pipeline kept or spooled it)."""
        self._closing.set()
        with self._lock:
            producer, self._producer = self._producer, None
        if producer is not None:
            limit = self.config.delivery_timeout_s if timeout is None else timeout
            producer.flush(max(0.0, limit))


def kafka_senders(
    config: KafkaConfig, *, tenant_id: str | None, workspace_id: str | None, asynchronous: bool
) -> tuple[KafkaProducer, Any, Any]:
    """The shared producer and the senders of the telemetry and events channels."""
    producer = KafkaProducer(config, tenant_id=tenant_id, workspace_id=workspace_id)
    kind: Any = AsyncKafkaBatchSender if asynchronous else KafkaBatchSender
    return producer, kind(TELEMETRY, producer), kind(EVENTS, producer)


class KafkaBatchSender:
    """Sends one channel's batches to its topic through a shared `KafkaProducer`."""

    def __init__(self, channel: Channel, producer: KafkaProducer) -> None:
        self.channel = channel
        self.producer = producer
        config = producer.config
        self.topic = config.topic if channel is TELEMETRY else config.events_topic
        self._key_field = config.partition_key

    def send(self, batch: Batch) -> BatchResult:
        """Produce every record of the batch; the acknowledged count as a `BatchResult`."""
        assert batch.lines is not None
        lines = batch.lines
        self.producer.produce(self.topic, lines, [self._key(line) for line in lines])
        return BatchResult(accepted=len(lines), duplicates=0, rejected=[])

    def _key(self, line: bytes) -> bytes:
        if self._key_field != "event_id":
            value = json.loads(line).get(self._key_field)
            if isinstance(value, str) and value:
                return value.encode()
        start = line.find(_EVENT_ID)
        if start >= 0:
            start += len(_EVENT_ID)
            return line[start : line.index(b'"', start)]
        event_id = json.loads(line).get("event_id")  # pragma: no cover - always encoded
        return str(event_id).encode()


class AsyncKafkaBatchSender:
    """`KafkaBatchSender` for `AsyncClient`: the blocking wait runs in a worker thread."""

    def __init__(self, channel: Channel, producer: KafkaProducer) -> None:
        self._sync = KafkaBatchSender(channel, producer)

    async def send(self, batch: Batch) -> BatchResult:
        """Produce the batch without blocking the event loop."""
        import asyncio

        return await asyncio.to_thread(self._sync.send, batch)
