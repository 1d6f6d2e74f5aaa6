"""Retries as httpx transports (sync and async), so every endpoint gets them.

Every POST gets an `Idempotency-Key` (kept across retries). Connection errors, timeouts
and the retryable statuses are retried with full-jitter backoff or the server's
`Retry-After`, within the attempt limit and the client's retry budget. Each attempt is
logged, and the request ids of all attempts are left in `response.extensions`.
"""

from __future__ import annotations

import ssl
import time
import uuid
from collections.abc import AsyncIterator, Iterator

import httpx

from . import _retry
from ._logging import log_attempt, log_not_retried

# Patched by tests so that no test waits for real.
sleep = time.sleep


async def async_sleep(seconds: float) -> None:
    """`asyncio.sleep`, imported on first use so sync-only programs never load asyncio."""
    import asyncio

    await asyncio.sleep(seconds)


MAX_RETRIES_EXTENSION = "agentplatform.max_retries"
ATTEMPTS_EXTENSION = "agentplatform.attempts"
REQUEST_IDS_EXTENSION = "agentplatform.request_ids"


class RetryPolicy:
    """The retry rules one client applies: attempt limit, budget (None: none) and backoff."""

    def __init__(self, max_retries: int, budget: _retry.RetryBudget | None) -> None:
        self.max_retries = max_retries
        self.budget = budget

    def retries_for(self, request: httpx.Request) -> int:
        """The attempt limit for this request (a per-call override wins)."""
        value = request.extensions.get(MAX_RETRIES_EXTENSION)
        return self.max_retries if value is None else int(value)

    def delay_after_response(self, response: httpx.Response, retry_number: int) -> float | None:
        """Seconds to wait before retrying, or None when the response is final."""
        if not _retry.should_retry_status(response):
            return None
        wait = _retry.retry_after_seconds(response.headers)
        if wait is None:
            return _retry.backoff_delay(retry_number)
        if wait > _retry.MAX_RETRY_AFTER_S:
            return None
        return wait

    def after_response(
        self,
        request: httpx.Request,
        response: httpx.Response,
        attempt: int,
        started: float,
        request_ids: list[str],
    ) -> float | None:
        """Record and log an attempt's response; the wait before retrying, or None if final."""
        request_id = response.headers.get("x-request-id")
        if request_id:
            request_ids.append(request_id)
        log_attempt(request, attempt, started, response=response)
        delay = self.delay_after_response(response, attempt)
        if delay is None or not self.may_retry(request, attempt):
            if response.status_code < 400 and self.budget is not None:
                self.budget.record_success()
            response.extensions[ATTEMPTS_EXTENSION] = attempt + 1
            response.extensions[REQUEST_IDS_EXTENSION] = request_ids
            return None
        return delay

    def may_retry(
        self, request: httpx.Request, retry_number: int, *, network_error: bool = False
    ) -> bool:
        """Whether another attempt is allowed: limit, replayable body, and budget.

        `network_error`: the attempt failed without a response (a timeout or a connection
        error), which costs the budget more than an error response.
        """
        if retry_number >= self.retries_for(request):
            return False
        if not _retry.is_replayable(request):
            log_not_retried(request, "the body was a one-shot stream")
            return False
        if self.budget is not None and not self.budget.try_spend(network_error=network_error):
            log_not_retried(
                request,
                f"the client's retry budget is exhausted ({self.budget!r}); "
                "pass Client(retry_budget=...) to change it, or None to turn it off",
            )
            return False
        return True


def prepare(request: httpx.Request) -> None:
    """Give a POST its idempotency key once, before the first attempt."""
    if request.method == "POST" and "idempotency-key" not in request.headers:
        request.headers["Idempotency-Key"] = str(uuid.uuid4())


def network_error(exc: OSError, request: httpx.Request) -> httpx.TransportError:
    """The httpx error for an `OSError` a transport let through.

    httpcore's anyio backend passes TLS alerts raised while reading (`ssl.SSLError`, e.g.
    a server demanding a client certificate) through unmapped.
    """
    message = f"{type(exc).__name__}: {exc}"
    if isinstance(exc, ssl.SSLError):
        return httpx.ConnectError(message, request=request)
    return httpx.ReadError(message, request=request)


BUFFERED = httpx.ByteStream


def _buffers(response: httpx.Response) -> bool:
    """Whether the body is read inside the retry loop (all but event streams).

    Reading it here means a connection dropped or stalled in the middle of a body is
    retried like any other network failure, and the connection goes back to the pool.
    """
    if isinstance(response.stream, BUFFERED):
        return False  # already in memory (e.g. from httpx.MockTransport)
    return "text/event-stream" not in response.headers.get("content-type", "")


