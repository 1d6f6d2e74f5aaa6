"""The telemetry examples run as a user would run them, against the sandbox."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from agentplatform_sandbox import DEFAULT_TENANT, Sandbox

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def run(sandbox: Sandbox, name: str) -> str:
    env = dict(os.environ)
    env.update(AGENTPLATFORM_BASE_URL=sandbox.url, AGENTPLATFORM_API_KEY=sandbox.api_key)
    done = subprocess.run(
        [sys.executable, str(EXAMPLES / name)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_telemetry_pipeline_example(sandbox: Sandbox) -> None:
    out = run(sandbox, "telemetry_pipeline.py")
    for line in (
        "tracked 200 LLM events",
        "the scorer's error was recorded and re-raised",
        "flushed: True",
        "telemetry: enqueued=205 sent=205 duplicates=0 dropped=0 failed=0",
        "agent events sent: 3",
        "spool left empty: True",
    ):
        assert line in out
    records = sandbox.state.telemetry_records()
    kinds = [r["kind"] for r in records]
    assert kinds.count("llm_event") == 200 and kinds.count("model_call") == 4
    assert kinds.count("data_quality") == 1
    failed_call = [r for r in records if r["kind"] == "model_call" and "error" in r["prediction"]]
    assert failed_call[0]["prediction"]["error"]["type"] == "ValueError"
    with sandbox.state.lock:
        assert len(sandbox.state.tenant(DEFAULT_TENANT).events) == 3
