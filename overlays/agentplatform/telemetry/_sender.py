"""The send step of the exporter: a `BatchSender` delivers one batch over a transport.

The pipeline (queue, spool, retries, acknowledgements) does not know how a batch
travels; it hands each attempt to its sender and acts on the outcome:

- a `BatchResult` (what the service accepted, already had, or rejected, per record):
  the batch is settled;
- `APIConnectionError`, or an `APIStatusError` that is retryable (not 409): the same
  batch is tried again later, under the same idempotency key;
- an `APIStatusError` 413: the batch is split in halves, each under a new key;
- any other error: the batch failed for good (its records count as failed).

`HttpBatchSender` is the transport of today: a gzip JSON POST to the channel's batch
endpoint, through the client's request runner (its retries, hooks and headers apply).
"""

from __future__ import annotations

import gzip
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

import httpx
from agentplatform_api.models import BatchResult

from .._operation import Call
from ._batch import Batch, Channel

GZIP_LEVEL = 6


class BatchSender(Protocol):
    """Delivers batches of one channel (see the module doc for the outcomes)."""

    def send(self, batch: Batch) -> BatchResult:
        """One attempt at a batch: the service's answer, or an `agentplatform.errors` type."""
        ...


class AsyncBatchSender(Protocol):
    """`BatchSender` for `AsyncClient`: `send` is awaited on the client's event loop."""

    async def send(self, batch: Batch) -> BatchResult:
        """One attempt at a batch: the service's answer, or an `agentplatform.errors` type."""
        ...


class BatchEndpoint:
    """The generated batch endpoint, sending a body that is already encoded.

    The request is built by the generated `_get_kwargs` (method, URL, headers,
    idempotency key); only its JSON body is replaced by the batch's records, already
    JSON (and gzipped), so records are serialized once, not once per attempt.
    """

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


class _HttpCalls:
    def __init__(self, channel: Channel, *, compress: bool) -> None:
        self.channel = channel
        self.compress = compress
        self._endpoint = BatchEndpoint(channel)

    def call(self, batch: Batch) -> Call[BatchResult]:
        """The request for a batch (its body is built once and kept for retries)."""
        if batch.wire is None:
            raw = batch.body(self.channel.field)
            batch.wire = gzip.compress(raw, GZIP_LEVEL, mtime=0) if self.compress else raw
        return Call(
            self._endpoint,
            {
                "content": batch.wire,
                "encoding": "gzip" if self.compress else None,
                "idempotency_key": batch.key,
            },
            {},
        )


class HttpBatchSender(_HttpCalls):
    """POSTs a channel's batches with a sync runner (`Call` -> `BatchResult`)."""

    def __init__(
        self,
        channel: Channel,
        run: Callable[[Call[BatchResult]], BatchResult],
        *,
        compress: bool,
    ) -> None:
        super().__init__(channel, compress=compress)
        self._run = run

    def send(self, batch: Batch) -> BatchResult:
        """POST the batch once (the runner applies the client's own retries)."""
        return self._run(self.call(batch))


class AsyncHttpBatchSender(_HttpCalls):
    """POSTs a channel's batches with an async runner."""

    def __init__(
        self,
        channel: Channel,
        run: Callable[[Call[BatchResult]], Awaitable[BatchResult]],
        *,
        compress: bool,
    ) -> None:
        super().__init__(channel, compress=compress)
        self._run = run

    async def send(self, batch: Batch) -> BatchResult:
        """POST the batch once (the runner applies the client's own retries)."""
        return await self._run(self.call(batch))
