"""`agentplatform sandbox`: the local server, with its fault options."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from typing import Any

import httpx
import pytest
from agentplatform_sandbox import cli as sandbox_cli

from .conftest import Cli


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """The argument lists the sandbox was started with (nothing is served)."""
    calls: list[list[str]] = []
    monkeypatch.setattr(sandbox_cli, "main", calls.append)
    return calls


def test_defaults(cli: Cli, served: list[list[str]]) -> None:
    assert cli("sandbox").code == 0
    assert served == [
        [
            "--host", "127.0.0.1", "--port", "8080", "--log-level", "info",
            "--research-step-s", "1.0", "--rate-limit", "10000",
        ]
    ]  # fmt: skip


def test_fault_options_are_passed_on(cli: Cli, served: list[list[str]]) -> None:
    result = cli(
        "sandbox", "--port", "0", "--host", "::1", "--api-key", "sk_test_mine",
        "--latency-ms", "25", "--error-rate", "0.1", "--rate-429", "0.2", "--drop-rate", "0.05",
        "--cut-stream-after", "3", "--research-step-s", "0.1", "--rate-limit", "60",
        "--seed", "7", "--allow-external-webhooks", "--log-level", "warning",
    )  # fmt: skip
    assert result.code == 0
    argv = served[0]
    parsed = sandbox_cli.parser().parse_args(argv)
    assert vars(parsed) == {
        "host": "::1",
        "port": 0,
        "api_key": "sk_test_mine",
        "latency_ms": 25.0,
        "error_rate": 0.1,
        "rate_429": 0.2,
        "drop_rate": 0.05,
        "cut_stream_after": 3,
        "research_step_s": 0.1,
        "rate_limit": 60,
        "seed": 7,
        "allow_external_webhooks": True,
        "kafka": None,
        "console": False,
        "open": False,
        "data_dir": None,
        "log_level": "warning",
    }


def test_data_dir_is_passed_on(cli: Cli, served: list[list[str]]) -> None:
    assert cli("sandbox", "--data-dir", "state/dir").code == 0
    assert sandbox_cli.parser().parse_args(served[0]).data_dir == "state/dir"


def test_ctrl_c_is_a_clean_stop(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupted(argv: list[str]) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(sandbox_cli, "main", interrupted)
    assert cli("sandbox").code == 0


def test_a_busy_port_is_a_usage_error(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    def busy(argv: list[str]) -> None:
        raise OSError(98, "Address already in use")

    monkeypatch.setattr(sandbox_cli, "main", busy)
    result = cli("sandbox")
    assert result.code == 2
    assert result.err == "agentplatform: error: Cannot serve the sandbox: Address already in use.\n"


def test_without_the_sandbox_extra(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "agentplatform_sandbox", None)
    monkeypatch.delitem(sys.modules, "agentplatform_sandbox.cli")
    result = cli("sandbox")
    assert result.code == 2
    assert "pip install 'agentplatform[sandbox]'" in result.err


def test_serves_until_interrupted() -> None:
    process = subprocess.Popen(
        [sys.executable, "-c", "from agentplatform.cli import main; main()",
         "sandbox", "--port", "0", "--log-level", "warning"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )  # fmt: skip
    try:
        assert process.stdout is not None
        first = process.stdout.readline()
        assert first.startswith("Agent Platform sandbox at http://127.0.0.1:")
        url = first.split(" at ")[1].strip()
        key_line = process.stdout.readline()
        assert key_line.startswith("API key: sk_test_sandbox_0000")
        health = httpx.get(url + "/v1/health", timeout=10).json()
        assert health["status"] == "ok"
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=20) == 0
        assert "Traceback" not in (process.stderr.read() if process.stderr else "")
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_rejected_options_serve_nothing(cli: Cli, served: list[Any]) -> None:
    assert cli("sandbox", "--drop-rate", "-0.1").code == 2
    assert cli("sandbox", "--cut-stream-after", "0").code == 2
    assert served == []
