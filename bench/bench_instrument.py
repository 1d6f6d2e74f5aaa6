"""Overhead of `instrument()`: an instrumented LLM client next to the bare one, one run.

Every variant calls the same local fake API (this script with --serve, a child process:
a raw ASGI app under uvicorn) one call after another and reads the whole answer:

- openai `chat.completions.create` (a small JSON completion), bare and instrumented:
  content captured (the default), capture off, and with `otel=True` GenAI spans (an
  SDK tracer provider without exporter);
- openai `create(stream=True)`, 20 SSE chunks read to the end, bare and instrumented;
- anthropic `messages.create`, bare and instrumented.

The instrumented clients record into a real `Client.telemetry` whose batches go to an
in-process null sink (an httpx MockTransport counting records), so the exporter's work
(encoding, gzip) shares the process as it would in an application. The variants take
turns call by call, in a new (seeded) order each turn, so a slow moment of the shared
machine, or the garbage a variant leaves for the next, hits them all alike; a round is
--requests turns. Shown: the median over
--rounds of each variant's mean time per call, and the median over rounds of its ratio
to the bare client of the same library and call shape in the same round.

    python bench/bench_instrument.py [--requests 50] [--rounds 32] [--json]
"""

from __future__ import annotations

import argparse
import gc
import gzip
import json
import random
import statistics
import time
from collections.abc import Callable
from typing import Any

import httpx
from _common import health_server, ratio

TARGET = 1.05
COMPLETION = json.dumps(
    {
        "id": "chatcmpl-bench",
        "object": "chat.completion",
        "created": 1,
        "model": "gpt-4o-mini-2024-07-18",
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": "A short answer.", "refusal": None},
                "finish_reason": "stop",
                "logprobs": None,
            }
        ],
        "usage": {"prompt_tokens": 25, "completion_tokens": 4, "total_tokens": 29},
    }
).encode()
MESSAGE = json.dumps(
    {
        "id": "msg_bench",
        "type": "message",
        "role": "assistant",
        "model": "claude-haiku-4-5-20251001",
        "content": [{"type": "text", "text": "A short answer."}],
        "stop_reason": "end_turn",
        "stop_sequence": None,
        "usage": {"input_tokens": 25, "output_tokens": 4},
    }
).encode()


