"""Throughput of `agentplatform.sse` against the SSE decoders of httpx-sse and openai.

Every decoder gets the same bytes (a realistic chat-delta stream) in the same chunks;
the script checks that all of them find the same events, then prints MB/s (best of
N runs) and each one's ratio to the fastest peer.

    python bench/bench_sse.py [--size-mb 20] [--chunk-size 65536] [--runs 5] [--crlf]

Needs the bench extra (``pip install httpx-sse openai``). Run it from the repository
root, or with ``PYTHONPATH=overlays:generated`` when the package is not installed.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

_ROOT = Path(__file__).resolve().parent.parent
for _path in (_ROOT / "generated", _ROOT / "overlays"):
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

from agentplatform.sse import SSEDecoder, iter_events  # noqa: E402

_WORDS = (
    " the", " a", " of", " model", " graph", " entity", " token", "ing", ",", ".",
    " memory", " query", " agent", " café", " naïve", " 東京", " 🚀", "\\n", ' "ok"', " is",
)  # fmt: skip


def build_stream(size: int, line_end: str, seed: int = 7) -> bytes:
    """About `size` bytes of chat-delta events, as a streaming chat endpoint sends them."""
    rng = random.Random(seed)
    parts: list[str] = []
    total = 0
    n = 0
    while total < size:
        n += 1
        if n % 200 == 0:
            # A keep-alive comment inside an event (a comment with its own blank
            # line would make httpx-sse and openai emit an empty event).
            parts.append(f": keep-alive{line_end}")
        delta = {"type": "message.delta", "index": n, "delta": {"text": rng.choice(_WORDS)}}
        event = (
            f"id: {n}{line_end}"
            f"event: message.delta{line_end}"
            f"data: {json.dumps(delta, ensure_ascii=False)}{line_end}{line_end}"
        )
        parts.append(event)
        total += len(event.encode())
    done = {"type": "message.completed", "index": n + 1}
    parts.append(f"id: {n + 1}{line_end}event: message.completed{line_end}")
    parts.append(f"data: {json.dumps(done)}{line_end}{line_end}")
    return "".join(parts).encode()


def chunked(data: bytes, size: int) -> list[bytes]:
    return [data[i : i + size] for i in range(0, len(data), size)]


# --- the decoders, each as its library runs it over a response body --------------------


def ours_iter_events(chunks: Iterable[bytes]) -> Iterator[Any]:
    return iter_events(chunks)


def ours_feed(chunks: Iterable[bytes]) -> Iterator[Any]:
    decoder = SSEDecoder()
    for chunk in chunks:
        yield from decoder.feed(chunk)
    yield from decoder.close()


def httpx_sse_events(chunks: Iterable[bytes]) -> Iterator[Any]:
    """httpx-sse's `EventSource.iter_sse` minus the network.

    It runs `response.iter_text()` (httpx's incremental UTF-8 `TextDecoder`, chunk
    size None), its own `SSELineDecoder` (CR, LF, CRLF only) and `SSEDecoder.decode`
    once per line, as `httpx_sse._api._iter_sse_lines` and `iter_sse` do.
    """
    from httpx._decoders import TextDecoder
    from httpx_sse._decoders import SSEDecoder as PeerDecoder
    from httpx_sse._decoders import SSELineDecoder

    def iter_text() -> Iterator[str]:
        decoder = TextDecoder(encoding="utf-8")
        for chunk in chunks:
            text = decoder.decode(chunk)
            if text:
                yield text
        text = decoder.flush()
        if text:
            yield text

    def iter_sse_lines() -> Iterator[str]:
        decoder = SSELineDecoder()
        for text in iter_text():
            yield from decoder.decode(text)
        yield from decoder.flush()

    decoder = PeerDecoder()
    for raw_line in iter_sse_lines():
        sse = decoder.decode(raw_line.rstrip("\n"))
        if sse is not None:
            yield sse


def httpx_linedecoder_events(chunks: Iterable[bytes]) -> Iterator[Any]:
    """httpx-sse before 0.4.2: `response.iter_lines()` (httpx's `LineDecoder`, which
    also splits on the other `str.splitlines` separators) feeding `SSEDecoder.decode`."""
    from httpx._decoders import LineDecoder, TextDecoder
    from httpx_sse._decoders import SSEDecoder as PeerDecoder

    def iter_lines() -> Iterator[str]:
        text_decoder = TextDecoder(encoding="utf-8")
        line_decoder = LineDecoder()
        for chunk in chunks:
            text = text_decoder.decode(chunk)
            if text:
                yield from line_decoder.decode(text)
        text = text_decoder.flush()
        if text:
            yield from line_decoder.decode(text)
        yield from line_decoder.flush()

    decoder = PeerDecoder()
    for raw_line in iter_lines():
        sse = decoder.decode(raw_line.rstrip("\n"))
        if sse is not None:
            yield sse


def openai_events(chunks: Iterable[bytes]) -> Iterator[Any]:
    """openai's `Stream._iter_events`: `SSEDecoder().iter_bytes(response.iter_bytes())`."""
    from openai._streaming import SSEDecoder as PeerDecoder

    return PeerDecoder().iter_bytes(iter(chunks))


