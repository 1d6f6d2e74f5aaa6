"""Request building, error mapping and response parsing shared by the sync and async cores.

These functions do no I/O: the cores in `_runners` send what `build_request` returns and
hand the response back to `raise_for_status` and `parse`.
"""

from __future__ import annotations

import typing
from collections.abc import Mapping
from typing import Any, TypeVar

import attrs
import httpx
from agentplatform_api.client import Client as GeneratedClient
from agentplatform_api.models.problem import Problem

from . import _params, _retry, _transport
from ._operation import Call
from ._validation import check_json, validate
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

PROTECTED_HEADERS = frozenset({"x-api-key", "host", "content-length", "transfer-encoding"})
"""Headers that default_headers= and extra_headers= may not set."""
OPERATION_EXTENSION = "agentplatform.operation"
"""The request extension naming the API operation (e.g. `get_entity`), for hooks."""
_OPTIONS = ("extra_headers", "idempotency_key", "max_retries", "timeout")
_OPTION_NAMES = frozenset(_OPTIONS)
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


class RequestDefaults:
    """What every request of one core shares, worked out once per core instead of per call.

    `client_headers` are the headers the SDK set on the httpx client when it built it
    (none on an `http_client` you pass): a request then carries only the headers that
    differ from them, and drops those of them its config no longer has (a `with_options`
    copy without a tenant), so httpx merges no header per call. Each absolute URL is
    parsed once (httpx's URL parser is pure Python), and the timeout is the httpx
    client's own whenever the config's equals it.
    """

    __slots__ = (
        "_client_timeout",
        "_timeout",
        "_urls",
        "base_url",
        "dropped",
        "headers",
        "max_retries",
    )

    def __init__(
        self,
        http: httpx.Client | httpx.AsyncClient,
        config: CoreConfig,
        client_headers: Mapping[str, str] | None = None,
    ) -> None:
        installed = {name.lower(): (name, value) for name, value in (client_headers or {}).items()}
        wanted = {name.lower(): (name, value) for name, value in config.headers.items()}
        self.base_url = config.base_url
        self.max_retries = config.max_retries
        self.headers: dict[str, str] = {
            name: value
            for key, (name, value) in wanted.items()
            if installed.get(key) != (name, value)
        }
        """Headers every request sends beyond the httpx client's own."""
        self.dropped = tuple(key for key in installed if key not in wanted)
        """Lowercase names set on the httpx client that these requests must not send."""
        self._timeout = None if config.timeout is None else httpx.Timeout(config.timeout)
        self._client_timeout = http.timeout if self._timeout == http.timeout else None
        self._urls: dict[str, httpx.URL] = {}

    def timeout(self, http: httpx.Client | httpx.AsyncClient) -> httpx.Timeout | Any:
        """The configured timeout, or `httpx.USE_CLIENT_DEFAULT` when the client has it."""
        if self._timeout is None or http.timeout is self._client_timeout:
            return httpx.USE_CLIENT_DEFAULT
        return self._timeout

    def url(self, path: str) -> httpx.URL:
        """The parsed absolute URL of a path (kept for the first `_PARSED_URLS` paths)."""
        urls = self._urls
        found = urls.get(path)
        if found is None:
            found = httpx.URL(self.base_url + path)
            if len(urls) < _PARSED_URLS:
                urls[path] = found
        return found


_PARSED_URLS = 512
"""Parsed URLs kept per core: every path of the API, and the first ids' paths."""


def build_request(
    http: httpx.Client | httpx.AsyncClient, call: Call[Any], defaults: RequestDefaults
) -> httpx.Request:
    """The `httpx.Request` for a call: generated request builder plus overlay options."""
    options = call.options
    if options:
        _check_option_names(options)
    kwargs = call.endpoint._get_kwargs(**call.kwargs)
    headers = defaults.headers
    layers = [kwargs.get("headers")]
    retries = None
    timeout = None
    if options:
        extra = options.get("extra_headers")
        if extra is not None:
            layers.append(_params.headers("extra_headers", extra, protected=PROTECTED_HEADERS))
        key = options.get("idempotency_key")
        if key is not None:
            layers.append({"Idempotency-Key": _idempotency_key(key)})
        retries = options.get("max_retries")
        if retries is not None:
            _params.integer("max_retries", retries, minimum=0)
        timeout = options.get("timeout")
        if timeout is not None and not isinstance(timeout, httpx.Timeout):
            timeout = _params.number("timeout", timeout, minimum=0.0)
            if timeout <= 0:
                raise InvalidParameterError("timeout", "must be a positive number of seconds.")
    if any(layers):
        headers = merge_headers(headers, *layers)
    extensions: dict[str, Any] = {
        OPERATION_EXTENSION: getattr(call.endpoint, "__name__", "").rpartition(".")[2]
    }
    if retries is None:
        retries = defaults.max_retries
    if retries is not None:
        extensions[_transport.MAX_RETRIES_EXTENSION] = retries
    try:
        request = http.build_request(
            kwargs["method"],
            defaults.url(kwargs["url"]),
            params=kwargs.get("params"),
            json=kwargs.get("json"),
            content=kwargs.get("content"),
            headers=headers or None,
            timeout=defaults.timeout(http) if timeout is None else timeout,
            extensions=extensions,
        )
    except (TypeError, ValueError) as exc:
        raise InvalidParameterError("body", f"cannot be sent as JSON: {exc}") from None
    if defaults.dropped:
        sent = {name.lower() for name in headers}
        for name in defaults.dropped:
            if name not in sent:
                request.headers.pop(name, None)
    return request


