"""One sequential GET /v1/health per call, for each client the benchmarks compare.

`build(name, url)` returns (one request, close) for one variant, importing only that
variant's packages, so a benchmark can run each in its own interpreter.
`alias_httpx()` (call it first thing in a fresh interpreter) makes `import httpx`
resolve to the httpx2 fork process-wide, which is how the SDK is measured on httpx2
without changing its dependency.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from typing import Any

API_KEY = "bench-key"
HEALTH_PATH = "/v1/health"

Call = Callable[[], Any]
Variant = tuple[Call, Callable[[], None]]


def alias_httpx() -> None:
    """Make `httpx`/`httpcore` the httpx2 fork in this interpreter (before any import)."""
    import httpx2

    httpx2.alias_httpx()


def _raw(module: Any, url: str) -> Variant:
    client = module.Client(base_url=url, headers={"X-API-Key": API_KEY})

    def call() -> Any:
        response = client.get(HEALTH_PATH)
        response.raise_for_status()
        return response.json()

    return call, client.close


def _health_model(base: type) -> type:
    """The Health body as a model of a peer SDK (their `cast_to` takes their BaseModel)."""
    return type(
        "Health",
        (base,),
        {"__annotations__": {"status": str, "version": str, "uptime_s": float}},
    )


def _raw_httpx(url: str) -> Variant:
    import httpx

    return _raw(httpx, url)


def _raw_httpx2(url: str) -> Variant:
    import httpx2

    return _raw(httpx2, url)


def _agentplatform(url: str) -> Variant:
    import agentplatform

    client = agentplatform.Client(api_key=API_KEY, base_url=url)
    return client.health, client.close


def _openai(url: str) -> Variant:
    import openai

    client = openai.OpenAI(api_key=API_KEY, base_url=url)
    model = _health_model(openai.BaseModel)
    return (lambda: client.get(HEALTH_PATH, cast_to=model)), client.close


def _anthropic(url: str) -> Variant:
    import anthropic

    client = anthropic.Anthropic(api_key=API_KEY, base_url=url)
    model = _health_model(anthropic.BaseModel)
    return (lambda: client.get(HEALTH_PATH, cast_to=model)), client.close


BUILDERS: dict[str, tuple[str, Callable[[str], Variant]]] = {
    "raw httpx": ("httpx", _raw_httpx),
    "raw httpx2": ("httpx2", _raw_httpx2),
    "agentplatform": ("agentplatform", _agentplatform),
    "openai": ("openai", _openai),
    "anthropic": ("anthropic", _anthropic),
}


def available(name: str) -> bool:
    """Whether the package of variant `name` is installed."""
    return importlib.util.find_spec(BUILDERS[name][0]) is not None


def build(name: str, url: str) -> Variant:
    """(one request, close) of variant `name` against the server at `url`."""
    return BUILDERS[name][1](url)
