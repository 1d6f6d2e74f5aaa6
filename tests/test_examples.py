"""Every script in examples/ runs, as a user would run it, against a live sandbox."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from agentplatform_sandbox import Sandbox

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"

# Each example here, with lines its output must contain.
EXPECTED: dict[str, list[str]] = {
    "quickstart.py": ["health: ok", "ontology check:", "people (subtypes included):", "chat: "],
    "async_concurrency.py": [
        "created 50 entities concurrently",
        "fetched 50 entities back, in the order asked",
        "not found (HTTP 404), as expected",
        "async pagination saw 50 documents",
    ],
    "pagination.py": [
        "items: 25 (first [0, 1, 2], last 24)",
        "page sizes with limit=10: [10, 10, 5]",
        "max_items=5 gives 5 items",
        "iterating twice starts again: True",
        "async: 25 items over 4 pages",
    ],
    "errors_and_retries.py": [
        "NotFoundError: status=404 request_id=req_",
        "UnprocessableEntityError: [('properties.name', 'must be a string')]",
        "InvalidParameterError (nothing was sent): timeout",
        "idempotent replay returns the same entity: True",
        "patient copy: 5 retries",
        "AuthenticationError: 401 Unauthorized",
        "APIConnectionError after retries: APIConnectionError",
        "ConfigurationError: The API key must be a non-empty string (from the api_key argument).",
    ],
    "webhooks_receiver.py": [
        "registered wh_",
        "entity.deleted: Draft ent_",
        "research.completed: job_",
        "refused a delivery: No webhook signature matches",
        "forged delivery answered 400",
    ],
    "graph_memory.py": [
        "Agent expands to: ['Agent', 'Planner']",
        "validate without a name: valid=False",
        "planner uses: ['ent_",
        "union ",
        "intersection ",
        "weighted ",
    ],
    "assistant_memory.py": [
        "knowledge: ",
        "memories of u42: {'language': 'Python', 'editor': 'vim'}",
        "I remember that",
        "same conversation: True",
        "left after deleting prefs: ['editor']",
    ],
    "research_progress.py": ["started job_", "succeeded at 100%", "  source: "],
    "configuration_profiles.py": [
        "profile 'local': 15.0 s timeout",
        "AGENTPLATFORM_PROFILE=slow: 5 retries",
        "env and arguments win: timeout=3.0, retries=0",
        "api_key=<hidden>",
        "ConfigurationError: Profile 'missing' not found",
    ],
}

# Examples whose authors run them in their own tests (named here so none is forgotten).
TESTED_ELSEWHERE = {"streaming_chat.py", "telemetry_pipeline.py", "openai_wrapper.py"}


@pytest.fixture(scope="module")
def server() -> Iterator[Sandbox]:
    with Sandbox(research_step_s=0.05, webhook_retry_delays_s=(0.05, 0.1)) as sandbox:
        yield sandbox


def run_example(name: str, server: Sandbox, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AGENTPLATFORM_")}
    env.update(
        AGENTPLATFORM_BASE_URL=server.url,
        AGENTPLATFORM_API_KEY=server.api_key,
        AGENTPLATFORM_CONFIG_FILE=str(tmp_path / "absent.toml"),
        PYTHONUNBUFFERED="1",
    )
    return subprocess.run(
        [sys.executable, str(EXAMPLES / name)],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_example_runs(name: str, server: Sandbox, tmp_path: Path) -> None:
    server.reset()
    result = run_example(name, server, tmp_path)
    assert result.returncode == 0, result.stderr
    for fragment in EXPECTED[name]:
        assert fragment in result.stdout, f"{fragment!r} not in:\n{result.stdout}"
    assert server.api_key not in result.stdout + result.stderr


def test_research_progress_is_shown_on_stderr(server: Sandbox, tmp_path: Path) -> None:
    server.reset()
    result = run_example("research_progress.py", server, tmp_path)
    assert result.returncode == 0
    assert "research job job_" in result.stderr
    assert result.stderr.rstrip().endswith("succeeded 100%")


def test_every_example_is_run_by_a_test() -> None:
    on_disk = {path.name for path in EXAMPLES.glob("*.py")}
    assert set(EXPECTED) <= on_disk
    others = on_disk - set(EXPECTED)
    tests = [p for p in (ROOT / "tests").rglob("test_*.py") if p != Path(__file__).resolve()]
    sources = "\n".join(p.read_text(encoding="utf-8") for p in tests)
    untested = sorted(name for name in others if name not in sources)
    assert untested == [], f"examples without a test: {untested}"
    assert TESTED_ELSEWHERE.isdisjoint(EXPECTED)
