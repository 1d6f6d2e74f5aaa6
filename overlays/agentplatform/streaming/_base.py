"""`StreamBase`: the state and read-only surface the sync and async chat streams share."""

from __future__ import annotations

from collections import deque

import httpx
from agentplatform_api.models import ChatResponse

from ..errors import AgentPlatformError, StreamError
from ._events import ChatStreamEvent
from ._session import Session

__all__ = ["StreamBase"]

_CLOSED_EARLY = (
    "The stream was closed before its message.completed event arrived; read it to the end "
    "(or call final_response()) before leaving the with-block or breaking out of the loop."
)


class StreamBase:
    """What `ChatStream` and `AsyncChatStream` have in common: no I/O here."""

    def __init__(self, session: Session) -> None:
        self._session = session
        self._response: httpx.Response | None = None
        self._pending: deque[ChatStreamEvent] = deque()
        self._error: AgentPlatformError | None = None
        self._closed = False

    @property
    def request_id(self) -> str | None:
        """The `X-Request-ID` of the latest connection (None before the request is sent)."""
        return self._session.request_id

    @property
    def request_ids(self) -> list[str]:
        """The request ids of every connection, the first one and each resume."""
        return list(self._session.request_ids)

    @property
    def response(self) -> httpx.Response | None:
        """The `httpx.Response` of the current connection, if one is open."""
        return self._response

    @property
    def last_event_id(self) -> str:
        """The id of the last event delivered: where a resume starts."""
        return self._session.last_id

    @property
    def resumes(self) -> int:
        """How many times the stream was resumed after a dropped connection."""
        return max(0, self._session.connections - 1)

    @property
    def closed(self) -> bool:
        """Whether the stream is closed (completed, failed, or closed early)."""
        return self._closed

    def _final(self) -> ChatResponse:
        if self._session.completed is None:  # closed while being read
            raise StreamError(_CLOSED_EARLY)
        return self._session.completed

    def _check_open(self) -> None:
        if self._error is not None:
            raise self._error
        if self._closed and self._session.completed is None:
            raise StreamError(_CLOSED_EARLY)
