"""The `Sandbox` runner, the command line and the pytest plugin."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from agentplatform_sandbox import DEFAULT_API_KEY, ManualClock, Sandbox, SandboxState
from agentplatform_sandbox.cli import build_app, parser


def test_restart_on_the_same_port_keeps_state() -> None:
    server = Sandbox(port=0)
    with server:
        port = server.port
        with server.client() as http:
            http.post("/v1/entities", json={"type": "Note", "properties": {}}).raise_for_status()
        server.restart()
        assert server.port == port
        assert server.running
        with server.client() as http:
            assert len(http.get("/v1/entities").json()["data"]) == 1
        server.restart(reset_state=True)
        with server.client() as http:
            assert http.get("/v1/entities").json()["data"] == []
    assert not server.running
    assert "running=False" in repr(server)


def test_state_can_move_to_a_new_sandbox() -> None:
    state = SandboxState(clock=ManualClock())
    with Sandbox(state=state) as first, first.client() as http:
        http.post("/v1/memories", json={"user_id": "u", "key": "k", "value": "v"})
        port = first.port
    with Sandbox(state=state, port=port) as second, second.client() as http:
        assert second.url == f"http://127.0.0.1:{port}"
        assert len(http.get("/v1/memories").json()["data"]) == 1


def test_state_excludes_keys_and_clock() -> None:
    with pytest.raises(ValueError, match="SandboxState"):
        Sandbox(state=SandboxState(), clock=ManualClock())


def test_start_twice_is_harmless_and_defaults() -> None:
    server = Sandbox()
    assert server.api_key == DEFAULT_API_KEY
    assert server.headers == {"X-API-Key": DEFAULT_API_KEY}
    server.start()
    try:
        assert server.start() is server
    finally:
        server.stop()
    server.stop()


def test_cli_options() -> None:
    args = parser().parse_args(
        [
            "--port",
            "0",
            "--api-key",
            "sk_cli",
            "--error-rate",
            "0.5",
            "--cut-stream-after",
            "3",
            "--research-step-s",
            "0.5",
            "--seed",
            "1",
        ]
    )
    app = build_app(args)
    assert app.faults.faults.error_rate == 0.5
    assert app.faults.faults.cut_stream_after == 3
    assert app.config.research_step_s == 0.5
    assert app.state.key_by_secret("sk_cli") is not None
    assert app.state.key_by_secret(DEFAULT_API_KEY) is None


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT])
def test_cli_serves_until_a_signal(stop: signal.Signals) -> None:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2] / "sandbox")}
    process = subprocess.Popen(
        [sys.executable, "-m", "agentplatform_sandbox", "--port", "0", "--log-level", "warning"],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert process.stdout is not None
        first = process.stdout.readline()
        match = re.search(r"http://127\.0\.0\.1:\d+", first)
        assert match, first
        assert process.stdout.readline().startswith(f"API key: {DEFAULT_API_KEY}")
        url = match.group(0)
        for _ in range(100):
            try:
                response = httpx.get(url + "/v1/health", timeout=2)
                break
            except httpx.ConnectError:
                continue
        assert response.json()["status"] == "ok"
    finally:
        process.send_signal(stop)
        assert process.wait(timeout=20) == 0


def test_plugin_gives_a_clean_sandbox_each_test(sandbox: Sandbox) -> None:
    assert sandbox.state.entities() == []
    assert sandbox.state.request_log() == []
    with sandbox.client() as http:
        http.post("/v1/entities", json={"type": "Note", "properties": {}}).raise_for_status()


def test_plugin_gives_a_clean_sandbox_again(sandbox: Sandbox) -> None:
    assert sandbox.state.entities() == []
