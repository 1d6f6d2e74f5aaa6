"""A minimal, fast local HTTP server for the request benchmarks: `GET /v1/health` → Health.

A raw ASGI app under uvicorn (httptools and uvloop when installed), one process, no
logging, so the clients' own overhead is what differs between the measured variants.
Idle connections are kept for --keep-alive seconds (75 by default, nginx's value): with
uvicorn's 5 s, pooled connections race the server's close under high concurrency.

    python bench/server.py --port 8765 [--keep-alive 75]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
from collections.abc import Awaitable, Callable
from typing import Any

import uvicorn

BODY = json.dumps({"status": "ok", "version": "1.0.0", "uptime_s": 3600.5}).encode()
HEADERS = [
    (b"content-type", b"application/json"),
    (b"content-length", str(len(BODY)).encode()),
    (b"x-request-id", b"req_bench"),
]
NOT_FOUND = b'{"type":"about:blank","title":"Not Found","status":404}'

Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]


async def app(scope: dict[str, Any], receive: Receive, send: Send) -> None:
    if scope["type"] != "http":
        return
    if scope["path"] == "/v1/health":
        await send({"type": "http.response.start", "status": 200, "headers": HEADERS})
        await send({"type": "http.response.body", "body": BODY})
        return
    await send(
        {
            "type": "http.response.start",
            "status": 404,
            "headers": [(b"content-type", b"application/problem+json")],
        }
    )
    await send({"type": "http.response.body", "body": NOT_FOUND})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--keep-alive", type=float, default=75.0, help="idle seconds kept")
    args = parser.parse_args()
    fast = importlib.util.find_spec("httptools") and importlib.util.find_spec("uvloop")
    uvicorn.run(
        app,
        host="127.0.0.1",
        port=args.port,
        log_level="warning",
        access_log=False,
        http="httptools" if fast else "h11",
        loop="uvloop" if fast else "asyncio",
        backlog=4096,
        timeout_keep_alive=args.keep_alive,
    )


if __name__ == "__main__":
    main()