def _check_option_names(options: Mapping[str, object]) -> None:
    unknown = set(options) - _OPTION_NAMES
    if unknown:
        name = sorted(unknown)[0]
        raise InvalidParameterError(
            name, f"is not an argument of this call (per-call options: {', '.join(_OPTIONS)})."
        )


def merge_headers(*layers: Mapping[str, str] | None) -> dict[str, str]:
    """Headers merged layer over layer; names match without case and the last one wins."""
    merged: dict[str, tuple[str, str]] = {}
    for layer in layers:
        for name, value in (layer or {}).items():
            merged[name.lower()] = (name, value)
    return dict(merged.values())


def _idempotency_key(value: object) -> str:
    key = _params.text("idempotency_key", value, max_length=255)
    if not key.isascii() or not key.isprintable():
        raise InvalidParameterError("idempotency_key", "must be printable ASCII.")
    return key


def connection_error(exc: httpx.HTTPError, request: httpx.Request) -> APIConnectionError:
    """The SDK error for a transport failure that survived the retries.

    For a POST it carries the idempotency key that was sent and says how to resend safely,
    since the server may have applied the write before the connection failed.
    """
    key = idempotency_key_of(request)
    resend = (
        f" The server may have applied it: send it again with idempotency_key={key!r} "
        "to replay it instead of writing twice."
        if key
        else ""
    )
    error: APIConnectionError
    if isinstance(exc, httpx.TimeoutException):
        error = APITimeoutError(
            f"{request.method} {request.url.path} timed out ({type(exc).__name__}); "
            f"raise timeout= or retry later.{resend}"
        )
    else:
        error = APIConnectionError(
            f"{request.method} {request.url.path}: connection error "
            f"({type(exc).__name__}: {exc}); check base_url and the network.{resend}"
        )
    error.method, error.path, error.idempotency_key = request.method, request.url.path, key
    return error


def idempotency_key_of(request: httpx.Request) -> str | None:
    """The `Idempotency-Key` a POST was sent with (None for other methods)."""
    if request.method != "POST":
        return None
    key: str | None = request.headers.get("idempotency-key")
    return key


def status_error(response: httpx.Response, request: httpx.Request) -> APIStatusError:
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
    key = idempotency_key_of(request)
    retryable = _retry.should_retry_status(response)
    if key and retryable:
        message += f" To try again safely, send it with idempotency_key={key!r}."
    cls = status_error_class(status)
    common: dict[str, Any] = {
        "status_code": status,
        "request_id": request_id,
        "problem": problem,
        "headers": dict(response.headers),
        "retryable": retryable,
    }
    error = (
        RateLimitError(message, retry_after=_retry.retry_after_seconds(response.headers), **common)
        if cls is RateLimitError
        else cls(message, **common)
    )
    error.method, error.path, error.idempotency_key = request.method, request.url.path, key
    return error


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
    """The typed value of a 2xx response, checked against the spec.

    The body is decoded once and checked field by field against the model the generated
    parser returns, so a body that breaks the spec raises `APIResponseValidationError`
    naming the field, instead of being reshaped quietly or failing without a name.
    """
    if call.returns_none:
        return None  # type: ignore[return-value]
    status = response.status_code
    try:
        body = response.json()
    except (ValueError, UnicodeDecodeError):
        raise APIResponseValidationError(
            f"The {status} response body is not JSON.",
            status_code=status,
            request_id=response.headers.get("x-request-id"),
        ) from None
    decoded: Any = _Decoded(response, body)
    try:
        try:
            parsed = call.endpoint._parse_response(client=GENERATED_CLIENT, response=decoded)
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            for model in _success_models(call.endpoint):
                check_json(model, body)
            raise APIResponseValidationError(
                f"The response does not match the API spec: {type(exc).__name__}: {exc}"
            ) from None
        if parsed is None:
            raise APIResponseValidationError(
                f"Status {status} is not a documented answer to this call."
            )
        if attrs.has(type(parsed)):
            check_json(type(parsed), body)
    except APIResponseValidationError as exc:
        exc.status_code = status
        exc.request_id = response.headers.get("x-request-id")
        raise
    return parsed  # type: ignore[no-any-return]


class _Decoded:
    """What a generated `_parse_response` reads of a response, with the JSON decoded once."""

    __slots__ = ("_body", "_response", "status_code")

    def __init__(self, response: httpx.Response, body: Any) -> None:
        self._response = response
        self._body = body
        self.status_code = response.status_code

    def json(self) -> Any:
        return self._body

    @property
    def content(self) -> bytes:
        return self._response.content

    @property
    def text(self) -> str:
        return self._response.text


_models_cache: dict[Any, tuple[type, ...]] = {}


def _success_models(endpoint: Any) -> tuple[type, ...]:
    """The models an endpoint's parser may return for a success (every one but `Problem`)."""
    parse_response = endpoint._parse_response
    try:
        return _models_cache[parse_response]
    except KeyError:
        pass
    hint = getattr(parse_response, "__annotations__", {}).get("return")
    models = tuple(
        arg
        for arg in typing.get_args(hint)
        if isinstance(arg, type) and attrs.has(arg) and arg is not Problem
    )
    _models_cache[parse_response] = models
    return models
