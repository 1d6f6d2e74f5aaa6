"""`agentplatform sandbox --open` and the banner's console line, without serving."""

from __future__ import annotations

import socket
from typing import Any

import pytest
from agentplatform.cli.sandbox import sandbox_argv
from agentplatform_sandbox import DEFAULT_API_KEY
from agentplatform_sandbox import cli as sandbox_cli


class _NoServer:
    """Stands in for uvicorn.Server: returns at once instead of serving."""

    def __init__(self, config: Any) -> None:
        self.config = config

    def run(self, sockets: list[socket.socket]) -> None:
        _NoServer.app = self.config.app


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    urls: list[str] = []
    monkeypatch.setattr(sandbox_cli.uvicorn, "Server", _NoServer)
    monkeypatch.setattr(sandbox_cli.webbrowser, "open", urls.append)
    monkeypatch.setattr(sandbox_cli.signal, "signal", lambda *args: None)  # keep pytest's
    # Whatever --host says, listen on loopback only.
    monkeypatch.setattr(sandbox_cli, "bind_socket", lambda host, port: _loopback())
    return urls


def _loopback() -> socket.socket:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen()
    return sock


def test_open_signs_the_browser_in_with_a_one_time_code(
    opened: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    sandbox_cli.main(["--port", "0", "--open", "--log-level", "warning"])
    banner = capsys.readouterr().out
    (url,) = opened
    port = url.split(":")[2].split("/")[0]
    assert f"Console: http://127.0.0.1:{port}/console/" in banner
    assert url.startswith(f"http://127.0.0.1:{port}/console/login?code=")
    assert DEFAULT_API_KEY not in url
    code = url.split("code=")[1]
    assert _NoServer.app.console.sessions.redeem(code) is not None


def test_the_banner_says_why_the_console_is_off(
    opened: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    sandbox_cli.main(["--host", "0.0.0.0", "--port", "0", "--open"])
    banner = capsys.readouterr().out
    assert "Console: off (The sandbox console is off: the sandbox listens on 0.0.0.0" in banner
    assert opened == []
    sandbox_cli.main(["--host", "0.0.0.0", "--port", "0", "--console"])
    assert "Console: http://" in capsys.readouterr().out


def test_agentplatform_sandbox_passes_the_console_options() -> None:
    options: dict[str, Any] = {
        "host": "127.0.0.1",
        "port": 0,
        "api_key": None,
        "latency_ms": 0,
        "error_rate": 0,
        "rate_429": 0,
        "drop_rate": 0,
        "cut_stream_after": None,
        "research_step_s": 1.0,
        "rate_limit": 100,
        "seed": None,
        "allow_external_webhooks": False,
        "log_level": "info",
    }
    assert "--open" not in sandbox_argv(**options)
    argv = sandbox_argv(**options, console=True, open_console=True)
    assert argv[-2:] == ["--console", "--open"]
