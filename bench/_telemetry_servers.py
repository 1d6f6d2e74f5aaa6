"""The servers the telemetry benchmarks send to, each in a child process (its own GIL):
the sandbox, and a null sink that accepts every record and stores nothing.

    python bench/_telemetry_servers.py --serve-sink PORT    (what `sink_process` runs)
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from _common import ROOT, free_port

SANDBOX_KEY = "sk_test_sandbox_0000"


async def sink_app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    """A null batch endpoint: accepts every record of a (gzip) batch, stores nothing."""
    if scope["type"] != "http":
        return
    chunks = []
    more = True
    while more:
        message = await receive()
        chunks.append(message.get("body", b""))
        more = message.get("more_body", False)
    body = b"".join(chunks)
    if (b"content-encoding", b"gzip") in scope["headers"]:
        body = gzip.decompress(body)
    data = json.loads(body)
    count = len(data.get("records") or data.get("events") or [])
    answer = json.dumps({"accepted": count, "duplicates": 0, "rejected": []}).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(answer))]
    await send({"type": "http.response.start", "status": 202, "headers": headers})
    await send({"type": "http.response.body", "body": answer})


def serve_sink(port: int) -> None:
    import uvicorn

    uvicorn.run(sink_app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")


def sandbox_process() -> Any:
    """A sandbox in a child process; yields its base URL."""
    return child_server(
        ["-m", "agentplatform_sandbox", "--log-level", "warning", "--rate-limit", "100000000"],
        port_flag="--port",
    )


def sink_process() -> Any:
    """The null sink in a child process; yields its base URL."""
    return child_server([str(Path(__file__).resolve())], port_flag="--serve-sink")


@contextmanager
def child_server(command: list[str], *, port_flag: str) -> Iterator[str]:
    """Run a server in a child process (its own GIL) on a free port; yield its base URL."""
    port = free_port()
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        [str(ROOT / "sandbox"), str(ROOT / "overlays"), str(ROOT / "generated")]
        + ([env["PYTHONPATH"]] if env.get("PYTHONPATH") else [])
    )
    child = subprocess.Popen(
        [sys.executable, *command, port_flag, str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                    break
            except OSError:
                if time.monotonic() > deadline or child.poll() is not None:
                    raise SystemExit("the sandbox did not start") from None
                time.sleep(0.05)
        yield url
    finally:
        child.terminate()
        child.wait(10)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="The null sink of the telemetry benchmarks.")
    parser.add_argument("--serve-sink", type=int, required=True, help="the port to serve on")
    serve_sink(parser.parse_args(argv).serve_sink)


if __name__ == "__main__":
    main()
