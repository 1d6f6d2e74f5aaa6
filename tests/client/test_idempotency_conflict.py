"""A reused idempotency key is a final answer: the SDK raises at once, never retries."""

from __future__ import annotations

from collections.abc import Iterator

import agentplatform as ap
import pytest
from agentplatform_sandbox import Sandbox


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    with Sandbox() as server:
        yield server


def test_reused_key_with_another_body_raises_conflict_without_retrying(sandbox: Sandbox) -> None:
    with ap.Client(api_key=sandbox.api_key, base_url=sandbox.url, max_retries=3) as client:
        client.entities.validate(type="A", properties={}, idempotency_key="same-key")
        with pytest.raises(ap.ConflictError) as caught:
            client.entities.validate(type="B", properties={}, idempotency_key="same-key")
    assert caught.value.retryable is False
    attempts = [r for r in sandbox.state.request_log() if r.idempotency_key == "same-key"]
    assert len(attempts) == 2
