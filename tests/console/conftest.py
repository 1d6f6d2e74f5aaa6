"""Fixtures of the console tests: a seeded sandbox, and one browser run shared by all."""

from __future__ import annotations

import json
import queue
import shutil
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from agentplatform_sandbox import Sandbox

from .seed import SESSIONS, client, seed_demo, seed_other_tenant

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
SCRIPT = Path(__file__).with_name("browser.mjs")
SHOTS = ROOT / "build" / "console"
LIVE_LABEL = "Live Entity"
RUN_TIMEOUT_S = 120.0


@pytest.fixture(scope="session")
def seeded() -> Iterator[Sandbox]:
    """A sandbox holding the demo's data (tenant A) and marked data of tenant B."""
    with Sandbox(research_step_s=0.02, webhook_retry_delays_s=(0.1,)) as sandbox:
        seed_other_tenant(sandbox)
        seed_demo(sandbox)
        yield sandbox


def _require_browser() -> str:
    node = shutil.which("node")
    problems = []
    if not CHROMIUM.exists():
        problems.append(f"{CHROMIUM} is missing: apt-get install chromium (.ci/run installs it)")
    if node is None:
        problems.append("node is missing: apt-get install nodejs")
    if not (ROOT / "node_modules" / "playwright-core").is_dir():
        problems.append("node_modules/playwright-core is missing: make node")
    if problems:
        pytest.fail("The console's browser tests cannot run: " + "; ".join(problems))
    assert node is not None
    return node


def _lines(stream: Any, into: queue.Queue[str | None]) -> None:
    for line in stream:
        into.put(line)
    into.put(None)


def _next_message(lines: queue.Queue[str | None], stderr: list[str]) -> dict[str, Any]:
    while True:
        try:
            line = lines.get(timeout=RUN_TIMEOUT_S)
        except queue.Empty:
            pytest.fail(f"the browser script said nothing for {RUN_TIMEOUT_S:g} s")
        if line is None:
            pytest.fail("the browser script ended early:\n" + "".join(stderr)[-4000:])
        if line.startswith("{"):
            message: dict[str, Any] = json.loads(line)
            return message


@pytest.fixture(scope="session")
def browser_report(seeded: Sandbox) -> dict[str, Any]:
    """What the browser saw on every page (see browser.mjs), from one Chromium run."""
    node = _require_browser()
    settings = {
        "base": seeded.url,
        "apiKey": seeded.api_key,
        "loginUrl": seeded.console_login_url(),
        "chromium": str(CHROMIUM),
        "shots": str(SHOTS),
        "session": SESSIONS[0],
        "liveLabel": LIVE_LABEL,
    }
    process = subprocess.Popen(
        [node, str(SCRIPT)],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdin is not None and process.stdout is not None
    lines: queue.Queue[str | None] = queue.Queue()
    stderr: list[str] = []
    threading.Thread(target=_lines, args=(process.stdout, lines), daemon=True).start()
    threading.Thread(target=lambda: stderr.extend(process.stderr or []), daemon=True).start()
    try:
        process.stdin.write(json.dumps(settings) + "\n")
        process.stdin.flush()
        assert _next_message(lines, stderr) == {"ready": "live"}
        with client(seeded) as api:
            api.entities.create(type="Company", properties={"name": LIVE_LABEL})
        process.stdin.write("go\n")
        process.stdin.flush()
        report: dict[str, Any] = _next_message(lines, stderr)["report"]
    finally:
        process.stdin.close()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    return report
