"""bench_instructions' counted child and bench_httpx2 run end to end (tiny sizes)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

BENCH = Path(__file__).resolve().parents[1] / "bench"
HEALTH = {"status": "ok", "version": "1.0.0", "uptime_s": 1.5}


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args], capture_output=True, text=True, timeout=300, check=False
    )


@pytest.fixture
def health_url(httpserver: HTTPServer) -> str:
    httpserver.expect_request("/v1/health").respond_with_json(HEALTH)
    return httpserver.url_for("/").rstrip("/")


@pytest.mark.parametrize(
    "variant", [["raw httpx"], ["agentplatform"], ["agentplatform", "--alias-httpx"]]
)
def test_the_counted_child_sends_its_requests(
    health_url: str, httpserver: HTTPServer, variant: list[str]
) -> None:
    done = run(
        str(BENCH / "bench_instructions.py"),
        *("--child", variant[0], *variant[1:], "--url", health_url),
        *("--requests", "3", "--warmup", "2"),
    )
    assert done.returncode == 0, done.stderr
    assert len(httpserver.log) == 5


def test_the_counted_child_fails_when_its_requests_fail(httpserver: HTTPServer) -> None:
    done = run(
        str(BENCH / "bench_instructions.py"),
        *("--child", "raw httpx", "--url", httpserver.url_for("/").rstrip("/")),
        *("--requests", "2", "--warmup", "0"),
    )
    assert done.returncode == 1
    assert "HTTPStatusError" in done.stderr


def test_httpx2_benchmark_reports_both_stacks() -> None:
    done = run(str(BENCH / "bench_httpx2.py"), "--requests", "3", "--rounds", "2")
    assert done.returncode == 0, done.stderr
    rows = [line.split()[0:3] for line in done.stdout.splitlines()]
    assert ["agentplatform", "on", "httpx2"] in rows
    assert ["agentplatform", "on", "httpx"] in rows
    assert "SDK on httpx2 vs SDK on httpx:" in done.stdout