def _chunks() -> bytes:
    base = {"id": "chatcmpl-bench", "object": "chat.completion.chunk", "created": 1}
    base["model"] = "gpt-4o-mini"
    events = []
    for n in range(20):
        delta = {"content": f"word{n} "}
        events.append({**base, "choices": [{"index": 0, "delta": delta, "finish_reason": None}]})
    events.append({**base, "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]})
    body = "".join(f"data: {json.dumps(e)}\n\n" for e in events) + "data: [DONE]\n\n"
    return body.encode()


STREAM = _chunks()
HEALTH = b'{"status":"ok"}'


async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    """The fake API: chat completions (JSON or SSE), messages, health."""
    if scope["type"] != "http":
        return
    body = b""
    more = True
    while more:
        message = await receive()
        body += message.get("body", b"")
        more = message.get("more_body", False)
    path = scope["path"]
    kind, answer = b"application/json", HEALTH
    if path == "/v1/chat/completions":
        streamed = b'"stream":true' in body.replace(b" ", b"")
        kind, answer = (b"text/event-stream", STREAM) if streamed else (kind, COMPLETION)
    elif path == "/v1/messages":
        answer = MESSAGE
    headers = [(b"content-type", kind), (b"content-length", b"%d" % len(answer))]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": answer})


def serve(port: int) -> None:
    import importlib.util

    import uvicorn

    fast = importlib.util.find_spec("httptools") and importlib.util.find_spec("uvloop")
    uvicorn.run(
        app,
        host="127.0.0.1",
        port=port,
        log_level="warning",
        access_log=False,
        http="httptools" if fast else "h11",
        loop="uvloop" if fast else "asyncio",
    )


def null_sink(request: httpx.Request) -> httpx.Response:
    body = request.content
    if request.headers.get("content-encoding") == "gzip":
        body = gzip.decompress(body)
    count = len(json.loads(body)["records"])
    return httpx.Response(202, json={"accepted": count, "duplicates": 0, "rejected": []})


Variant = tuple[str, str, Callable[[], Any]]


def variants(url: str, telemetry: Any) -> tuple[list[Variant], list[Callable[[], None]]]:
    """(name, baseline name, one call) of every variant, and what to close afterwards."""
    import anthropic
    import openai
    from agentplatform.integrations import anthropic as ap_anthropic
    from agentplatform.integrations import openai as ap_openai
    from opentelemetry.sdk.trace import TracerProvider

    messages = [
        {"role": "system", "content": "You answer in one sentence."},
        {"role": "user", "content": "What does instrumentation cost?"},
    ]

    def oai() -> openai.OpenAI:
        return openai.OpenAI(api_key="sk-bench", base_url=url + "/v1", max_retries=0)

    def chat(client: openai.OpenAI) -> Callable[[], Any]:
        return lambda: client.chat.completions.create(model="gpt-4o-mini", messages=messages)

    def stream(client: openai.OpenAI) -> Callable[[], Any]:
        def call() -> Any:
            for _ in client.chat.completions.create(
                model="gpt-4o-mini", messages=messages, stream=True
            ):
                pass

        return call

    def ant() -> anthropic.Anthropic:
        return anthropic.Anthropic(api_key="sk-bench", base_url=url, max_retries=0)

    def message(client: anthropic.Anthropic) -> Callable[[], Any]:
        return lambda: client.messages.create(
            model="claude-haiku-4-5", max_tokens=64, messages=messages[1:]
        )

    bare, plain, quiet, traced = oai(), oai(), oai(), oai()
    ap_openai.instrument(plain, telemetry)
    ap_openai.instrument(quiet, telemetry, capture_content=False)
    ap_openai.instrument(traced, telemetry, otel=True, tracer_provider=TracerProvider())
    bare_stream, plain_stream = oai(), ap_openai.instrument(oai(), telemetry)
    bare_ant, plain_ant = ant(), ap_anthropic.instrument(ant(), telemetry)
    found: list[Variant] = [
        ("openai create (bare)", "openai create (bare)", chat(bare)),
        ("openai create, instrument()", "openai create (bare)", chat(plain)),
        ("openai create, capture_content=False", "openai create (bare)", chat(quiet)),
        ("openai create, otel=True", "openai create (bare)", chat(traced)),
        ("openai stream 20 chunks (bare)", "openai stream 20 chunks (bare)", stream(bare_stream)),
        ("openai stream, instrument()", "openai stream 20 chunks (bare)", stream(plain_stream)),
        ("anthropic create (bare)", "anthropic create (bare)", message(bare_ant)),
        ("anthropic create, instrument()", "anthropic create (bare)", message(plain_ant)),
    ]
    clients = [bare, plain, quiet, traced, bare_stream, plain_stream, bare_ant, plain_ant]
    return found, [c.close for c in clients]


def measure(url: str, requests: int, rounds: int) -> dict[str, Any]:
    import agentplatform as ap
    from agentplatform.telemetry import TelemetryConfig

    client = ap.Client(
        base_url="http://telemetry.bench",
        api_key="sk_bench",
        http_client=httpx.Client(transport=httpx.MockTransport(null_sink)),
        telemetry=TelemetryConfig(service_name="bench", max_queue_size=100_000),
    )
    found, closers = variants(url, client.telemetry)
    for _, _, call in found:  # warm up: connections, caches, lazy imports
        for _ in range(30):
            call()
    walls: dict[str, list[float]] = {name: [] for name, _, _ in found}
    cpus: dict[str, list[float]] = {name: [] for name, _, _ in found}
    clock, cpu_clock = time.perf_counter, time.process_time
    shuffle = random.Random(13).shuffle  # the same orders in every run
    for _ in range(rounds):
        gc.collect()
        wall = dict.fromkeys(walls, 0.0)
        cpu = dict.fromkeys(walls, 0.0)
        for _ in range(requests):
            turn = list(found)
            shuffle(turn)  # call by call, in a new order each turn
            for name, _, call in turn:
                c0, w0 = cpu_clock(), clock()
                call()
                wall[name] += clock() - w0
                cpu[name] += cpu_clock() - c0
        for name, series in walls.items():
            series.append(wall[name] / requests * 1e6)
            cpus[name].append(cpu[name] / requests * 1e6)
    delivered = client.telemetry.flush(120)
    stats = client.telemetry.stats()
    for close in closers:
        close()
    client.close()

    def paired(series: dict[str, list[float]]) -> dict[str, float]:
        """Median over rounds of each variant's time over its baseline's in that round."""
        return {
            name: statistics.median(v / b for v, b in zip(series[name], series[base], strict=True))
            for name, base, _ in found
        }

    return {
        "us_per_call": {name: statistics.median(values) for name, values in walls.items()},
        "ratio": paired(walls),
        "cpu_us_per_call": {name: statistics.median(values) for name, values in cpus.items()},
        "cpu_ratio": paired(cpus),
        "recorded": stats.sent,
        "dropped": stats.dropped,
        "delivered": delivered,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=50, help="calls per round")
    parser.add_argument("--rounds", type=int, default=32)
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve:
        serve(args.port)
        return 0
    with health_server("bench_instrument.py", "--serve") as url:
        report = measure(url, args.requests, args.rounds)
    if args.json:
        print(json.dumps(report, indent=2))
        return 0
    print(
        f"Sequential calls to a local fake API, interleaved call by call: {args.requests} "
        f"calls x {args.rounds} rounds (medians); ratios to the bare client in the same round"
    )
    print(f"{'variant':40} {'wall µs/call':>13} {'vs bare':>8} {'CPU µs/call':>12} {'vs bare':>8}")
    for name, wall in report["us_per_call"].items():
        print(
            f"{name:40} {wall:13.1f} {report['ratio'][name]:7.3f}x "
            f"{report['cpu_us_per_call'][name]:12.1f} {report['cpu_ratio'][name]:7.3f}x"
        )
    print(
        f"\nevents recorded: {report['recorded']}, dropped: {report['dropped']}, "
        f"delivered: {report['delivered']}"
    )
    name = "openai create, instrument()"
    print(
        f"instrument() on a sequential chat completion: {ratio(report['ratio'][name], 1.0)} "
        f"wall, {ratio(report['cpu_ratio'][name], 1.0)} CPU of the bare client "
        f"(target <= {TARGET:.2f}x wall)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
