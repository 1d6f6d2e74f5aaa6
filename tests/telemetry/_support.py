"""Helpers of the telemetry tests: fake senders, built events, sandbox checks."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from typing import Any

import httpx
from agentplatform._http import GENERATED_CLIENT, parse
from agentplatform.telemetry import LlmEvent, Telemetry, TelemetryConfig, TelemetryEventBuilder
from agentplatform_api.models import BatchResult
from agentplatform_sandbox import Sandbox

TELEMETRY_PATH = "/v1/telemetry/batch"
FAST_RETRIES = {"retry_initial_delay": 0.001, "retry_max_delay": 0.005}


def event(model: str = "gpt-4o-mini", **metadata: Any) -> LlmEvent:
    """A small valid LLM event."""
    builder = (
        TelemetryEventBuilder(service="svc", model=model)
        .prompt("What is our refund policy?", tokens=7)
        .response("30 days.", tokens=3, finish_reason="stop")
        .latency(12.5)
        .cost(0.0002)
    )
    if metadata:
        builder.metadata(metadata)
    return builder.build()


def accepted_ids(sandbox: Sandbox) -> list[str]:
    """The event ids the sandbox accepted, in arrival order."""
    return sandbox.state.telemetry_event_ids()


def assert_exactly_once(sandbox: Sandbox, expected: list[str]) -> None:
    """Every expected id was accepted once, none is missing, none is extra."""
    ids = accepted_ids(sandbox)
    repeats = {i: n for i, n in Counter(ids).items() if n > 1}
    assert not repeats, f"accepted more than once: {list(repeats)[:5]}"
    missing = set(expected) - set(ids)
    assert not missing, f"{len(missing)} of {len(expected)} never accepted"
    assert len(ids) == len(expected)


def result(accepted: int, duplicates: int = 0, rejected: list[Any] | None = None) -> BatchResult:
    return BatchResult.from_dict(
        {"accepted": accepted, "duplicates": duplicates, "rejected": rejected or []}
    )


class FakeSender:
    """Stands in for `SyncRunner.run`: records each call and answers with a script.

    Each answer is a BatchResult, an exception to raise, or a callable of the call.
    Without a scripted answer every record is accepted. `gate` (when cleared) holds the
    exporter inside a send, to simulate a stuck service.
    """

    def __init__(self, answers: list[Any] | None = None) -> None:
        self.answers = list(answers or [])
        self.calls: list[dict[str, Any]] = []
        self.gate = threading.Event()
        self.gate.set()
        self.entered = threading.Event()
        self.lock = threading.Lock()

    def __call__(self, call: Any) -> Any:
        self.entered.set()
        self.gate.wait()
        body = decode(call)
        with self.lock:
            self.calls.append({"key": call.kwargs["idempotency_key"], "body": body, "call": call})
            answer = self.answers.pop(0) if self.answers else None
        if isinstance(answer, BaseException):
            raise answer
        if callable(answer):
            answer = answer(call, body)
        with self.lock:
            self.calls[-1]["ok"] = True
        if answer is None:
            return result(len(body[next(iter(body))]))
        return answer

    @property
    def records(self) -> list[dict[str, Any]]:
        """Records of every request, failed attempts included."""
        return [r for c in self.calls for r in c["body"][next(iter(c["body"]))]]

    @property
    def delivered(self) -> list[dict[str, Any]]:
        """Records of the requests that were answered."""
        return [r for c in self.calls if c.get("ok") for r in c["body"][next(iter(c["body"]))]]


class AsyncFakeSender(FakeSender):
    """The async twin of `FakeSender` (the gate is polled, not awaited)."""

    async def __call__(self, call: Any) -> Any:  # type: ignore[override]
        import asyncio

        self.entered.set()
        while not self.gate.is_set():  # noqa: ASYNC110 - the gate is a threading.Event
            await asyncio.sleep(0.001)
        return FakeSender.__call__(self, call)


def decode(call: Any) -> dict[str, Any]:
    """The JSON body of a batch call (gunzipped when needed)."""
    import gzip
    import json

    content = call.kwargs["content"]
    if call.kwargs.get("encoding") == "gzip":
        content = gzip.decompress(content)
    body: dict[str, Any] = json.loads(content)
    return body


def parse_batch(call: Any, response: httpx.Response) -> Any:
    """Parse a response the way the runner does."""
    return parse(call, response)


Answer = Callable[[Any, dict[str, Any]], Any]
__all__ = ["GENERATED_CLIENT", "TELEMETRY_PATH"]


def child_env(sandbox: Sandbox) -> dict[str, str]:
    """The environment of a client child process that talks to the sandbox."""
    import os

    env = dict(os.environ)
    env.update(AGENTPLATFORM_BASE_URL=sandbox.url, AGENTPLATFORM_API_KEY=sandbox.api_key)
    return env


def segments(spool_dir: Any, channel: str = "telemetry") -> list[Any]:
    """The spool segment files of a channel, oldest first."""
    from pathlib import Path

    return sorted((Path(spool_dir) / channel).glob("*.spool"))


def frames_on_disk(spool_dir: Any, channel: str = "telemetry") -> int:
    """Whole record frames in a channel's segment files (what a crash would leave)."""
    from agentplatform.telemetry import _frames

    total = 0
    for path in segments(spool_dir, channel):
        with path.open("rb") as file:
            file.readline()
            limit = path.stat().st_size
            while _frames.read(file, limit) is not None:
                total += 1
    return total


def logged_keys(spool_dir: Any) -> set[str]:
    """Idempotency keys the spool logs say were sent (or are being sent)."""
    from pathlib import Path

    keys = set()
    for log in Path(spool_dir).glob("*/*.ack"):
        for line in log.read_text().splitlines():
            parts = line.split()
            if len(parts) == 4 and parts[0] == "send":
                keys.add(parts[3])
    return keys


def refuse_writes(segment: Any) -> None:
    """Make the disk refuse every later append to `segment`: its reserved, mapped space
    is given back and its descriptor becomes read-only (as a full or failing disk)."""
    import os

    segment.release_reserve()
    os.close(segment.fd)
    segment.fd = os.open(segment.path, os.O_RDONLY)


def make(sender: FakeSender, **options: Any) -> Telemetry:
    """A sync pipeline over `sender`: service `svc` and fast retries unless given."""
    settings = {"service_name": "svc", **FAST_RETRIES, **options}
    return Telemetry(sender, TelemetryConfig(**settings))


def exporter_threads() -> list[threading.Thread]:
    """The SDK's exporter threads now alive."""
    return [t for t in threading.enumerate() if t.name.startswith("agentplatform-")]