DecoderFn = Callable[[Iterable[bytes]], Iterator[Any]]

OURS: dict[str, DecoderFn] = {
    "agentplatform iter_events": ours_iter_events,
    "agentplatform SSEDecoder.feed": ours_feed,
}
PEERS: dict[str, DecoderFn] = {
    "httpx-sse (iter_sse)": httpx_sse_events,
    "httpx-sse on httpx LineDecoder": httpx_linedecoder_events,
    "openai (SSEDecoder.iter_bytes)": openai_events,
}


def run_once(fn: DecoderFn, chunks: list[bytes]) -> tuple[float, int, Any]:
    start = time.perf_counter()
    count = 0
    last = None
    for event in fn(chunks):
        count += 1
        last = event
    return time.perf_counter() - start, count, last


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=float, default=20.0, help="stream size (MB)")
    parser.add_argument("--chunk-size", type=int, default=65536, help="chunk size (bytes)")
    parser.add_argument("--runs", type=int, default=5, help="runs per decoder; best counts")
    parser.add_argument("--crlf", action="store_true", help="end lines with CRLF, not LF")
    args = parser.parse_args(argv)

    data = build_stream(int(args.size_mb * 1_000_000), "\r\n" if args.crlf else "\n")
    chunks = chunked(data, args.chunk_size)
    megabytes = len(data) / 1_000_000
    print(
        f"stream: {megabytes:.1f} MB, {len(chunks)} chunks of {args.chunk_size} bytes, "
        f"{'CRLF' if args.crlf else 'LF'} line ends, best of {args.runs} runs; "
        f"Python {sys.version.split()[0]}"
    )

    decoders = {**OURS, **PEERS}
    best: dict[str, float] = {}
    counts: dict[str, int] = {}
    lasts: dict[str, tuple[str | None, str, str | None]] = {}
    for _ in range(args.runs):  # interleaved, so drift in machine load hits all alike
        for name, fn in decoders.items():
            seconds, count, last = run_once(fn, chunks)
            best[name] = min(best.get(name, seconds), seconds)
            counts[name] = count
            lasts[name] = (last.event, last.data, last.id)

    if len(set(counts.values())) != 1 or len(set(lasts.values())) != 1:
        print(f"MISMATCH: event counts {counts}, last events {lasts}", file=sys.stderr)
        return 1
    events = next(iter(counts.values()))

    fastest_peer = min(best[name] for name in PEERS)
    print(f"events: {events} (every decoder agrees, also on the last event)\n")
    print(f"{'decoder':34} {'MB/s':>8} {'events/s':>11} {'vs fastest peer':>16}")
    for name in decoders:
        seconds = best[name]
        print(
            f"{name:34} {megabytes / seconds:8.1f} {events / seconds:11,.0f} "
            f"{fastest_peer / seconds:15.2f}x"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
