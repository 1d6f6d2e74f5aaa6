"""Writing replies and event streams to an ASGI `send`."""

from __future__ import annotations

import asyncio
from typing import Any

from .faults import drop_connection
from .problems import FieldError, validation_error
from .replies import Reply, StreamReply


def raw_headers(headers: dict[str, str]) -> list[tuple[bytes, bytes]]:
    """ASGI header pairs."""
    return [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers.items()]


def parse_last_event_id(raw: str | None) -> int:
    """The event id to resume after (0: from the start); 400 when it is not one."""
    if raw is None:
        return 0
    try:
        value = int(raw.strip())
    except ValueError:
        value = -1
    if value < 0:
        raise validation_error(
            [FieldError("Last-Event-ID", "must be a non-negative event id")], status=400
        )
    return value


async def send_reply(send: Any, reply: Reply, headers: dict[str, str]) -> None:
    """Send a whole response."""
    payload = reply.encode()
    headers = dict(headers)
    if payload:
        headers["Content-Type"] = reply.media_type
    headers["Content-Length"] = str(len(payload))
    await send(
        {"type": "http.response.start", "status": reply.status, "headers": raw_headers(headers)}
    )
    await send({"type": "http.response.body", "body": payload})


async def send_stream(
    send: Any,
    reply: StreamReply,
    headers: dict[str, str],
    *,
    resume_after: int,
    cut_after: int | None,
    delay_s: float,
) -> None:
    """Send the events after `resume_after`; drop the connection after `cut_after` of them."""
    headers = {
        **headers,
        "Content-Type": "text/event-stream; charset=utf-8",
        "Cache-Control": "no-cache",
    }
    await send(
        {"type": "http.response.start", "status": reply.status, "headers": raw_headers(headers)}
    )
    pending = [event for event in reply.events if event.id > resume_after]
    for sent, event in enumerate(pending):
        if cut_after is not None and sent >= cut_after:
            await drop_connection(send)
            return
        await send({"type": "http.response.body", "body": event.encode(), "more_body": True})
        if delay_s > 0:
            await asyncio.sleep(delay_s)
    await send({"type": "http.response.body", "body": b"", "more_body": False})
