"""Fixtures of the Kafka tests: the session's broker and topic names of each test's own."""

from __future__ import annotations

import uuid

import pytest
from _isolation import _clean_env  # noqa: F401 - fixture enabled here
from _kafka_broker import kafka_broker  # noqa: F401 - fixture enabled here


@pytest.fixture
def topics() -> dict[str, str]:
    """Topic names no other test uses, as `KafkaIngest` arguments."""
    tag = uuid.uuid4().hex[:8]
    return {
        "telemetry_topic": f"test.{tag}.telemetry",
        "events_topic": f"test.{tag}.events",
        "group_id": f"test-{tag}",
        "session_timeout_ms": 2000,
    }
