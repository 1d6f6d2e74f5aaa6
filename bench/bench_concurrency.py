"""Async calls under concurrency: the SDK over httpx and over aiohttp, raw clients, peers.

Every variant fetches `GET /v1/health` from the same local server (bench/server.py, a
child process with a 75 s keep-alive, so pooled connections never race the server's
close) and decodes the JSON body, with --concurrency calls in flight on one asyncio
event loop:

- raw httpx and raw aiohttp (their default pools), for what the HTTP stacks cost alone;
- agentplatform `AsyncClient.health()` over httpx and over aiohttp (the default), and
  over httpx-aiohttp's transport (the issue's workaround), all with the SDK's limits;
- openai and anthropic with their default client (httpx2) and `DefaultAioHttpClient`.

The variants take turns, in a new shuffled order each round. Each row shows the best
round (the closest to the variant's own cost: other processes only ever add time) and
the median round, for wall time and for the client process's CPU time per call.
"vs peer" divides by the fastest peer configuration of the same column. Memory: each
variant in a fresh interpreter makes --memory-calls calls at once; the peak RSS and its
growth over the RSS before the burst are shown.

    python bench/bench_concurrency.py [--concurrency 100,500] [--requests 1000]
                                      [--rounds 5] [--memory-calls 1000] [--limits]

`--limits` adds the sweep of connection limits that chose the SDK's defaults.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import importlib.util
import json
import random
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
from _common import API_KEY, HEALTH_PATH, ROOT, health_server, median
from _sequential import _health_model

AsyncCall = Callable[[], Awaitable[Any]]
Variant = tuple[AsyncCall, Callable[[], Awaitable[Any]]]  # (one call, close)
Factory = Callable[[str], Variant]

SDK_HTTPX = "agentplatform over httpx"
SDK_AIOHTTP = "agentplatform over aiohttp (default)"
PEER_PREFIXES = ("openai", "anthropic")
SERVER = ("server.py", "--keep-alive", "75")


def raw_httpx(url: str) -> Variant:
    client = httpx.AsyncClient(base_url=url, headers={"X-API-Key": API_KEY})

    async def call() -> Any:
        response = await client.get(HEALTH_PATH)
        response.raise_for_status()
        return response.json()

    return call, client.aclose


def raw_aiohttp(url: str) -> Variant:
    import aiohttp

    session: list[aiohttp.ClientSession] = []

    async def call() -> Any:
        if not session:  # a session belongs to the running loop
            session.append(aiohttp.ClientSession(url, headers={"X-API-Key": API_KEY}))
        async with session[0].get(HEALTH_PATH) as response:
            response.raise_for_status()
            return await response.json()

    async def close() -> None:
        if session:
            await session[0].close()

    return call, close


def sdk(backend: str, http_client: Any = None) -> Factory:
    def build(url: str) -> Variant:
        import agentplatform

        options: dict[str, Any] = {"http_client": http_client} if http_client else {}
        if not http_client:
            options["http_backend"] = backend
        client = agentplatform.AsyncClient(api_key=API_KEY, base_url=url, **options)
        return client.health, client.aclose

    return build


def sdk_limits(backend: str, limits: httpx.Limits) -> Factory:
    """The SDK over `backend` with other connection limits (for the sweep)."""

    def build(url: str) -> Variant:
        if backend == "httpx":
            return sdk(backend, httpx.AsyncClient(limits=limits))(url)
        from agentplatform._aiohttp import AiohttpAsyncClient

        return sdk(backend, AiohttpAsyncClient(limits=limits))(url)

    return build


def sdk_httpx_aiohttp(url: str) -> Variant:
    from httpx_aiohttp import AiohttpTransport

    return sdk("", httpx.AsyncClient(transport=AiohttpTransport()))(url)


def peer(name: str, aiohttp: bool) -> Factory:
    def build(url: str) -> Variant:
        module = importlib.import_module(name)
        cls = module.AsyncOpenAI if name == "openai" else module.AsyncAnthropic
        options = {"http_client": module.DefaultAioHttpClient()} if aiohttp else {}
        client = cls(api_key=API_KEY, base_url=url, **options)
        model = _health_model(module.BaseModel)
        return (lambda: client.get(HEALTH_PATH, cast_to=model)), client.close

    return build


def variants() -> dict[str, Factory]:
    found: dict[str, Factory] = {"raw httpx": raw_httpx, "raw aiohttp": raw_aiohttp}
    found[SDK_HTTPX] = sdk("httpx")
    found[SDK_AIOHTTP] = sdk("aiohttp")
    if importlib.util.find_spec("httpx_aiohttp"):
        found["agentplatform over httpx-aiohttp's transport"] = sdk_httpx_aiohttp
    for name in PEER_PREFIXES:
        if importlib.util.find_spec(name):
            found[f"{name} default (httpx2)"] = peer(name, aiohttp=False)
            found[f"{name} DefaultAioHttpClient"] = peer(name, aiohttp=True)
    return found


def limit_variants(concurrency: int) -> dict[str, Factory]:
    """The sweep: httpx's pool with several bounds, aiohttp's bounded and unbounded.

    httpx's bounds below the concurrency are left out: with 500 calls waiting for 100
    connections, httpcore's pool ends in PoolTimeout (each attempt waits out the timeout).
    """
    found: dict[str, Factory] = {}
    for total, idle in ((100, 20), (100, 100), (1000, 100), (1000, 1000)):
        if total < concurrency:
            continue
        limits = httpx.Limits(max_connections=total, max_keepalive_connections=idle)
        found[f"agentplatform over httpx, {total}/{idle}"] = sdk_limits("httpx", limits)
    for total in (100, 1000, None):
        limits = httpx.Limits(max_connections=total, keepalive_expiry=5.0)
        found[f"agentplatform over aiohttp, limit {total or 'none'}"] = sdk_limits(
            "aiohttp", limits
        )
    return found


async def burst(call: AsyncCall, total: int, concurrency: int) -> None:
    """`total` calls by `concurrency` workers."""
    per_worker = max(1, total // concurrency)

    async def worker() -> None:
        for _ in range(per_worker):
            await call()

    await asyncio.gather(*(worker() for _ in range(concurrency)))


async def measure(
    factories: dict[str, Factory], url: str, concurrency: int, requests: int, rounds: int
) -> dict[str, tuple[list[float], list[float]]]:
    """name -> (wall µs per call of each round, CPU µs per call of each round); a variant
    whose calls fail is left out from then on, and FAILED names its error."""
    built = {name: factory(url) for name, factory in factories.items()}
    done = max(1, requests // concurrency) * concurrency
    walls: dict[str, list[float]] = {name: [] for name in built}
    cpus: dict[str, list[float]] = {name: [] for name in built}
    order = list(built)
    rng = random.Random(16)
    for round_number in range(rounds + 1):  # round 0 warms up: connections, caches
        rng.shuffle(order)
        for name in list(order):
            call = built[name][0]
            gc.collect()
            cpu0, wall0 = time.process_time(), time.perf_counter()
            try:
                await burst(call, done if round_number else concurrency * 2, concurrency)
            except Exception as exc:
                FAILED[(name, concurrency)] = f"{type(exc).__name__}: {exc}"[:120]
                order.remove(name)
                continue
            if round_number:
                walls[name].append((time.perf_counter() - wall0) / done * 1e6)
                cpus[name].append((time.process_time() - cpu0) / done * 1e6)
    for _, close in built.values():
        await close()
    return {name: (walls[name], cpus[name]) for name in built if name in order}


FAILED: dict[tuple[str, int], str] = {}


def is_peer(name: str) -> bool:
    return name.startswith(PEER_PREFIXES)


def table(title: str, results: dict[str, tuple[list[float], list[float]]]) -> str:
    columns = [[min(w) for w, _ in results.values()], [median(w) for w, _ in results.values()]]
    columns += [[min(c) for _, c in results.values()], [median(c) for _, c in results.values()]]
    peers = [i for i, name in enumerate(results) if is_peer(name)]
    fastest = [min(column[i] for i in peers) if peers else 0.0 for column in columns]
    head = f"{'variant':46} {'wall best':>9} {'median':>8} {'CPU best':>9} {'median':>8}"
    lines = [title, head + f" {'vs peer (wall best, CPU median)':>32}"]
    for i, name in enumerate(results):
        cells = " ".join(
            f"{column[i]:>{w}.0f}" for column, w in zip(columns, (9, 8, 9, 8), strict=True)
        )
        ratios = (
            f"{columns[0][i] / fastest[0]:.2f}x, {columns[3][i] / fastest[3]:.2f}x"
            if peers
            else "n/a"
        )
        lines.append(f"{name:46} {cells} {ratios:>32}")
    return "\n".join(lines)


def failures() -> str:
    return "\n".join(f"FAILED at c={c}: {name}: {error}" for (name, c), error in FAILED.items())


def verdicts(by_concurrency: dict[int, dict[str, tuple[list[float], list[float]]]]) -> str:
    lines = []
    for concurrency, results in by_concurrency.items():
        peers = {name: r for name, r in results.items() if is_peer(name)}
        if not peers or SDK_AIOHTTP not in results:
            continue
        walls, cpus = results[SDK_AIOHTTP]
        best_peer = min(peers, key=lambda name: min(peers[name][0]))
        wall = min(walls) / min(peers[best_peer][0])
        cpu = median(cpus) / min(median(c) for _, c in peers.values())
        met = "met" if wall <= 0.8 and cpu <= 0.8 else "MISSED"
        lines.append(
            f"c={concurrency}: SDK (default) vs fastest peer ({best_peer}): {wall:.2f}x wall "
            f"(best round), {cpu:.2f}x CPU (median) -> target <= 0.80x {met}"
        )
    return "\n".join(lines)


# --- memory: each variant alone in a fresh interpreter ------------------------------------


def status_kib(field: str) -> int:
    """A memory figure of this process from /proc (VmRSS: now, VmHWM: its peak).

    Not `ru_maxrss`: Linux keeps that across exec, so a child would report its parent's.
    """
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    return 0


async def memory_child(name: str, url: str, calls: int) -> dict[str, float]:
    call, close = variants()[name](url)
    await call()
    gc.collect()
    before = status_kib("VmRSS")
    await asyncio.gather(*(call() for _ in range(calls)))
    peak = status_kib("VmHWM")
    await close()
    return {"before_mib": before / 1024, "peak_mib": peak / 1024}


def memory(url: str, calls: int) -> str:
    lines = [
        f"Memory: {calls} calls at once, each variant in a fresh interpreter",
        f"{'variant':46} {'RSS before':>11} {'peak RSS':>9} {'growth':>8}  (MiB)",
    ]
    for name in variants():
        script = [sys.executable, str(ROOT / "bench" / Path(__file__).name)]
        result = subprocess.run(
            [*script, "--memory-child", name, "--url", url, "--memory-calls", str(calls)],
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        if result.returncode != 0:
            lines.append(f"{name:46} failed: {result.stderr.strip().splitlines()[-1:]}")
            continue
        found = json.loads(result.stdout)
        growth = found["peak_mib"] - found["before_mib"]
        lines.append(
            f"{name:46} {found['before_mib']:11.1f} {found['peak_mib']:9.1f} {growth:8.1f}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--concurrency", default="100,500", help="comma-separated levels")
    parser.add_argument("--requests", type=int, default=1000, help="calls per round")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--memory-calls", type=int, default=1000)
    parser.add_argument("--limits", action="store_true", help="add the connection-limit sweep")
    parser.add_argument("--memory-child", help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.memory_child:
        print(json.dumps(asyncio.run(memory_child(args.memory_child, args.url, args.memory_calls))))
        return 0
    levels = [int(level) for level in args.concurrency.split(",")]
    with health_server(*SERVER) as url:
        results = {
            level: asyncio.run(measure(variants(), url, level, args.requests, args.rounds))
            for level in levels
        }
        sweep = (
            {
                level: asyncio.run(measure(limit_variants(level), url, level, args.requests, 3))
                for level in levels
            }
            if args.limits
            else {}
        )
        memory_table = memory(url, args.memory_calls) if args.memory_calls else ""
    for level, found in results.items():
        print(
            table(
                f"Async GET {HEALTH_PATH}, concurrency {level}: {args.requests} calls x "
                f"{args.rounds} rounds, µs per call",
                found,
            )
        )
        print()
    for level, found in sweep.items():
        print(table(f"Connection limits, concurrency {level}: 3 rounds, µs per call", found))
        print()
    if memory_table:
        print(memory_table)
        print()
    if FAILED:
        print(failures())
        print()
    print(verdicts(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
