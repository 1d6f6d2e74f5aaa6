"""Fixtures of the command-line tests: a clean environment, a sandbox, and a CLI runner."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import attrs
import pytest
from agentplatform import _logging, _transport
from agentplatform.cli import run
from agentplatform_sandbox.pytest_plugin import sandbox, sandbox_server

__all__ = ["sandbox", "sandbox_server"]


@pytest.fixture(scope="session")
def sandbox_options() -> dict[str, Any]:
    """Research jobs finish at once and webhook retries are quick."""
    return {"research_step_s": 0.0, "webhook_retry_delays_s": (0.05, 0.1)}


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    """No AGENTPLATFORM_* variable leaks in; the config file lives in the test's tmp dir."""
    for name in list(os.environ):
        if name.startswith("AGENTPLATFORM_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("AGENTPLATFORM_CONFIG_FILE", str(tmp_path / "config" / "config.toml"))
    _logging.reset()
    yield
    _logging.reset()


@pytest.fixture(autouse=True)
def sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The delays the retry transport asked for; nothing sleeps for real."""
    delays: list[float] = []
    monkeypatch.setattr(_transport, "sleep", delays.append)

    async def fake_async_sleep(seconds: float) -> None:
        delays.append(seconds)

    monkeypatch.setattr(_transport, "async_sleep", fake_async_sleep)
    return delays


@pytest.fixture
def config_file(tmp_path: Path) -> Path:
    """Where the CLI reads and writes profiles in this test."""
    return tmp_path / "config" / "config.toml"


@attrs.frozen
class Result:
    """What one CLI run printed and returned."""

    code: int
    out: str
    err: str


Cli = Callable[..., Result]


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Cli:
    """Run `agentplatform ARGS...` in-process and capture its output."""

    def invoke(*args: str) -> Result:
        capsys.readouterr()
        code = run(list(args))
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return invoke


@pytest.fixture
def use_sandbox(sandbox: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    """The sandbox, with AGENTPLATFORM_BASE_URL and AGENTPLATFORM_API_KEY pointing at it."""
    monkeypatch.setenv("AGENTPLATFORM_BASE_URL", sandbox.url)
    monkeypatch.setenv("AGENTPLATFORM_API_KEY", sandbox.api_key)
    return sandbox
