"""`RawResponse`: a parsed value together with the HTTP details it came with."""

from __future__ import annotations

from typing import Generic, TypeVar

import httpx

from . import _transport

T = TypeVar("T")


class RawResponse(Generic[T]):
    """What `client.with_raw_response.<resource>.<call>(...)` returns.

    Attributes:
        parsed: the same typed value the plain call returns.
        status_code: the HTTP status.
        headers: the response headers.
        request_id: the `X-Request-ID` of the final attempt.
        request_ids: the request ids of every attempt, retries included.
        attempts: how many attempts were made.
        http_response: the underlying `httpx.Response` (its body already read).
    """

    __slots__ = ("http_response", "parsed")

    def __init__(self, http_response: httpx.Response, parsed: T) -> None:
        self.http_response = http_response
        self.parsed = parsed

    def parse(self) -> T:
        """The typed value (the same as `.parsed`)."""
        return self.parsed

    @property
    def status_code(self) -> int:
        """The HTTP status code."""
        return self.http_response.status_code

    @property
    def headers(self) -> httpx.Headers:
        """The response headers."""
        return self.http_response.headers

    @property
    def request_id(self) -> str | None:
        """The `X-Request-ID` of the response."""
        value: str | None = self.http_response.headers.get("x-request-id")
        return value

    @property
    def request_ids(self) -> list[str]:
        """Request ids of every attempt, oldest first."""
        return list(self.http_response.extensions.get(_transport.REQUEST_IDS_EXTENSION, []))

    @property
    def attempts(self) -> int:
        """How many attempts the call took (1 when nothing was retried)."""
        return int(self.http_response.extensions.get(_transport.ATTEMPTS_EXTENSION, 1))

    def __repr__(self) -> str:
        return f"<RawResponse {self.status_code} request_id={self.request_id!r}>"
