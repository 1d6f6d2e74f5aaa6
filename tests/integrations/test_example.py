"""examples/openai_wrapper.py runs as a user would run it, against the sandbox."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from agentplatform_sandbox import Sandbox

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "openai_wrapper.py"


def test_openai_wrapper_example(sandbox: Sandbox, tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AGENTPLATFORM_", "OPENAI_"))}
    env.update(
        AGENTPLATFORM_BASE_URL=sandbox.url,
        AGENTPLATFORM_API_KEY=sandbox.api_key,
        AGENTPLATFORM_CONFIG_FILE=str(tmp_path / "absent.toml"),
    )
    done = subprocess.run(
        [sys.executable, str(EXAMPLE)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert out.count("assistant: A short answer to:") == 2
    assert "streamed (Stream): A short answer to: How do retries work?" in out
    assert "the call failed and was recorded: RateLimitError" in out
    assert "LLM events sent: 4, failed: 0, dropped: 0" in out
    records = sandbox.state.telemetry_records()
    assert [r["model"] for r in records] == ["gpt-4o-mini"] * 3 + ["gpt-4o"]
    assert {r["service_name"] for r in records} == {"chat-app"}
    plain, redacted, streamed, failed = records
    assert plain["cost_usd"] > 0 and plain["response"]["finish_reason"] == "stop"
    assert "[EMAIL]" in redacted["prompt"]["text"] and "ann@" not in redacted["prompt"]["text"]
    assert streamed["metadata"]["stream"] is True and streamed["response"]["tokens"] == 6
    assert streamed["metadata"]["time_to_first_token_ms"] > 0
    assert failed["errors"][0].startswith("RateLimitError: ")
