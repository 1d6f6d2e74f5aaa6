"""`python -m agentplatform_sandbox --data-dir`: SIGKILL loses no acknowledged write; a
second sandbox on the same directory is refused."""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from agentplatform import Client
from agentplatform.cli import run
from agentplatform_sandbox import DEFAULT_API_KEY

START_TIMEOUT_S = 30.0
COMMAND = [sys.executable, "-m", "agentplatform_sandbox", "--port", "0"]


class Served:
    """A sandbox process serving a data dir; `url` is read from its banner."""

    def __init__(self, data_dir: Path) -> None:
        self.process = subprocess.Popen(
            [*COMMAND, "--log-level", "warning", "--data-dir", str(data_dir)],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        lines: queue.Queue[str] = queue.Queue()
        assert self.process.stdout is not None
        stdout = self.process.stdout
        threading.Thread(target=lambda: [lines.put(line) for line in stdout], daemon=True).start()
        seen = [lines.get(timeout=START_TIMEOUT_S)]
        while not seen[-1].startswith("Agent Platform sandbox at ") and len(seen) < 20:
            seen.append(lines.get(timeout=START_TIMEOUT_S))
        assert seen[-1].startswith("Agent Platform sandbox at "), seen
        self.url = seen[-1].split(" at ", 1)[1].strip()

    def kill(self) -> None:
        """SIGKILL: no shutdown code runs."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=START_TIMEOUT_S)

    def stop(self) -> None:
        """SIGTERM, then wait for a clean exit."""
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=START_TIMEOUT_S)


@pytest.fixture
def served(tmp_path: Path) -> Iterator[list[Served]]:
    """Sandbox processes started by the test (stopped at the end)."""
    started: list[Served] = []
    yield started
    for item in started:
        item.stop()


def test_sigkill_loses_no_acknowledged_write(tmp_path: Path, served: list[Served]) -> None:
    first = Served(tmp_path)
    served.append(first)
    acknowledged: list[str] = []
    enough = threading.Event()

    def write() -> None:
        # Keeps writing until the process dies; an id counts once its 201 has arrived.
        with httpx.Client(base_url=first.url, headers={"X-API-Key": DEFAULT_API_KEY}) as http:
            try:
                for n in range(100_000):
                    body = {"type": "Note", "properties": {"n": n}}
                    response = http.post("/v1/entities", json=body)
                    acknowledged.append(response.json()["id"])
                    if len(acknowledged) >= 150:
                        enough.set()
            except httpx.HTTPError:
                enough.set()

    writer = threading.Thread(target=write, daemon=True)
    writer.start()
    assert enough.wait(timeout=60)
    with Client(base_url=first.url, api_key=DEFAULT_API_KEY, max_retries=0) as client:
        event = client.events.ingest(agent_id="a", session_id="s", type="custom", event_id="last")
    first.kill()
    writer.join(timeout=30)
    assert not writer.is_alive()
    assert first.process.returncode == -signal.SIGKILL

    second = Served(tmp_path)
    served.append(second)
    with Client(base_url=second.url, api_key=DEFAULT_API_KEY) as client:
        stored = [entity.id for entity in client.entities.list(limit=100)]
        assert stored[: len(acknowledged)] == acknowledged
        assert len(stored) - len(acknowledged) <= 1  # at most one sent but never answered
        assert [e.id for e in client.events.list()] == [event.id]


def test_a_second_sandbox_on_the_same_dir_is_refused(
    tmp_path: Path, served: list[Served], capsys: pytest.CaptureFixture[str]
) -> None:
    first = Served(tmp_path)
    served.append(first)
    second = subprocess.run(
        [*COMMAND, "--data-dir", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=START_TIMEOUT_S,
        check=False,
    )
    assert second.returncode == 2
    message = f"is in use by another sandbox (process {first.process.pid})"
    assert second.stderr == f"error: {tmp_path} {message}; stop it or choose another data dir\n"
    assert run(["sandbox", "--port", "0", "--data-dir", str(tmp_path)]) == 2
    assert message in capsys.readouterr().err
    with httpx.Client(base_url=first.url, headers={"X-API-Key": DEFAULT_API_KEY}) as http:
        assert http.get("/v1/entities").status_code == 200  # the first one is unharmed
    first.stop()
    assert first.process.returncode == 0
    assert os.path.exists(tmp_path / "sandbox.sqlite3")
