"""Live updates: a server-sent event each time a tenant's data changes.

The stream sends `event: change` with `{"version": n}` whenever the tenant's change
stamp differs from the last one sent (and once on connect); the page then fetches
its view again. Streams end after `STREAM_LIFETIME_S`; `EventSource` reconnects by
itself (`retry: 1000`), so a stopped sandbox never waits long for an idle page.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import Callable, Hashable
from typing import Any

from ..faults import FaultInjector
from ..state import SandboxState
from ..transport import raw_headers
from .http import SECURITY_HEADERS
from .views import faults_in_force, tenant_store

POLL_S = 0.25
STREAM_LIFETIME_S = 20.0


def change_stamp(state: SandboxState, injector: FaultInjector, tenant_id: str) -> Hashable:
    """A value that changes whenever anything the console shows of the tenant changes."""
    with state.lock:
        store = tenant_store(state, tenant_id)
        last_request = next(
            (r.request_id for r in reversed(state.requests) if r.tenant_id == tenant_id), None
        )
        return (
            last_request,
            store.ontology.version,
            len(store.entities),
            len(store.relations),
            len(store.events),
            len(store.telemetry),
            len(store.anomalies),
            tuple((j.data["status"], j.data["progress"]) for j in store.research.values()),
            tuple(
                (d.status, len(d.attempts)) for d in state.deliveries if d.tenant_id == tenant_id
            ),
            repr(faults_in_force(injector)),
        )


async def _watch_disconnect(receive: Any, gone: asyncio.Event) -> None:
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            gone.set()
            return


async def stream_changes(
    receive: Any,
    send: Any,
    stamp: Callable[[], Hashable],
    *,
    poll_s: float = POLL_S,
    lifetime_s: float = STREAM_LIFETIME_S,
) -> None:
    """Send `change` events while the client listens, for at most `lifetime_s`."""
    headers = {
        **SECURITY_HEADERS,
        "Content-Type": "text/event-stream; charset=utf-8",
        "Cache-Control": "no-store",
    }
    await send({"type": "http.response.start", "status": 200, "headers": raw_headers(headers)})
    await send({"type": "http.response.body", "body": b"retry: 1000\n\n", "more_body": True})
    gone = asyncio.Event()
    watcher = asyncio.create_task(_watch_disconnect(receive, gone))
    deadline = time.monotonic() + lifetime_s
    version = 0
    last: Hashable = object()
    try:
        while not gone.is_set() and time.monotonic() < deadline:
            current = await asyncio.to_thread(stamp)
            if current != last:
                last, version = current, version + 1
                data = json.dumps({"version": version})
                chunk = f"id: {version}\nevent: change\ndata: {data}\n\n".encode()
                await send({"type": "http.response.body", "body": chunk, "more_body": True})
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(gone.wait(), poll_s)
        if not gone.is_set():
            await send({"type": "http.response.body", "body": b"", "more_body": False})
    finally:
        watcher.cancel()
