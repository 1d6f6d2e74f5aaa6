"""The exceptions raised to users: every failure is one of these.

```
AgentPlatformError
├── APIConnectionError            network failure, after retries
│   └── APITimeoutError
├── APIStatusError                status_code, request_id, problem, retryable
│   ├── BadRequestError 400, AuthenticationError 401, PermissionDeniedError 403,
│   ├── NotFoundError 404, ConflictError 409, UnprocessableEntityError 422,
│   └── RateLimitError 429 (retry_after), InternalServerError >= 500
├── APIResponseValidationError    the server's body does not match the spec
│   └── SSEProtocolError          a broken event stream (agentplatform.sse)
├── StreamError                   an error event inside a stream
├── ResearchFailedError           research.wait: the job failed (job, problem)
├── WaitTimeoutError              research.wait: not finished in time (also TimeoutError)
├── WebhookVerificationError
├── ClientClosedError             a call on a closed client (also RuntimeError)
└── ConfigurationError            missing/invalid key, URL, profile, option
    ├── InvalidParameterError     a bad argument to a call (also ValueError, TypeError)
    └── MissingExtraError         an optional extra is not installed (also ImportError)
```
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from agentplatform_api.models.problem import Problem

__all__ = [
    "APIConnectionError",
    "APIResponseValidationError",
    "APIStatusError",
    "APITimeoutError",
    "AgentPlatformError",
    "AuthenticationError",
    "BadRequestError",
    "ClientClosedError",
    "ConfigurationError",
    "ConflictError",
    "InternalServerError",
    "InvalidParameterError",
    "MissingExtraError",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitError",
    "StreamError",
    "UnprocessableEntityError",
    "WebhookVerificationError",
    "status_error_class",
]


class AgentPlatformError(Exception):
    """Base class of every exception the SDK raises."""


class ConfigurationError(AgentPlatformError):
    """A missing or invalid setting: API key, base URL, profile or option."""


class InvalidParameterError(ConfigurationError, ValueError, TypeError):
    """A call was given a bad argument; raised before anything is sent.

    It is also a `ValueError` and a `TypeError`, so code that catches those still works.

    Attributes:
        parameter: the name of the offending parameter.
    """

    def __init__(self, parameter: str, message: str) -> None:
        super().__init__(f"{parameter}: {message}")
        self.parameter = parameter


class MissingExtraError(ConfigurationError, ModuleNotFoundError):
    """A feature needs an optional extra that is not installed.

    The message names the `pip install 'agentplatform[EXTRA]'` to run. It is also a
    `ModuleNotFoundError`, so `except ImportError` still catches it.

    Attributes:
        extra: the extra to install, e.g. `otel`.
        name: the missing module, as on any `ImportError`.
    """

    def __init__(self, feature: str, extra: str, missing: str | None) -> None:
        super().__init__(
            f"{feature} needs the {extra} extra ({missing or 'a dependency'} is not "
            f"installed): pip install 'agentplatform[{extra}]'"
        )
        self.extra = extra
        self.name = missing


class APIConnectionError(AgentPlatformError):
    """The request could not be completed over the network, even after retries.

    The server may still have received and applied it. Attributes:
        request_id: the `X-Request-ID` of a response, when one arrived.
        idempotency_key: the key a POST was sent with: pass it as `idempotency_key=`
            to send the same call again safely.
        method, path: the request's method and URL path.
    """

    idempotency_key: str | None = None
    method: str | None = None
    path: str | None = None

    def __init__(self, message: str = "Connection error.", *, request_id: str | None = None):
        super().__init__(message)
        self.request_id = request_id


class APITimeoutError(APIConnectionError):
    """The request timed out, even after retries (it may still have been applied)."""

    def __init__(self, message: str = "Request timed out.", *, request_id: str | None = None):
        super().__init__(message, request_id=request_id)


class APIStatusError(AgentPlatformError):
    """The API answered with an error status (4xx or 5xx).

    Attributes:
        status_code: the HTTP status.
        request_id: the `X-Request-ID` of the response, for support.
        problem: the RFC 9457 problem body, when the server sent one.
        retryable: whether repeating the same request may succeed.
        headers: the response headers (never the request's, which hold the key).
        idempotency_key: the key a POST was sent with; with a retryable error, send the
            call again with `idempotency_key=` set to it, so a write never happens twice.
        method, path: the request's method and URL path.
    """

    retryable: bool = False
    idempotency_key: str | None = None
    method: str | None = None
    path: str | None = None

    def __init__(
        self,
        message: str,
        *,
        status_code: int,
        request_id: str | None = None,
        problem: Problem | None = None,
        headers: dict[str, str] | None = None,
        retryable: bool | None = None,
    ) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.request_id = request_id
        self.problem = problem
        self.headers: dict[str, str] = headers or {}
        if retryable is not None:
            self.retryable = retryable

    @property
    def field_errors(self) -> list[tuple[str, str]]:
        """The problem's `errors` as `(field, message)` pairs (empty when none)."""
        if self.problem is None or not isinstance(self.problem.errors, list):
            return []
        return [(error.field, error.message) for error in self.problem.errors]

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild_status_error, (type(self), str(self), self.__dict__))


