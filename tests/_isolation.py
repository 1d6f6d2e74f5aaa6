"""Fixtures shared by test folders that drive real clients: a clean environment and no
real retry sleeps. A folder's conftest imports them to enable them there."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
from agentplatform import _logging, _transport


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> Iterator[None]:
    """No AGENTPLATFORM_* variable leaks in, the user's config file is never read."""
    for name in list(os.environ):
        if name.startswith("AGENTPLATFORM_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("AGENTPLATFORM_CONFIG_FILE", str(tmp_path / "absent.toml"))
    _logging.reset()
    yield
    _logging.reset()


@pytest.fixture(autouse=True)
def sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The delays the retry transport asked for; nothing sleeps for real."""
    delays: list[float] = []

    def fake_sleep(seconds: float) -> None:
        delays.append(seconds)

    async def fake_async_sleep(seconds: float) -> None:
        delays.append(seconds)

    monkeypatch.setattr(_transport, "sleep", fake_sleep)
    monkeypatch.setattr(_transport, "async_sleep", fake_async_sleep)
    return delays
