"""Per-request overhead: small GETs against one local server, SDK vs raw httpx vs peers.

Every variant fetches `GET /v1/health` from the same local server (bench/server.py, a
child process) and decodes the JSON body:

- raw httpx: `client.get(...)` then `.json()` (the baseline of every ratio);
- raw httpx2: the same with httpx2, pydantic's fork of httpx that openai and anthropic
  now run on, so their numbers can be told apart from their HTTP stack's;
- generated: `agentplatform_api.api.health.get_health.sync(client=...)`;
- agentplatform: `Client.health()` (retry transport, hooks, parsing and validation);
- openai / anthropic: their client's `get(path, cast_to=<pydantic model>)`.

Sequential: --requests calls one after another. Async: --async-requests calls with
--concurrency in flight (asyncio, one event loop). The variants take turns in many
short rounds (--rounds), and each variant's best round counts (as `timeit` does):
other processes on the machine only ever add time, so the best round is the closest
to the variant's own cost. Wall time per request and the client process's CPU time per
request are shown, each with its ratio to raw httpx.

    python bench/bench_requests.py [--requests 300] [--async-requests 500]
                                   [--concurrency 100] [--rounds 20]
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import importlib.util
import time
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
from _common import API_KEY, HEALTH_PATH, health_server, ratio

SyncCall = Callable[[], Any]
AsyncCall = Callable[[], Awaitable[Any]]


def _health_model(base: type) -> type:
    """The Health body as a model of a peer SDK (their `cast_to` takes their BaseModel)."""
    return type(
        "Health",
        (base,),
        {"__annotations__": {"status": str, "version": str, "uptime_s": float}},
    )


def sync_variants(url: str) -> dict[str, tuple[SyncCall, Callable[[], None]]]:
    """name -> (one request, close)."""
    import agentplatform
    from agentplatform_api.api.health import get_health
    from agentplatform_api.client import AuthenticatedClient

    variants: dict[str, tuple[SyncCall, Callable[[], None]]] = {}
    raw = httpx.Client(base_url=url, headers={"X-API-Key": API_KEY})

    def raw_call() -> Any:
        response = raw.get(HEALTH_PATH)
        response.raise_for_status()
        return response.json()

    variants["raw httpx"] = (raw_call, raw.close)
    if importlib.util.find_spec("httpx2"):
        import httpx2

        raw2 = httpx2.Client(base_url=url, headers={"X-API-Key": API_KEY})

        def raw2_call() -> Any:
            response = raw2.get(HEALTH_PATH)
            response.raise_for_status()
            return response.json()

        variants["raw httpx2 (the peers' HTTP stack)"] = (raw2_call, raw2.close)
    generated = AuthenticatedClient(
        base_url=url, token=API_KEY, prefix="", auth_header_name="X-API-Key"
    )
    variants["generated (get_health.sync)"] = (
        lambda: get_health.sync(client=generated),
        lambda: generated.get_httpx_client().close(),
    )
    sdk = agentplatform.Client(api_key=API_KEY, base_url=url)
    variants["agentplatform Client.health()"] = (sdk.health, sdk.close)
    if importlib.util.find_spec("openai"):
        import openai

        oai = openai.OpenAI(api_key=API_KEY, base_url=url)
        oai_health = _health_model(openai.BaseModel)
        variants["openai client.get(cast_to=model)"] = (
            lambda: oai.get(HEALTH_PATH, cast_to=oai_health),
            oai.close,
        )
    if importlib.util.find_spec("anthropic"):
        import anthropic

        ant = anthropic.Anthropic(api_key=API_KEY, base_url=url)
        ant_health = _health_model(anthropic.BaseModel)
        variants["anthropic client.get(cast_to=model)"] = (
            lambda: ant.get(HEALTH_PATH, cast_to=ant_health),
            ant.close,
        )
    return variants


def async_variants(url: str) -> dict[str, tuple[AsyncCall, Callable[[], Awaitable[None]]]]:
    """name -> (one request, close), for one running event loop."""
    import agentplatform
    from agentplatform_api.api.health import get_health
    from agentplatform_api.client import AuthenticatedClient

    limits = httpx.Limits(max_connections=1000, max_keepalive_connections=1000)
    variants: dict[str, tuple[AsyncCall, Callable[[], Awaitable[None]]]] = {}
    raw = httpx.AsyncClient(base_url=url, headers={"X-API-Key": API_KEY}, limits=limits)

    async def raw_call() -> Any:
        response = await raw.get(HEALTH_PATH)
        response.raise_for_status()
        return response.json()

    variants["raw httpx"] = (raw_call, raw.aclose)
    if importlib.util.find_spec("httpx2"):
        # The HTTP stack openai and anthropic now use (pydantic's httpx fork), for context.
        import httpx2

        limits2 = httpx2.Limits(max_connections=1000, max_keepalive_connections=1000)
        raw2 = httpx2.AsyncClient(base_url=url, headers={"X-API-Key": API_KEY}, limits=limits2)

        async def raw2_call() -> Any:
            response = await raw2.get(HEALTH_PATH)
            response.raise_for_status()
            return response.json()

        variants["raw httpx2 (the peers' HTTP stack)"] = (raw2_call, raw2.aclose)
    generated = AuthenticatedClient(
        base_url=url,
        token=API_KEY,
        prefix="",
        auth_header_name="X-API-Key",
        httpx_args={"limits": limits},
    )
    variants["generated (get_health.asyncio)"] = (
        lambda: get_health.asyncio(client=generated),
        lambda: generated.get_async_httpx_client().aclose(),
    )
    sdk = agentplatform.AsyncClient(
        api_key=API_KEY, base_url=url, http_client=httpx.AsyncClient(limits=limits)
    )
    variants["agentplatform AsyncClient.health()"] = (sdk.health, sdk._http.aclose)
    if importlib.util.find_spec("openai"):
        import openai

        oai = openai.AsyncOpenAI(
            api_key=API_KEY, base_url=url, http_client=openai.DefaultAsyncHttpxClient(limits=limits)
        )
        oai_health = _health_model(openai.BaseModel)
        variants["openai AsyncOpenAI.get(cast_to=model)"] = (
            lambda: oai.get(HEALTH_PATH, cast_to=oai_health),
            oai.close,
        )
    if importlib.util.find_spec("anthropic"):
        import anthropic

        ant = anthropic.AsyncAnthropic(
            api_key=API_KEY,
            base_url=url,
            http_client=anthropic.DefaultAsyncHttpxClient(limits=limits),
        )
        ant_health = _health_model(anthropic.BaseModel)
        variants["anthropic AsyncAnthropic.get(cast_to=model)"] = (
            lambda: ant.get(HEALTH_PATH, cast_to=ant_health),
            ant.close,
        )
    return variants


def run_sync(url: str, requests: int, rounds: int) -> dict[str, tuple[float, float]]:
    """name -> (best round's wall µs per request, best round's client CPU µs per request)."""
    variants = sync_variants(url)
    for call, _ in variants.values():  # warm up: connections, caches, lazy imports
        for _ in range(50):
            call()
    walls: dict[str, list[float]] = {name: [] for name in variants}
    cpus: dict[str, list[float]] = {name: [] for name in variants}
    for _ in range(rounds):
        for name, (call, _) in variants.items():
            gc.collect()
            cpu0, wall0 = time.process_time(), time.perf_counter()
            for _ in range(requests):
                call()
            walls[name].append((time.perf_counter() - wall0) / requests * 1e6)
            cpus[name].append((time.process_time() - cpu0) / requests * 1e6)
    for _, close in variants.values():
        close()
    return {name: (min(walls[name]), min(cpus[name])) for name in variants}


async def _async_rounds(
    url: str, requests: int, concurrency: int, rounds: int
) -> dict[str, tuple[float, float]]:
    variants = async_variants(url)

    async def burst(call: AsyncCall, total: int) -> None:
        per_worker = total // concurrency

        async def worker() -> None:
            for _ in range(per_worker):
                await call()

        await asyncio.gather(*(worker() for _ in range(concurrency)))

    for call, _ in variants.values():  # warm up: open the connections
        await burst(call, concurrency * 2)
    walls: dict[str, list[float]] = {name: [] for name in variants}
    cpus: dict[str, list[float]] = {name: [] for name in variants}
    done = requests // concurrency * concurrency
    for _ in range(rounds):
        for name, (call, _) in variants.items():
            gc.collect()
            cpu0, wall0 = time.process_time(), time.perf_counter()
            await burst(call, done)
            walls[name].append((time.perf_counter() - wall0) / done * 1e6)
            cpus[name].append((time.process_time() - cpu0) / done * 1e6)
    for _, close in variants.values():
        await close()
    return {name: (min(walls[name]), min(cpus[name])) for name in variants}


def run_async(url: str, requests: int, concurrency: int, rounds: int) -> dict[str, Any]:
    return asyncio.run(_async_rounds(url, requests, concurrency, rounds))


def table(title: str, results: dict[str, tuple[float, float]]) -> str:
    base_wall, base_cpu = results["raw httpx"]
    lines = [
        f"{title}",
        f"{'variant':46} {'wall µs/req':>12} {'vs raw':>7} {'CPU µs/req':>11} {'vs raw':>7}",
    ]
    for name, (wall, cpu) in results.items():
        lines.append(
            f"{name:46} {wall:12.1f} {ratio(wall, base_wall):>7} "
            f"{cpu:11.1f} {ratio(cpu, base_cpu):>7}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=300, help="sequential requests/round")
    parser.add_argument("--async-requests", type=int, default=500, help="async requests/round")
    parser.add_argument("--concurrency", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args(argv)
    with health_server() as url:
        sequential = run_sync(url, args.requests, args.rounds)
        concurrent = run_async(url, args.async_requests, args.concurrency, args.rounds)
    print(
        table(
            f"Sequential GET {HEALTH_PATH}: {args.requests} requests x {args.rounds} rounds "
            "(best round)",
            sequential,
        )
    )
    print()
    print(
        table(
            f"Async GET {HEALTH_PATH}, concurrency {args.concurrency}: "
            f"{args.async_requests} requests x {args.rounds} rounds (best round)",
            concurrent,
        )
    )
    sdk_wall = sequential["agentplatform Client.health()"][0]
    print()
    print(
        f"SDK sequential wall time vs raw httpx: "
        f"{ratio(sdk_wall, sequential['raw httpx'][0])} (target <= 1.10x)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