def _rebuild_status_error(
    cls: type[APIStatusError], message: str, state: dict[str, Any]
) -> APIStatusError:
    error = cls.__new__(cls)
    Exception.__init__(error, message)
    error.__dict__.update(state)
    return error


class BadRequestError(APIStatusError):
    """400: the request is malformed or breaks the schema."""


class AuthenticationError(APIStatusError):
    """401: the API key is missing or unknown."""


class PermissionDeniedError(APIStatusError):
    """403: the key may not act on this tenant or lacks the scope."""


class NotFoundError(APIStatusError):
    """404: no such resource."""


class ConflictError(APIStatusError):
    """409: an idempotency key reused with another body, or a conflicting write."""


class UnprocessableEntityError(APIStatusError):
    """422: the body is well formed but breaks a rule (ontology, limits)."""


class RateLimitError(APIStatusError):
    """429: the rate limit is exhausted; `retry_after` says how long to wait (seconds)."""

    retryable = True

    def __init__(self, message: str, *, retry_after: float | None = None, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.retry_after = retry_after


class InternalServerError(APIStatusError):
    """5xx: the service failed; usually worth retrying later."""

    retryable = True


_BY_STATUS: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    422: UnprocessableEntityError,
    429: RateLimitError,
}


def status_error_class(status_code: int) -> type[APIStatusError]:
    """The exception class for an error status (any integer, known to the spec or not)."""
    if status_code >= 500:
        return InternalServerError
    return _BY_STATUS.get(status_code, APIStatusError)


class APIResponseValidationError(AgentPlatformError):
    """The server's response does not match the API spec.

    Attributes:
        field: the dotted path of the offending field, when known.
        status_code: the HTTP status of the response.
        request_id: the `X-Request-ID` of the response.
    """

    def __init__(
        self,
        message: str,
        *,
        field: str | None = None,
        status_code: int | None = None,
        request_id: str | None = None,
    ) -> None:
        super().__init__(message)
        self.field = field
        self.status_code = status_code
        self.request_id = request_id


class StreamError(AgentPlatformError):
    """An `error` event arrived inside a stream.

    Attributes:
        problem: the problem document the server sent.
        retryable: whether starting the stream again may succeed.
    """

    def __init__(
        self, message: str, *, problem: Problem | None = None, retryable: bool = False
    ) -> None:
        super().__init__(message)
        self.problem = problem
        self.retryable = retryable


class WebhookVerificationError(AgentPlatformError):
    """A webhook delivery failed verification: bad, missing or stale signature headers."""


class ClientClosedError(AgentPlatformError, RuntimeError):
    """A call on a client after `close()` (or the end of its `with` block).

    Nothing was sent, so retrying the call on the same client never helps (unlike an
    `APIConnectionError`): create a new client. Also a `RuntimeError`, like httpx's own.
    """
