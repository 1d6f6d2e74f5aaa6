"""Fixtures of the sandbox's own tests: the plugin's fixtures, with response checking on."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from agentplatform_sandbox.pytest_plugin import sandbox, sandbox_server

__all__ = ["sandbox", "sandbox_server"]


@pytest.fixture(scope="session")
def sandbox_options() -> dict[str, Any]:
    """Every response is checked against openapi.yaml; research and retries run fast."""
    return {
        "validate_responses": True,
        "research_step_s": 0.05,
        "webhook_retry_delays_s": (0.05, 0.1),
    }


@pytest.fixture
def client(sandbox: Any) -> Iterator[httpx.Client]:
    """An httpx client authenticated as the default key."""
    with sandbox.client(timeout=10) as http:
        yield http
