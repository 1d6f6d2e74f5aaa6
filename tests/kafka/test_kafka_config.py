"""`KafkaConfig`: checked on construction, secrets never shown, librdkafka settings."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import agentplatform as ap
import pytest
from agentplatform.telemetry._kafka_config import KafkaConfig


def test_defaults_make_an_idempotent_zstd_producer() -> None:
    config = KafkaConfig(bootstrap_servers="127.0.0.1:9092")
    assert (config.topic, config.events_topic) == (
        "agentplatform.telemetry",
        "agentplatform.events",
    )
    assert config.producer_settings() == {
        "bootstrap.servers": "127.0.0.1:9092",
        "compression.type": "zstd",
        "acks": "all",
        "linger.ms": 5,
        "enable.idempotence": True,
        "message.timeout.ms": 30000,
        "security.protocol": "PLAINTEXT",
    }


@pytest.mark.parametrize(
    ("options", "field"),
    [
        ({"bootstrap_servers": ""}, "bootstrap_servers"),
        ({"bootstrap_servers": "localhost"}, "bootstrap_servers"),
        ({"bootstrap_servers": "a:1,b:99999"}, "bootstrap_servers"),
        ({"topic": "no spaces"}, "topic"),
        ({"events_topic": "agentplatform.telemetry"}, "events_topic"),
        ({"compression": "brotli"}, "compression"),
        ({"acks": "most"}, "acks"),
        ({"acks": True}, "acks"),
        ({"linger_ms": -1}, "linger_ms"),
        ({"delivery_timeout_s": 0}, "delivery_timeout_s"),
        ({"partition_key": "model"}, "partition_key"),
        ({"security_protocol": "TLS"}, "security_protocol"),
        ({"security_protocol": "SASL_SSL"}, "sasl_mechanism"),
        ({"security_protocol": "SASL_SSL", "sasl_mechanism": "MD5"}, "sasl_mechanism"),
        ({"security_protocol": "SASL_SSL", "sasl_mechanism": "PLAIN"}, "sasl_username"),
        (
            {"sasl_mechanism": "PLAIN", "sasl_username": "u", "sasl_password": "p"},
            "security_protocol",
        ),
        ({"ssl_cafile": "/no/such/ca.pem"}, "ssl_cafile"),
        ({"extra": {1: 2}}, "extra"),
    ],
)
def test_bad_settings_name_their_field(options: dict[str, Any], field: str) -> None:
    options = {"bootstrap_servers": "127.0.0.1:9092", **options}
    with pytest.raises(ap.InvalidParameterError) as caught:
        KafkaConfig(**options)
    assert caught.value.parameter == field


def test_mutual_tls_needs_both_files(tmp_path: Path) -> None:
    cert = tmp_path / "client.pem"
    cert.write_text("pem")
    with pytest.raises(ap.InvalidParameterError, match="ssl_certfile"):
        KafkaConfig(bootstrap_servers="h:1", security_protocol="SSL", ssl_certfile=str(cert))
    config = KafkaConfig(
        bootstrap_servers="h:1",
        security_protocol="ssl",
        ssl_cafile=str(cert),
        ssl_certfile=str(cert),
        ssl_keyfile=str(cert),
        compression="lz4",
        acks=1,
    )
    settings = config.producer_settings()
    assert settings["security.protocol"] == "SSL"
    assert settings["ssl.key.location"] == str(cert)
    assert (settings["acks"], settings["enable.idempotence"]) == ("1", False)


def test_secrets_never_appear_in_the_repr() -> None:
    config = KafkaConfig(
        bootstrap_servers="broker:9093",
        security_protocol="SASL_SSL",
        sasl_mechanism="SCRAM-SHA-512",
        sasl_username="svc",
        sasl_password="hunter2-secret",
        extra={"sasl.oauthbearer.client.secret": "s3cr3t", "client.id": "checkout"},
    )
    shown = repr(config)
    assert "hunter2" not in shown and "s3cr3t" not in shown
    assert "svc" in shown and "checkout" in shown
    assert config.producer_settings()["sasl.password"] == "hunter2-secret"
    assert config.producer_settings()["client.id"] == "checkout"
