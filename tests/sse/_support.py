"""Helpers of the SSE tests: expected events, parsing whole streams, chunkings."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator, Iterable, Sequence

from agentplatform.sse import (
    ServerSentEvent,
    iter_events,
)

BOM = b"\xef\xbb\xbf"


def ev(
    data: str, event: str = "message", id: str = "", retry: int | None = None
) -> ServerSentEvent:
    return ServerSentEvent(event, data, id, retry)


def parse(stream: bytes | Sequence[bytes]) -> list[ServerSentEvent]:
    chunks = [stream] if isinstance(stream, bytes) else stream
    return list(iter_events(chunks))


def split_at(data: bytes, points: Iterable[int]) -> list[bytes]:
    cuts = sorted({p for p in points if 0 < p < len(data)})
    edges = [0, *cuts, len(data)]
    return [data[a:b] for a, b in itertools.pairwise(edges)]


async def agen(chunks: Iterable[bytes]) -> AsyncIterator[bytes]:
    """Yield each chunk, letting the event loop run between them."""
    for chunk in chunks:
        await asyncio.sleep(0)
        yield chunk
