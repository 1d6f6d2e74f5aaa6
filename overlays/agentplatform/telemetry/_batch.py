"""Channels (what kind of record goes where) and batches (records sent together)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import attrs
from agentplatform_api.api.events import ingest_event_batch
from agentplatform_api.api.telemetry import ingest_telemetry_batch
from agentplatform_api.models import AgentEventBatch, TelemetryBatch

from .._operation import Endpoint
from ._records import Item
from ._segment import Segment


@attrs.frozen
class Channel:
    """One kind of buffered record and the batch endpoint that takes it."""

    name: str
    endpoint: Endpoint
    field: str
    empty_body: Callable[[], Any]


TELEMETRY = Channel(
    "telemetry", ingest_telemetry_batch, "records", lambda: TelemetryBatch(records=[])
)
EVENTS = Channel("events", ingest_event_batch, "events", lambda: AgentEventBatch(events=[]))


@attrs.define(eq=False)
class Batch:
    """Records sent together under one idempotency key, kept until settled.

    A batch comes from memory (`items`, encoded to `lines` by the exporter) or from a
    spool segment: the frames in [`start`, `end`) of `segment`, read into `lines` before
    the first attempt (at most `max_frames` frames before `limit`); `marks` holds, per
    line, the end of its frame and the frames up to it (to split the range), and `logged`
    the key its `send` was logged under. `first_pos` orders
    the batch for `flush()`: the position of its first record, 0 for records another
    process left. `wire` is the sender's encoded request, kept for retries.
    """

    key: str
    count: int
    first_pos: int
    items: list[Item] | None = None
    lines: list[bytes] | None = None
    segment: Segment | None = None
    start: int = 0
    end: int = 0
    limit: int = 0
    frames: int = 0
    max_frames: int | None = None
    marks: list[tuple[int, int]] = attrs.Factory(list)
    logged: str | None = None
    wire: Any = None
    attempts: int = 0
    retry_at: float = 0.0
    replayed: bool = False
    prepared: bool = False
    finished: bool = False

    def body(self, field: str) -> bytes:
        """The JSON body: `{"<field>": [records...]}`."""
        assert self.lines is not None
        return b'{"' + field.encode() + b'":[' + b",".join(self.lines) + b"]}"
