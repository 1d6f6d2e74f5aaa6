"""`KafkaConfig`: where and how buffered telemetry goes when it goes through Apache Kafka."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any, Literal

import attrs

from ..errors import InvalidParameterError

Compression = Literal["zstd", "lz4", "snappy", "gzip", "none"]
COMPRESSIONS: tuple[str, ...] = ("zstd", "lz4", "snappy", "gzip", "none")
SECURITY_PROTOCOLS = ("PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL")
SASL_MECHANISMS = ("PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512", "GSSAPI", "OAUTHBEARER")
PARTITION_KEYS = ("event_id", "trace_id", "session_id", "agent_id", "service_name")
_ACKS = {"all": "all", "-1": "all", "1": "1", "0": "0"}
_SECRET_WORDS = ("password", "secret", "token", "key")


def _text(name: str, value: object, *, optional: bool = False) -> str | None:
    if value is None and optional:
        return None
    if not isinstance(value, str) or not value.strip():
        raise InvalidParameterError(name, f"expected a non-empty string, got {value!r}.")
    return value


def _choice(name: str, value: object, choices: tuple[str, ...]) -> str:
    if value not in choices:
        raise InvalidParameterError(name, f"expected one of {', '.join(choices)}, got {value!r}.")
    return str(value)


def _check_bootstrap(_: Any, attribute: attrs.Attribute[Any], value: object) -> None:
    _text(attribute.name, value)
    assert isinstance(value, str)
    for server in value.split(","):
        host, _, port = server.strip().rpartition(":")
        if not host or not port.isdigit() or not 0 < int(port) < 65536:
            raise InvalidParameterError(
                attribute.name, f"expected host:port[,host:port...], got {value!r}."
            )


def _check_topic(_: Any, attribute: attrs.Attribute[Any], value: object) -> None:
    _text(attribute.name, value)
    assert isinstance(value, str)
    if len(value) > 249 or not all(c.isalnum() or c in "._-" for c in value):
        raise InvalidParameterError(
            attribute.name, f"a Kafka topic name is up to 249 of [a-zA-Z0-9._-], got {value!r}."
        )


def _check_file(_: Any, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is None:
        return
    if not isinstance(value, (str, os.PathLike)) or not os.path.isfile(value):
        raise InvalidParameterError(attribute.name, f"no such file: {value!r}.")


def _check_non_negative_int(_: Any, attribute: attrs.Attribute[Any], value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise InvalidParameterError(attribute.name, f"expected an integer >= 0, got {value!r}.")


def _check_positive(_: Any, attribute: attrs.Attribute[Any], value: object) -> None:
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, float))
        or not 0 < value < float("inf")
    ):
        raise InvalidParameterError(attribute.name, f"expected a number > 0, got {value!r}.")


def _check_extra(_: Any, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, Mapping) or not all(isinstance(k, str) for k in value):
        raise InvalidParameterError(
            attribute.name, "expected a dict of librdkafka settings with string keys."
        )


def _compression(value: object) -> str:
    return _choice("compression", value, COMPRESSIONS)


def _partition_key(value: object) -> str:
    return _choice("partition_key", value, PARTITION_KEYS)


def _security_protocol(value: object) -> str:
    return _choice(
        "security_protocol", value.upper() if isinstance(value, str) else value, SECURITY_PROTOCOLS
    )


def _acks(value: object) -> str:
    found = _ACKS.get(str(value).lower()) if isinstance(value, (str, int)) else None
    if found is None or isinstance(value, bool):
        raise InvalidParameterError("acks", f"expected 'all', 1 or 0, got {value!r}.")
    return found


def _hidden_extra(extra: Mapping[str, Any]) -> dict[str, Any]:
    return {
        name: "<hidden>" if any(word in name.lower() for word in _SECRET_WORDS) else value
        for name, value in extra.items()
    }


@attrs.frozen(kw_only=True, repr=False)
class KafkaConfig:
    """Send telemetry records and buffered agent events to Apache Kafka instead of the
    HTTP batch endpoints (`pip install 'agentplatform[kafka]'`).

    ```python
    TelemetryConfig(kafka=KafkaConfig(bootstrap_servers="127.0.0.1:9092"))
    ```

    Each record is one message: its value is the record's JSON exactly as the API's
    telemetry and event schemas define it, its key the record's `event_id` (or the field
    `partition_key` names, so that one trace stays in order), and its headers
    `content-type`, `schema-version`, `tenant-id` and `workspace-id`. The producer is
    idempotent; a record it delivers twice after a retry is dropped by the platform,
    which keeps every `event_id` once.

    Attributes:
        bootstrap_servers: `host:port[,host:port...]` of the brokers.
        topic: the topic of telemetry records (default `agentplatform.telemetry`).
        events_topic: the topic of buffered agent events (default `agentplatform.events`).
        compression: `zstd` (default), `lz4`, `snappy`, `gzip` or `none`.
        acks: `all` (default; every in-sync replica has it), 1 or 0.
        linger_ms: how long the producer waits to fill a message batch (default 5).
        delivery_timeout_s: how long a batch may take to be acknowledged before it is
            retried by the pipeline (or spooled) like a failed HTTP batch (default 30).
        partition_key: the record field used as the message key (default `event_id`;
            `trace_id`, `session_id`, `agent_id`, `service_name`); a record without
            that field is keyed by its `event_id`.
        security_protocol: `PLAINTEXT` (default), `SSL`, `SASL_PLAINTEXT` or `SASL_SSL`.
        ssl_cafile, ssl_certfile, ssl_keyfile: PEM files for TLS (and mutual TLS).
        sasl_mechanism: `PLAIN`, `SCRAM-SHA-256`, `SCRAM-SHA-512`, `GSSAPI`, `OAUTHBEARER`.
        sasl_username, sasl_password: SASL credentials (never shown in a repr or log).
        extra: more librdkafka settings, handed to the client library as they are
            (they override the ones above).
    """

    bootstrap_servers: str = attrs.field(validator=_check_bootstrap)
    topic: str = attrs.field(default="agentplatform.telemetry", validator=_check_topic)
    events_topic: str = attrs.field(default="agentplatform.events", validator=_check_topic)
    compression: str = attrs.field(default="zstd", converter=_compression)
    acks: str | int = attrs.field(default="all", converter=_acks)
    linger_ms: int = attrs.field(default=5, validator=_check_non_negative_int)
    delivery_timeout_s: float = attrs.field(default=30.0, validator=_check_positive)
    partition_key: str = attrs.field(default="event_id", converter=_partition_key)
    security_protocol: str = attrs.field(default="PLAINTEXT", converter=_security_protocol)
    ssl_cafile: str | None = attrs.field(default=None, validator=_check_file)
    ssl_certfile: str | None = attrs.field(default=None, validator=_check_file)
    ssl_keyfile: str | None = attrs.field(default=None, validator=_check_file)
    sasl_mechanism: str | None = attrs.field(default=None)
    sasl_username: str | None = attrs.field(default=None)
    sasl_password: str | None = attrs.field(default=None)
    extra: Mapping[str, Any] = attrs.field(factory=dict, validator=_check_extra)

    def __attrs_post_init__(self) -> None:
        if self.sasl_mechanism is not None:
            _choice("sasl_mechanism", self.sasl_mechanism, SASL_MECHANISMS)
        sasl = self.security_protocol.startswith("SASL")
        if sasl and self.sasl_mechanism is None:
            raise InvalidParameterError(
                "sasl_mechanism", f"is required with security_protocol={self.security_protocol}."
            )
        if not sasl and (self.sasl_mechanism or self.sasl_username or self.sasl_password):
            raise InvalidParameterError(
                "security_protocol",
                f"SASL settings need SASL_PLAINTEXT or SASL_SSL, got {self.security_protocol}.",
            )
        for name in ("sasl_username", "sasl_password"):
            _text(name, getattr(self, name), optional=True)
        if self.sasl_mechanism in ("PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512") and not (
            self.sasl_username and self.sasl_password
        ):
            raise InvalidParameterError(
                "sasl_username", f"and sasl_password are required with {self.sasl_mechanism}."
            )
        if (self.ssl_certfile is None) != (self.ssl_keyfile is None):
            raise InvalidParameterError(
                "ssl_certfile", "and ssl_keyfile go together (mutual TLS needs both)."
            )
        if self.topic == self.events_topic:
            raise InvalidParameterError("events_topic", "must differ from topic.")

    def __repr__(self) -> str:
        shown = {
            field.name: getattr(self, field.name)
            for field in attrs.fields(type(self))
            if getattr(self, field.name) not in (None, {})
        }
        if "sasl_password" in shown:
            shown["sasl_password"] = "<hidden>"  # noqa: S105 - the mask, not a password
        if "extra" in shown:
            shown["extra"] = _hidden_extra(self.extra)
        return f"KafkaConfig({', '.join(f'{k}={v!r}' for k, v in shown.items())})"

    def producer_settings(self) -> dict[str, Any]:
        """The librdkafka producer settings (secrets included: never log them)."""
        settings: dict[str, Any] = {
            "bootstrap.servers": self.bootstrap_servers,
            "compression.type": self.compression,
            "acks": self.acks,
            "linger.ms": self.linger_ms,
            "enable.idempotence": self.acks == "all",
            "message.timeout.ms": int(self.delivery_timeout_s * 1000),
            "security.protocol": self.security_protocol,
        }
        for option, value in (
            ("ssl.ca.location", self.ssl_cafile),
            ("ssl.certificate.location", self.ssl_certfile),
            ("ssl.key.location", self.ssl_keyfile),
            ("sasl.mechanism", self.sasl_mechanism),
            ("sasl.username", self.sasl_username),
            ("sasl.password", self.sasl_password),
        ):
            if value is not None:
                settings[option] = str(value)
        settings.update(self.extra)
        return settings
