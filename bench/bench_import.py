"""Import time of agentplatform next to httpx, openai and anthropic (fresh interpreters).

Three steps per package, each timed in a fresh `python -c` and reported as the best of
--runs minus the best of an empty interpreter (`python -c pass`); other processes on
the machine only ever add time, so the best run is the closest to the import's cost:

- `import X`: the statement alone (agentplatform loads its clients lazily, so this is
  not the whole story);
- client class: the import plus the client class (`from agentplatform import Client`,
  `httpx.Client`, `from openai import OpenAI`, ...): what a program pays before its
  first line of real work;
- client built: the class plus one client constructed (no request sent).

The runs of all packages are interleaved, so a slow moment of the machine hits all.
Every package is imported from bytecode caches, as from an installed wheel: the runs use
a private `PYTHONPYCACHEPREFIX`, filled by one untimed run of each statement (with
`PYTHONDONTWRITEBYTECODE` set, as on some machines, the editable overlay and generated
code would otherwise be compiled from source at every import, and httpx's would not).
When valgrind is installed, the instructions of each step of httpx and agentplatform
are counted too (callgrind, above an empty interpreter's): a ratio that load does not
move. `--profile CODE` prints the modules that cost CODE's import most (`-X importtime`).

    python bench/bench_import.py [--runs 15] [--no-instructions]
                                 [--profile "from agentplatform import Client"]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time

import _callgrind
from _common import ratio

URL = "http://127.0.0.1:9"
PACKAGES: dict[str, tuple[str, str, str]] = {
    "httpx": ("import httpx", "import httpx; httpx.Client", "import httpx; httpx.Client()"),
    "agentplatform": (
        "import agentplatform",
        "from agentplatform import Client",
        f"from agentplatform import Client; Client(api_key='k', base_url='{URL}')",
    ),
    "openai": (
        "import openai",
        "from openai import OpenAI",
        f"from openai import OpenAI; OpenAI(api_key='k', base_url='{URL}')",
    ),
    "anthropic": (
        "import anthropic",
        "from anthropic import Anthropic",
        f"from anthropic import Anthropic; Anthropic(api_key='k', base_url='{URL}')",
    ),
}
STEPS = ("import X", "client class", "client built")


def _env(pycache: str | None = None) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("AGENTPLATFORM_") and k != "PYTHONDONTWRITEBYTECODE"
    }
    env["AGENTPLATFORM_CONFIG_FILE"] = os.devnull + ".absent.toml"
    if pycache is not None:
        env["PYTHONPYCACHEPREFIX"] = pycache
    return env


def _time(code: str, env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True, env=env)
    return (time.perf_counter() - start) * 1e3


Results = dict[str, dict[str, float]]


def measure(runs: int, count: bool) -> tuple[float, Results, Results]:
    """(empty interpreter ms, package -> step -> ms above it, and -> instructions above
    it for httpx and agentplatform when `count` and valgrind is installed)."""
    with tempfile.TemporaryDirectory(prefix="bench-pycache-") as pycache:
        env = _env(pycache)
        empty, results = _measure(runs, env)
        counts = _instructions(env) if count and _callgrind.available() else {}
    return empty, results, counts


def _instructions(env: dict[str, str]) -> Results:
    """Instructions of each step above an empty interpreter's (callgrind; caches warm)."""

    def run(code: str) -> float:
        return float(_callgrind.instructions([sys.executable, "-c", code], env))

    empty = run("pass")
    return {
        name: {step: run(code) - empty for step, code in zip(STEPS, PACKAGES[name], strict=True)}
        for name in ("httpx", "agentplatform")
    }


def _measure(runs: int, env: dict[str, str]) -> tuple[float, dict[str, dict[str, float]]]:
    installed = {}
    for name, steps in PACKAGES.items():
        try:
            for code in steps:  # untimed: fills the bytecode caches
                _time(code, env)
        except subprocess.CalledProcessError:
            print(f"({name} is not installed: skipped)", file=sys.stderr)
            continue
        installed[name] = steps
    samples: dict[tuple[str, int], list[float]] = {}
    base: list[float] = []
    for _ in range(runs):
        base.append(_time("pass", env))
        for name, steps in installed.items():
            for index, code in enumerate(steps):
                samples.setdefault((name, index), []).append(_time(code, env))
    empty = min(base)
    results = {
        name: {STEPS[i]: min(samples[(name, i)]) - empty for i in range(len(STEPS))}
        for name in installed
    }
    return empty, results


def profile(code: str, top: int = 20) -> str:
    """The modules with the largest self time while running `code` (-X importtime)."""
    with tempfile.TemporaryDirectory(prefix="bench-pycache-") as pycache:
        env = _env(pycache)
        subprocess.run([sys.executable, "-c", code], check=True, env=env)  # fills the caches
        result = subprocess.run(
            [sys.executable, "-X", "importtime", "-c", code],
            check=True,
            env=env,
            capture_output=True,
            text=True,
        )
    rows = []
    for line in result.stderr.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        parts = line.split("|")
        self_us = int(parts[0].split(":")[1])
        cumulative_us = int(parts[1])
        module = parts[2].rstrip()
        rows.append((self_us, cumulative_us, module))
    total = sum(row[0] for row in rows)
    lines = [f"{code}: {total / 1e3:.1f} ms in {len(rows)} modules; largest self times:"]
    for self_us, cumulative_us, module in sorted(rows, reverse=True)[:top]:
        lines.append(f"  {self_us / 1e3:7.2f} ms self {cumulative_us / 1e3:8.2f} ms cum  {module}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--profile", metavar="CODE", help="profile one statement instead")
    parser.add_argument(
        "--no-instructions", action="store_true", help="skip the callgrind instruction counts"
    )
    args = parser.parse_args(argv)
    if args.profile:
        print(profile(args.profile))
        return 0
    empty, results, counts = measure(args.runs, not args.no_instructions)
    print(
        f"Import time in ms above an empty interpreter ({empty:.1f} ms), "
        f"best of {args.runs} fresh runs each"
    )
    header = f"{'package':15}" + "".join(f"{step:>14} {'vs httpx':>9}" for step in STEPS)
    print(header)
    httpx_row = results.get("httpx")
    for name, row in results.items():
        cells = ""
        for step in STEPS:
            base = httpx_row[step] if httpx_row else 0.0
            cells += f"{row[step]:14.1f} {ratio(row[step], base):>9}"
        print(f"{name:15}{cells}")
    if "agentplatform" in results and httpx_row:
        ours = results["agentplatform"]["client class"]
        peers = {n: r["client class"] for n, r in results.items() if n not in ("agentplatform",)}
        print()
        print(
            f"agentplatform client class vs httpx: {ratio(ours, httpx_row['client class'])} "
            "(target <= 1.5x); below "
            + ", ".join(
                f"{n} ({'yes' if ours < v else 'NO'})" for n, v in peers.items() if n != "httpx"
            )
        )
    print()
    if not counts:
        print(_callgrind.MISSING if not args.no_instructions else "(instructions not counted)")
        return 0
    print("Instructions (callgrind) above an empty interpreter, in millions: the same under load")
    print(f"{'package':15}" + "".join(f"{step:>14} {'vs httpx':>9}" for step in STEPS))
    for name, row in counts.items():
        cells = "".join(
            f"{row[step] / 1e6:14.1f} {ratio(row[step], counts['httpx'][step]):>9}"
            for step in STEPS
        )
        print(f"{name:15}{cells}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
