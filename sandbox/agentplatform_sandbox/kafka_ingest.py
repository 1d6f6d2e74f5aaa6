"""Telemetry and agent events from Apache Kafka, fed to the same ingestion as HTTP batches.

The wire format (what the SDK's Kafka transport produces):

- topic `agentplatform.telemetry`: one telemetry record per message, its JSON exactly as
  the spec's `TelemetryRecord` schemas define it (`kind` names the schema);
- topic `agentplatform.events`: one `AgentEventInput` per message;
- key: the record's `event_id` (or a partition key the producer chose, e.g. a trace id);
- headers: `content-type` (`application/json`), `schema-version` (the spec's version),
  `tenant-id` and `workspace-id`.

Every record is checked against the spec; a repeated `event_id` is counted as a duplicate
and dropped, so a producer's redelivery never doubles a record. Offsets are committed only
after the records of a poll were ingested, so a crash of the sandbox loses nothing that
was not yet stored. A record that fails validation is logged and counted; nothing a
producer sends stops the consumer.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from .auth import DEFAULT_TENANT
from .broker import kafka_extra_missing
from .domains.events import ingest_events
from .domains.telemetry import ingest_records
from .spec import load_spec
from .state import SandboxState

logger = logging.getLogger("agentplatform_sandbox.kafka")

TELEMETRY_TOPIC = "agentplatform.telemetry"
EVENTS_TOPIC = "agentplatform.events"
TENANT_HEADER = "tenant-id"
WORKSPACE_HEADER = "workspace-id"
SCHEMA_VERSION_HEADER = "schema-version"
CONTENT_TYPE_HEADER = "content-type"
_POLL_BATCH = 1000
_POLL_TIMEOUT_S = 0.1
_LOGGED_REJECTIONS_PER_POLL = 3


@dataclass(frozen=True)
class KafkaIngestStats:
    """What the consumer has done so far.

    Attributes:
        received: messages read from the broker.
        ingested: records stored (new `event_id`s).
        duplicates: records dropped because their `event_id` was already stored.
        invalid: messages that were not a valid record (bad JSON, schema, headers).
        errors: broker or ingestion errors (the consumer went on).
        commits: offset commits after ingestion.
        by_topic: records stored per topic.
        last_error: the latest error or rejection, for a test's failure message.
    """

    received: int = 0
    ingested: int = 0
    duplicates: int = 0
    invalid: int = 0
    errors: int = 0
    commits: int = 0
    by_topic: Mapping[str, int] = field(default_factory=dict)
    last_error: str | None = None

    @property
    def handled(self) -> int:
        """Messages fully dealt with: stored, dropped as duplicates, or rejected."""
        return self.ingested + self.duplicates + self.invalid


class KafkaIngest:
    """A consumer-group member that ingests both topics into a sandbox's state.

    Args:
        state: the sandbox state to feed.
        bootstrap_servers: the brokers, `host:port[,host:port]`.
        telemetry_topic, events_topic: the topic names.
        group_id: the consumer group.
        session_timeout_ms: the group session timeout (joins wait about half of it).
        default_tenant: the tenant of messages without a `tenant-id` header.
        partitions: partitions of each topic when the consumer creates it.
        config: more librdkafka settings, passed as they are.
    """

    def __init__(
        self,
        state: SandboxState,
        bootstrap_servers: str,
        *,
        telemetry_topic: str = TELEMETRY_TOPIC,
        events_topic: str = EVENTS_TOPIC,
        group_id: str = "agentplatform-sandbox",
        session_timeout_ms: int = 6000,
        default_tenant: str = DEFAULT_TENANT,
        partitions: int = 3,
        config: Mapping[str, Any] | None = None,
    ) -> None:
        self.state = state
        self.bootstrap_servers = bootstrap_servers
        self.telemetry_topic = telemetry_topic
        self.events_topic = events_topic
        self.group_id = group_id
        self.session_timeout_ms = session_timeout_ms
        self.default_tenant = default_tenant
        self.partitions = partitions
        self.config = dict(config or {})
        self.schema_major = str(load_spec()["info"]["version"]).split(".")[0]
        self._stats = KafkaIngestStats()
        self._changed = threading.Condition()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self._assigned = threading.Event()

    def stats(self) -> KafkaIngestStats:
        """A snapshot of the counters."""
        with self._changed:
            return self._stats

    def wait_for(self, handled: int, timeout: float) -> KafkaIngestStats:
        """Wait until `handled` messages were dealt with (or `timeout` seconds passed)."""
        with self._changed:
            self._changed.wait_for(lambda: self._stats.handled >= handled, timeout)
            return self._stats

    def wait_until_assigned(self, timeout: float) -> bool:
        """Wait until the group gave this consumer its partitions."""
        return self._assigned.wait(timeout)

    @property
    def running(self) -> bool:
        """Whether the consumer thread runs."""
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> KafkaIngest:
        """Create the topics if needed and start consuming on a background thread."""
        if self.running:
            return self
        try:
            import confluent_kafka
        except ImportError:
            raise kafka_extra_missing("confluent_kafka", "Kafka ingestion") from None
        self._create_topics(confluent_kafka)
        consumer = confluent_kafka.Consumer(
            {
                "bootstrap.servers": self.bootstrap_servers,
                "group.id": self.group_id,
                "auto.offset.reset": "earliest",
                "enable.auto.commit": False,
                "session.timeout.ms": self.session_timeout_ms,
                "heartbeat.interval.ms": max(100, self.session_timeout_ms // 6),
                "error_cb": self._on_client_error,
                **self.config,
            }
        )
        consumer.subscribe(
            [self.telemetry_topic, self.events_topic],
            on_assign=lambda _consumer, _partitions: self._assigned.set(),
        )
        self._stopping.clear()
        self._thread = threading.Thread(
            target=self._run, args=(consumer,), name="sandbox-kafka", daemon=True
        )
        self._thread.start()
        return self

    def stop(self, timeout: float = 10.0) -> None:
        """Stop consuming and leave the group."""
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(timeout)
        self._thread = None
        self._assigned.clear()

    def _create_topics(self, confluent_kafka: Any) -> None:
        from confluent_kafka.admin import AdminClient
        from confluent_kafka.cimpl import NewTopic

        admin = AdminClient({"bootstrap.servers": self.bootstrap_servers})
        futures = admin.create_topics(
            [
                NewTopic(topic, self.partitions)
                for topic in (self.telemetry_topic, self.events_topic)
            ],
            request_timeout=10,
        )
        for topic, future in futures.items():
            try:
                future.result(timeout=15)
            except confluent_kafka.KafkaException as exc:
                error = exc.args[0] if exc.args else None
                code = getattr(error, "code", lambda: None)()
                if code != confluent_kafka.KafkaError.TOPIC_ALREADY_EXISTS:
                    self._count(errors=1, last_error=f"creating topic {topic}: {exc}")

    def _on_client_error(self, error: Any) -> None:
        logger.warning("Kafka client error: %s", error)

    def _run(self, consumer: Any) -> None:
        try:
            while not self._stopping.is_set():
                try:
                    messages = consumer.consume(_POLL_BATCH, timeout=_POLL_TIMEOUT_S)
                except Exception as exc:
                    self._count(errors=1, last_error=f"poll: {exc}")
                    continue
                if not messages:
                    continue
                counts = self._ingest(messages)
                try:
                    consumer.commit(asynchronous=False)
                    counts["commits"] = 1
                except Exception as exc:  # e.g. a rebalance: redelivered, then deduplicated
                    counts["errors"] += 1
                    counts["last_error"] = f"commit: {exc}"
                self._count(**counts)
        finally:
            consumer.close()

    def _ingest(self, messages: list[Any]) -> dict[str, Any]:
        """Decode, group by topic and tenant (keeping order), ingest each group, and
        return the counts (added to the stats once the offsets are committed)."""
        groups: dict[tuple[str, str], list[Any]] = {}
        received = invalid = errors = 0
        last_error: str | None = None
        for message in messages:
            if message.error() is not None:
                if not _is_partition_eof(message.error()):
                    errors += 1
                    last_error = f"broker: {message.error()}"
                continue
            received += 1
            decoded = self._decode(message)
            if isinstance(decoded, str):
                invalid += 1
                last_error = decoded
                if invalid <= _LOGGED_REJECTIONS_PER_POLL:
                    logger.warning("Kafka record rejected: %s", decoded)
                continue
            tenant, record = decoded
            groups.setdefault((message.topic(), tenant), []).append(record)
        ingested = duplicates = 0
        by_topic: dict[str, int] = {}
        for (topic, tenant), records in groups.items():
            ingest = ingest_records if topic == self.telemetry_topic else ingest_events
            try:
                with self.state.transaction():  # one commit per batch with a data dir
                    accepted, repeated, rejected = ingest(self.state, tenant, records)
            except Exception as exc:  # a bug must not stop the consumer
                logger.exception("Kafka ingestion failed")
                errors += 1
                last_error = f"ingest: {exc}"
                continue
            ingested += accepted
            duplicates += repeated
            by_topic[topic] = by_topic.get(topic, 0) + accepted
            for rejection in rejected:
                invalid += 1
                last_error = f"{topic}: {rejection['problem']['detail']}"
                if invalid <= _LOGGED_REJECTIONS_PER_POLL:
                    logger.warning("Kafka record rejected: %s", last_error)
        return {
            "received": received,
            "ingested": ingested,
            "duplicates": duplicates,
            "invalid": invalid,
            "errors": errors,
            "by_topic": by_topic,
            "last_error": last_error,
        }

    def _decode(self, message: Any) -> tuple[str, Any] | str:
        """(tenant, record), or why the message is not a record."""
        headers = _headers(message.headers())
        content_type = headers.get(CONTENT_TYPE_HEADER, "application/json")
        if content_type.split(";")[0].strip().lower() != "application/json":
            return f"content-type {content_type!r} is not application/json"
        version = headers.get(SCHEMA_VERSION_HEADER)
        if version is not None and version.split(".")[0] != self.schema_major:
            return f"schema-version {version!r} is not {self.schema_major}.x"
        value = message.value()
        if value is None:
            return "the message has no value"
        try:
            record = json.loads(value)
        except (ValueError, RecursionError) as exc:
            return f"the value is not JSON ({type(exc).__name__})"
        if not isinstance(record, dict):
            return "the value is not a JSON object"
        return headers.get(TENANT_HEADER) or self.default_tenant, record

    def _count(self, **changes: Any) -> None:
        with self._changed:
            stats = self._stats
            updated: dict[str, Any] = {}
            for name, value in changes.items():
                if name == "last_error":
                    if value is not None:
                        updated[name] = value
                elif name == "by_topic":
                    merged = dict(stats.by_topic)
                    for topic, count in value.items():
                        merged[topic] = merged.get(topic, 0) + count
                    updated[name] = merged
                else:
                    updated[name] = getattr(stats, name) + value
            self._stats = replace(stats, **updated)
            self._changed.notify_all()


def _headers(raw: list[tuple[str, bytes | None]] | None) -> dict[str, str]:
    headers: dict[str, str] = {}
    for name, value in raw or []:
        if value is not None:
            headers[name.lower()] = value.decode("utf-8", "replace")
    return headers


def _is_partition_eof(error: Any) -> bool:
    import confluent_kafka

    return bool(error.code() == confluent_kafka.KafkaError._PARTITION_EOF)
