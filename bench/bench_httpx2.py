"""What moving the sync path to the httpx2 fork would gain: sequential GETs, wall and CPU.

httpx has had no release for a long time and openai and anthropic moved to httpx2, a
fork with the same API. The SDK is measured unchanged on both stacks: one worker
interpreter runs raw httpx and the SDK as installed, the other runs raw httpx2 and the
SDK with `import httpx` resolving to httpx2 (`httpx2.alias_httpx()`, process-wide). The
two workers take turns in many short rounds (--rounds), each variant's best round
counts, and every ratio is to raw httpx. bench/bench_instructions.py counts the
instructions of the same variants.

    python bench/bench_httpx2.py [--requests 300] [--rounds 20]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import IO

import _sequential

BENCH = Path(__file__).resolve().parent
STACKS = {  # worker -> [(row, variant of _sequential)]
    "httpx": [("raw httpx", "raw httpx"), ("agentplatform on httpx", "agentplatform")],
    "httpx2": [
        ("raw httpx2", "raw httpx2"),
        ("agentplatform on httpx2 (alias_httpx)", "agentplatform"),
    ],
}


def worker(stack: str, url: str, requests: int) -> int:
    """Serve rounds: read a line, run every variant of `stack` once, answer in JSON."""
    if stack == "httpx2":
        _sequential.alias_httpx()
    import gc

    variants = {row: _sequential.build(name, url) for row, name in STACKS[stack]}
    for call, _ in variants.values():  # warm up: connections, caches, lazy imports
        for _ in range(50):
            call()
    for line in sys.stdin:
        if line.strip() != "round":
            break
        result = {}
        for row, (call, _) in variants.items():
            gc.collect()
            cpu0, wall0 = time.process_time(), time.perf_counter()
            for _ in range(requests):
                call()
            wall = (time.perf_counter() - wall0) / requests * 1e6
            result[row] = (wall, (time.process_time() - cpu0) / requests * 1e6)
        print(json.dumps(result), flush=True)
    for _, close in variants.values():
        close()
    return 0


def _ask(process: subprocess.Popen[str]) -> dict[str, list[float]]:
    stdin: IO[str] | None = process.stdin
    stdout: IO[str] | None = process.stdout
    assert stdin is not None and stdout is not None
    stdin.write("round\n")
    stdin.flush()
    line = stdout.readline()
    if not line:
        raise RuntimeError("a benchmark worker exited early")
    answer: dict[str, list[float]] = json.loads(line)
    return answer


def measure(url: str, requests: int, rounds: int) -> dict[str, tuple[float, float]]:
    """row -> (best round's wall µs per request, best round's CPU µs per request)."""
    workers = {
        stack: subprocess.Popen(
            [
                sys.executable,
                str(BENCH / "bench_httpx2.py"),
                "--worker",
                stack,
                "--url",
                url,
                "--requests",
                str(requests),
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for stack in STACKS
    }
    walls: dict[str, list[float]] = {}
    cpus: dict[str, list[float]] = {}
    try:
        for _ in range(rounds):
            for process in workers.values():
                for row, (wall, cpu) in _ask(process).items():
                    walls.setdefault(row, []).append(wall)
                    cpus.setdefault(row, []).append(cpu)
    finally:
        for process in workers.values():
            if process.stdin is not None:
                process.stdin.close()
            process.wait(timeout=60)
    return {row: (min(walls[row]), min(cpus[row])) for row in walls}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=300, help="requests per round")
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--worker", choices=sorted(STACKS), help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        return worker(args.worker, args.url, args.requests)
    if importlib.util.find_spec("httpx2") is None:
        print("httpx2 is not installed (pip install httpx2, or the bench extra): skipped")
        return 0
    from _common import health_server, ratio

    with health_server() as url:
        results = measure(url, args.requests, args.rounds)
    base_wall, base_cpu = results["raw httpx"]
    print(
        f"Sequential GET {_sequential.HEALTH_PATH} on httpx and on httpx2: "
        f"{args.requests} requests x {args.rounds} rounds (best round)"
    )
    print(f"{'variant':46} {'wall µs/req':>12} {'vs raw':>7} {'CPU µs/req':>11} {'vs raw':>7}")
    for row, (wall, cpu) in results.items():
        print(
            f"{row:46} {wall:12.1f} {ratio(wall, base_wall):>7} "
            f"{cpu:11.1f} {ratio(cpu, base_cpu):>7}"
        )
    sdk_wall, sdk_cpu = results["agentplatform on httpx"]
    new_wall, new_cpu = results["agentplatform on httpx2 (alias_httpx)"]
    print()
    print(
        f"SDK on httpx2 vs SDK on httpx: {ratio(new_wall, sdk_wall)} wall, "
        f"{ratio(new_cpu, sdk_cpu)} CPU"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
