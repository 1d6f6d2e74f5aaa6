"""examples/streaming_chat.py runs as a user would run it, against a live sandbox.

The streamed reply it prints must be exactly the sandbox's whole reply to the same
message, also when every stream is cut after a few events (resumed without a loss).
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import agentplatform as ap
import pytest
from agentplatform_sandbox import Faults, Sandbox

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "streaming_chat.py"
QUESTION = "How do agents use graph memory?"


@pytest.fixture(scope="module")
def sandbox_server() -> Iterator[Sandbox]:
    with Sandbox() as running:
        yield running


@pytest.fixture
def sandbox(sandbox_server: Sandbox) -> Sandbox:
    sandbox_server.reset()
    return sandbox_server


def run_example(sandbox: Sandbox, tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AGENTPLATFORM_")}
    env.update(
        AGENTPLATFORM_BASE_URL=sandbox.url,
        AGENTPLATFORM_API_KEY=sandbox.api_key,
        AGENTPLATFORM_CONFIG_FILE=str(tmp_path / "absent.toml"),
        PYTHONUNBUFFERED="1",
    )
    return subprocess.run(
        [sys.executable, str(EXAMPLE), *args],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def whole_reply(sandbox: Sandbox, message: str) -> ap.types.ChatResponse:
    with ap.Client(api_key=sandbox.api_key, base_url=sandbox.url) as client:
        return client.chat.create(message)


def test_streaming_chat_prints_the_reply(sandbox: Sandbox, tmp_path: Path) -> None:
    expected = whole_reply(sandbox, QUESTION)
    result = run_example(sandbox, tmp_path)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == f"you: {QUESTION}"
    assert lines[1] == f"assistant: {expected.response}"
    tokens = expected.usage.completion_tokens
    assert lines[2].startswith(f"({tokens} tokens, finish_reason=stop, resumed 0 times")
    assert "request id req_" in lines[2]
    assert lines[3].startswith("events: ") and "deltas, then message.completed (msg_" in lines[3]
    assert lines[4].startswith("StreamError after ")
    assert lines[4].endswith("code=stream_failed, retryable=True")
    assert lines[5] == f"async: {tokens} deltas, same text: True"
    assert sandbox.api_key not in result.stdout + result.stderr
    assert result.stderr == ""


def test_streaming_chat_survives_cut_streams(sandbox: Sandbox, tmp_path: Path) -> None:
    question = "What is a hybrid query over a graph?"
    expected = whole_reply(sandbox, question)
    sandbox.set_faults(Faults(cut_stream_after=2))
    result = run_example(sandbox, tmp_path, *question.split())
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[1] == f"assistant: {expected.response}"  # nothing lost, nothing doubled
    resumes = -(-(expected.usage.completion_tokens + 1) // 2) - 1
    assert f"resumed {resumes} times" in lines[2]
    assert lines[-1] == f"async: {expected.usage.completion_tokens} deltas, same text: True"