def _read_all(response: httpx.Response) -> httpx.Response:
    """The response with its raw (still encoded) body read into memory.

    The body is read from the transport's stream itself, and the response keeps its
    headers and extensions with the bytes as its stream: no second response is built.
    """
    stream = response.stream
    if not isinstance(stream, httpx.SyncByteStream):
        raise RuntimeError("Attempted to call a sync iterator on an async stream.")
    try:
        raw = b"".join(stream)
    finally:
        stream.close()
    response.stream = httpx.ByteStream(raw)
    return response


async def _aread_all(response: httpx.Response) -> httpx.Response:
    """The async twin of `_read_all`."""
    stream = response.stream
    if not isinstance(stream, httpx.AsyncByteStream):
        raise RuntimeError("Attempted to call an async iterator on a sync stream.")
    try:
        raw = b"".join([chunk async for chunk in stream])
    finally:
        await stream.aclose()
    response.stream = httpx.ByteStream(raw)
    return response


class _NetworkErrors(httpx.SyncByteStream):
    """A response body stream whose `OSError`s become httpx errors (see `network_error`)."""

    def __init__(self, inner: httpx.SyncByteStream, request: httpx.Request) -> None:
        self._inner = inner
        self._request = request

    def __iter__(self) -> Iterator[bytes]:
        try:
            yield from self._inner
        except OSError as exc:
            raise network_error(exc, self._request) from exc

    def close(self) -> None:
        self._inner.close()


class _AsyncNetworkErrors(httpx.AsyncByteStream):
    """A response body stream whose `OSError`s become httpx errors (see `network_error`)."""

    def __init__(self, inner: httpx.AsyncByteStream, request: httpx.Request) -> None:
        self._inner = inner
        self._request = request

    async def __aiter__(self) -> AsyncIterator[bytes]:
        try:
            async for chunk in self._inner:
                yield chunk
        except OSError as exc:
            raise network_error(exc, self._request) from exc

    async def aclose(self) -> None:
        await self._inner.aclose()


class RetryTransport(httpx.BaseTransport):
    """Wraps a transport with retries, idempotency keys and per-attempt logging."""

    def __init__(self, inner: httpx.BaseTransport, policy: RetryPolicy) -> None:
        self.inner = inner
        self.policy = policy

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        budget = self.policy.budget
        if budget is None:
            return self._attempts(request)
        budget.begin_call()
        try:
            return self._attempts(request)
        finally:
            budget.end_call()

    def _attempts(self, request: httpx.Request) -> httpx.Response:
        prepare(request)
        request_ids: list[str] = []
        attempt = 0
        while True:
            started = time.perf_counter()
            try:
                try:
                    response = self.inner.handle_request(request)
                    if _buffers(response):
                        response = _read_all(response)
                except OSError as exc:
                    raise network_error(exc, request) from exc
            except httpx.TransportError as exc:
                log_attempt(request, attempt, started, error=exc)
                if not self.policy.may_retry(request, attempt, network_error=True):
                    raise
                sleep(_retry.backoff_delay(attempt))
                attempt += 1
                continue
            delay = self.policy.after_response(request, response, attempt, started, request_ids)
            if delay is None:
                stream = response.stream
                if isinstance(stream, httpx.SyncByteStream) and not isinstance(stream, BUFFERED):
                    response.stream = _NetworkErrors(stream, request)
                return response
            response.close()
            sleep(delay)
            attempt += 1

    def close(self) -> None:
        self.inner.close()


class AsyncRetryTransport(httpx.AsyncBaseTransport):
    """The async twin of `RetryTransport`."""

    def __init__(self, inner: httpx.AsyncBaseTransport, policy: RetryPolicy) -> None:
        self.inner = inner
        self.policy = policy

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        budget = self.policy.budget
        if budget is None:
            return await self._attempts(request)
        budget.begin_call()
        try:
            return await self._attempts(request)
        finally:
            budget.end_call()

    async def _attempts(self, request: httpx.Request) -> httpx.Response:
        prepare(request)
        request_ids: list[str] = []
        attempt = 0
        while True:
            started = time.perf_counter()
            try:
                try:
                    response = await self.inner.handle_async_request(request)
                    if _buffers(response):
                        response = await _aread_all(response)
                except OSError as exc:
                    raise network_error(exc, request) from exc
            except httpx.TransportError as exc:
                log_attempt(request, attempt, started, error=exc)
                if not self.policy.may_retry(request, attempt, network_error=True):
                    raise
                await async_sleep(_retry.backoff_delay(attempt))
                attempt += 1
                continue
            delay = self.policy.after_response(request, response, attempt, started, request_ids)
            if delay is None:
                stream = response.stream
                if isinstance(stream, httpx.AsyncByteStream) and not isinstance(stream, BUFFERED):
                    response.stream = _AsyncNetworkErrors(stream, request)
                return response
            await response.aclose()
            await async_sleep(delay)
            attempt += 1

    async def aclose(self) -> None:
        await self.inner.aclose()
