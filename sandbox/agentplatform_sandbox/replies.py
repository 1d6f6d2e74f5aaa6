"""What handlers return: a JSON reply or a server-sent event stream."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Reply:
    """A complete HTTP response: status, JSON body (or none) and extra headers."""

    status: int
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    media_type: str = "application/json"
    raw: bytes | None = None

    def encode(self) -> bytes:
        """Serialise the body (empty for None); `raw` bytes are sent as they are."""
        if self.raw is not None:
            return self.raw
        if self.body is None:
            return b""
        return json.dumps(self.body, separators=(",", ":"), allow_nan=False).encode()


@dataclass(frozen=True)
class SseEvent:
    """One server-sent event with an integer id, an event name and JSON data."""

    id: int
    event: str
    data: Any

    def encode(self) -> bytes:
        """Serialise as `id:`, `event:` and `data:` lines and a blank line."""
        data = json.dumps(self.data, allow_nan=False)
        return f"id: {self.id}\nevent: {self.event}\ndata: {data}\n\n".encode()


@dataclass
class StreamReply:
    """A whole event stream; the transport sends the events after `Last-Event-ID`."""

    events: list[SseEvent]
    headers: dict[str, str] = field(default_factory=dict)
    status: int = 200
