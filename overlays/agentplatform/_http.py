"""Request building, error mapping and response parsing shared by the sync and async cores.

These functions do no I/O: the cores in `_runners` send what `build_request` returns and
hand the response back to `raise_for_status` and `parse`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, TypeVar

import attrs
import httpx
from agentplatform_api.client import Client as GeneratedClient
from agentplatform_api.models.problem import Problem

from . import _retry, _transport
from ._operation import Call
from ._validation import validate
from .errors import (
    APIConnectionError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    InvalidParameterError,
    RateLimitError,
    status_error_class,
)

T = TypeVar("T")

# `_parse_response` of generated endpoints only reads `raise_on_unexpected_status`.
GENERATED_CLIENT = GeneratedClient(base_url="http://unused.invalid")

_PROTECTED_HEADERS = frozenset({"x-api-key", "host", "content-length"})
_MAX_TEXT_IN_MESSAGE = 200

_HINTS = {
    400: "Check the request against the API reference.",
    401: "Check the API key (api_key=, AGENTPLATFORM_API_KEY, or `agentplatform configure`).",
    403: "The key may not act on this tenant or lacks the scope for this call.",
    404: "Check the id; the resource may have been deleted.",
    409: "An idempotency key was reused with another body, or the write conflicts.",
    422: "Fix the fields listed in `errors` and send again.",
    429: "Slow down or retry after the delay in `retry_after`.",
}


@attrs.frozen
class CoreConfig:
    """What every request of one client shares: where to send it and how."""

    base_url: str
    headers: Mapping[str, str] = attrs.field(repr=False)
    timeout: float | None = None
    max_retries: int | None = None


def build_request(
    http: httpx.Client | httpx.AsyncClient, call: Call[Any], config: CoreConfig
) -> httpx.Request:
    """The `httpx.Request` for a call: generated request builder plus overlay options."""
    kwargs = call.endpoint._get_kwargs(**call.kwargs)
    headers = dict(config.headers)
    headers.update(kwargs.get("headers") or {})
    options = call.options
    extra = options.get("extra_headers")
    if extra:
        for name, value in extra.items():
            if name.lower() in _PROTECTED_HEADERS:
                raise InvalidParameterError(
                    "extra_headers", f"may not set {name!r}; configure it on the client."
                )
            headers[name] = value
    key = options.get("idempotency_key")
    if key is not None:
        headers["Idempotency-Key"] = key
    retries = options.get("max_retries", config.max_retries)
    extensions = None if retries is None else {_transport.MAX_RETRIES_EXTENSION: retries}
    timeout = options.get("timeout", config.timeout)
    return http.build_request(
        kwargs["method"],
        config.base_url + kwargs["url"],
        params=kwargs.get("params"),
        json=kwargs.get("json"),
        content=kwargs.get("content"),
        headers=headers,
        timeout=httpx.USE_CLIENT_DEFAULT if timeout is None else timeout,
        extensions=extensions,
    )


def connection_error(exc: httpx.HTTPError) -> APIConnectionError:
    """The SDK error for a transport failure that survived the retries."""
    if isinstance(exc, httpx.TimeoutException):
        return APITimeoutError(
            f"Request timed out ({type(exc).__name__}); raise timeout= or retry later."
        )
    return APIConnectionError(
        f"Connection error ({type(exc).__name__}: {exc}); check base_url and the network."
    )


def status_error(response: httpx.Response) -> APIStatusError:
    """The SDK error for a 4xx/5xx response (the body must have been read)."""
    status = response.status_code
    request_id = response.headers.get("x-request-id")
    problem = _problem_of(response)
    detail = None
    if problem is not None:
        detail = problem.detail if isinstance(problem.detail, str) else problem.title
    if not detail:
        detail = response.text[:_MAX_TEXT_IN_MESSAGE].strip() or "no details"
    reason = httpx.codes.get_reason_phrase(status) or "Error"
    hint = _HINTS.get(status) or (
        "The service failed; retry later." if status >= 500 else "See `problem` for details."
    )
    message = f"{status} {reason}: {detail.rstrip('.')}. {hint}"
    if request_id:
        message += f" Request id: {request_id}."
    cls = status_error_class(status)
    common: dict[str, Any] = {
        "status_code": status,
        "request_id": request_id,
        "problem": problem,
        "headers": dict(response.headers),
        "retryable": _retry.should_retry_status(response),
    }
    if cls is RateLimitError:
        return RateLimitError(
            message, retry_after=_retry.retry_after_seconds(response.headers), **common
        )
    return cls(message, **common)


def _problem_of(response: httpx.Response) -> Problem | None:
    try:
        body = response.json()
    except (ValueError, UnicodeDecodeError):
        return None
    if not isinstance(body, dict):
        return None
    try:
        problem = Problem.from_dict(body)
        validate(problem)
    except (KeyError, TypeError, ValueError, AttributeError, APIResponseValidationError):
        return None
    return problem


def parse(call: Call[T], response: httpx.Response) -> T:
    """The typed value of a 2xx response, validated against the spec."""
    if call.returns_none:
        return None  # type: ignore[return-value]
    request_id = response.headers.get("x-request-id")
    try:
        parsed = call.endpoint._parse_response(client=GENERATED_CLIENT, response=response)
    except json.JSONDecodeError:
        raise APIResponseValidationError(
            f"The {response.status_code} response body is not JSON.",
            status_code=response.status_code,
            request_id=request_id,
        ) from None
    except KeyError as exc:
        field = str(exc.args[0]) if exc.args else None
        raise APIResponseValidationError(
            f"The response does not match the API spec: required field {field!r} is missing.",
            field=field,
            status_code=response.status_code,
            request_id=request_id,
        ) from None
    except (TypeError, ValueError, AttributeError) as exc:
        raise APIResponseValidationError(
            f"The response does not match the API spec: {exc}",
            status_code=response.status_code,
            request_id=request_id,
        ) from None
    if parsed is None:
        raise APIResponseValidationError(
            f"Status {response.status_code} is not a documented answer to this call.",
            status_code=response.status_code,
            request_id=request_id,
        )
    try:
        validate(parsed)
    except APIResponseValidationError as exc:
        exc.status_code = response.status_code
        exc.request_id = request_id
        raise
    return parsed  # type: ignore[no-any-return]
