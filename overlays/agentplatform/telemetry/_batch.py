"""Batches and how they go over the wire.

The request is built by the generated endpoint's `_get_kwargs` (method, URL, headers,
idempotency key); only its JSON body is replaced, by the batch's records already encoded
as JSON (and gzipped), so the records are serialized once, not once per attempt.
"""

from __future__ import annotations

import gzip
from collections.abc import Callable
from typing import Any

import attrs
import httpx
from agentplatform_api.api.events import ingest_event_batch
from agentplatform_api.api.telemetry import ingest_telemetry_batch
from agentplatform_api.models import AgentEventBatch, BatchResult, TelemetryBatch

from .._operation import Call, Endpoint
from ._records import Item
from ._spool import SpoolFile

GZIP_LEVEL = 6


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


class BatchEndpoint:
    """The generated batch endpoint, sending a body that is already encoded."""

    def __init__(self, channel: Channel) -> None:
        self.channel = channel

    def _get_kwargs(self, *, content: bytes, encoding: str | None, idempotency_key: str) -> Any:
        kwargs = self.channel.endpoint._get_kwargs(
            body=self.channel.empty_body(), idempotency_key=idempotency_key
        )
        kwargs.pop("json", None)
        kwargs["content"] = content
        headers = dict(kwargs.get("headers") or {})
        if encoding:
            headers["Content-Encoding"] = encoding
        kwargs["headers"] = headers
        return kwargs

    def _parse_response(self, *, client: Any, response: httpx.Response) -> Any:
        return self.channel.endpoint._parse_response(client=client, response=response)


@attrs.define(eq=False)
class Batch:
    """Records sent together under one idempotency key, kept until acknowledged.

    `first_pos` orders the batch for `flush()`: the position of its first record, or 0
    for a batch an earlier process left in the spool.
    """

    key: str
    count: int
    first_pos: int
    items: list[Item] | None = None
    lines: list[bytes] | None = None
    spool: SpoolFile | None = None
    content: bytes | None = None
    attempts: int = 0
    retry_at: float = 0.0
    replayed: bool = False
    prepared: bool = False
    finished: bool = False

    def body(self, field: str) -> bytes:
        """The JSON body: `{"<field>": [records...]}`."""
        assert self.lines is not None
        return b'{"' + field.encode() + b'":[' + b",".join(self.lines) + b"]}"

    def call(self, endpoint: BatchEndpoint, compress: bool) -> Call[BatchResult]:
        """The request for this batch (its body is built once and kept for retries)."""
        if self.content is None:
            raw = self.body(endpoint.channel.field)
            self.content = gzip.compress(raw, GZIP_LEVEL, mtime=0) if compress else raw
        return Call(
            endpoint,
            {
                "content": self.content,
                "encoding": "gzip" if compress else None,
                "idempotency_key": self.key,
            },
            {},
        )

    def forget_body(self) -> None:
        """Free the memory of a spooled batch that is not being sent now."""
        if self.spool is not None:
            self.items = None
            self.lines = None
            self.content = None
