"""`agentplatform chat`: the reply streams to stdout token by token."""

from __future__ import annotations

import io
import json
import sys
from typing import Any

import pytest

from .conftest import Cli


class Recorder(io.StringIO):
    """A stdout that remembers each write, and may claim to be a terminal."""

    def __init__(self, tty: bool = False) -> None:
        super().__init__()
        self.writes: list[str] = []
        self.tty = tty

    def write(self, text: str) -> int:
        self.writes.append(text)
        return super().write(text)

    def isatty(self) -> bool:
        return self.tty


def test_streams_the_reply_token_by_token(
    cli: Cli, use_sandbox: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = Recorder()
    monkeypatch.setattr(sys, "stdout", out)
    assert cli("chat", "What is graph memory?").code == 0
    with use_sandbox.client() as http:
        whole = http.post("/v1/chat", json={"message": "What is graph memory?"}).json()
    assert out.getvalue() == whole["response"] + "\n"
    tokens = [w for w in out.writes if w != "\n"]
    assert len(tokens) == len(whole["response"].split())
    assert "".join(tokens) == whole["response"]


def test_usage_goes_to_stderr_on_a_terminal(
    cli: Cli, use_sandbox: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "stderr", Recorder(tty=True))
    result = cli("chat", "hello", "--conversation-id", "conv_cli")
    assert result.code == 0
    assert result.out.startswith("You said: hello.")
    err = sys.stderr.getvalue()  # type: ignore[attr-defined]
    assert err.startswith("[conversation conv_cli, 1 prompt + ")


def test_json_prints_only_the_final_reply(cli: Cli, use_sandbox: Any) -> None:
    result = cli("chat", "hello", "--json", "--user-id", "u1", "--model", "demo")
    assert result.code == 0
    reply = json.loads(result.out)
    assert reply["response"].startswith("You said: hello.")
    assert reply["finish_reason"] == "stop"
    assert set(reply) >= {"conversation_id", "message_id", "usage"}


def test_an_error_event_ends_the_line_and_exits_1(cli: Cli, use_sandbox: Any) -> None:
    result = cli("chat", "please fail !error now")
    assert result.code == 1
    assert result.out.startswith("You")
    assert result.out.endswith("\n")
    assert result.err.startswith("agentplatform: error: The stream reported an error: ")
    assert len(result.err.splitlines()) == 1


def test_a_refused_request_exits_1(
    cli: Cli, use_sandbox: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AGENTPLATFORM_API_KEY", "sk_test_wrong")
    result = cli("chat", "hello")
    assert (result.code, result.out) == (1, "")
    assert result.err.startswith("agentplatform: error: 401 Unauthorized")


def test_an_empty_message_is_a_usage_error(cli: Cli, use_sandbox: Any) -> None:
    result = cli("chat", "")
    assert result.code == 2
    assert result.err.startswith("agentplatform: error: message")
