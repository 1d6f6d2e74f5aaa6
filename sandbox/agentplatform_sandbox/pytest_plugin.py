"""Pytest fixtures for the sandbox.

Enable them in a root `conftest.py` with
`pytest_plugins = ["agentplatform_sandbox.pytest_plugin"]`.

- `sandbox_server` (session): one `Sandbox` started for the whole test session, built
  from the `sandbox_options` fixture (session scoped; override it to pass options).
- `sandbox` (function): that same server with its state, faults and rate limits reset
  before each test, so tests never see each other's data. Uses a fresh-state reset
  rather than a new server per test, which keeps tests fast.

```python
def test_health(sandbox):
    assert httpx.get(sandbox.url + "/v1/health").json()["status"] == "ok"
```
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from .server import Sandbox


@pytest.fixture(scope="session")
def sandbox_options() -> dict[str, Any]:
    """Keyword arguments of the session's `Sandbox` (override to customise)."""
    return {}


@pytest.fixture(scope="session")
def sandbox_server(sandbox_options: dict[str, Any]) -> Iterator[Sandbox]:
    """The session's running sandbox."""
    with Sandbox(**sandbox_options) as server:
        yield server


@pytest.fixture
def sandbox(sandbox_server: Sandbox) -> Sandbox:
    """The session's sandbox, reset to an empty state with no faults."""
    sandbox_server.reset()
    return sandbox_server
