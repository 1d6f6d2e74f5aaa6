"""Shared helpers of the benchmarks: import paths, a local server process, statistics."""

from __future__ import annotations

import contextlib
import os
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
for _path in (ROOT / "generated", ROOT / "overlays"):
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

API_KEY = "bench-key"
HEALTH_PATH = "/v1/health"


def free_port() -> int:
    """A free TCP port on the loopback interface."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def health_server(*command: str) -> Iterator[str]:
    """Run bench/server.py (or `command`: a bench script and its arguments, which must
    take `--port` and answer GET /v1/health) in a child process (its own GIL); yield its
    base URL."""
    port = free_port()
    script = command or ("server.py",)
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "bench" / script[0]), *script[1:], "--port", str(port)],
        stdin=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            if process.poll() is not None:
                raise RuntimeError("the benchmark server exited early")
            try:
                if httpx.get(url + HEALTH_PATH, timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                if time.monotonic() > deadline:
                    raise
            time.sleep(0.05)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def median(values: list[float]) -> float:
    return statistics.median(values)


def ratio(value: float, base: float) -> str:
    return f"{value / base:.2f}x" if base > 0 else "n/a"


def cpu_model() -> str:
    """The CPU model name (Linux), else the platform's processor string."""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    import platform

    return platform.processor() or "unknown"


def cores() -> int:
    return os.cpu_count() or 1
