"""Which HTTP stack an `AsyncClient` runs on: aiohttp (when installed) or httpx.

Both are driven through an `httpx.AsyncClient`, so everything above the transport
(retries, hooks, streaming, errors) is shared; only the connection pool differs.
"""

from __future__ import annotations

import functools
import importlib.util
from typing import TYPE_CHECKING, Literal

import httpx

from ._setup import for_user_http_client, user_http_client, with_client_headers
from .errors import ConfigurationError, MissingExtraError

if TYPE_CHECKING:
    from ._setup import ClientOptions, Setup

HttpBackend = Literal["aiohttp", "httpx"]
"""The HTTP stack of an `AsyncClient`: `"aiohttp"` or `"httpx"`."""

# Connection limits, chosen with `bench/bench_concurrency.py --limits` (BENCHMARKS.md).
# httpcore: a bound of 100 is the cheapest at 100 calls in flight, but 500 calls waiting
# on it end in PoolTimeout; 1000/100 costs a third of 1000/1000's CPU at 500 calls.
# aiohttp: a bound of 100 costs the same as none at 100 calls and 10-30% less CPU at 500
# (its queue is cheaper than more sockets), and sends the server waves of 100, not 500.
HTTPX_ASYNC_LIMITS = httpx.Limits(max_connections=1000, max_keepalive_connections=100)
AIOHTTP_LIMITS = httpx.Limits(max_connections=100, keepalive_expiry=5.0)


@functools.cache
def aiohttp_installed() -> bool:
    """Whether the `aiohttp` extra is installed (looked up once, without importing it)."""
    try:
        return importlib.util.find_spec("aiohttp") is not None
    except (ImportError, ValueError):  # a broken or blocked install
        return False


def default_backend() -> HttpBackend:
    """aiohttp when it is installed, else httpx."""
    return "aiohttp" if aiohttp_installed() else "httpx"


def async_http(
    setup: Setup,
    options: ClientOptions,
    *,
    backend: object,
    http_client: httpx.AsyncClient | None,
) -> tuple[httpx.AsyncClient, Setup]:
    """The `httpx.AsyncClient` an `AsyncClient` sends with, and its setup.

    A user's `http_client` is used as given; else one is built over the chosen backend
    (`backend` None: the default) from the client's timeout, TLS and proxy options.
    """
    if http_client is not None:
        if backend is not None:
            raise ConfigurationError(
                "Pass http_backend= or http_client=, not both: "
                "the http_client you pass already decides its transport."
            )
        return user_http_client(http_client, httpx.AsyncClient, options), for_user_http_client(
            setup
        )
    if backend is None:
        backend = default_backend()
    kind: type[httpx.AsyncClient]
    if backend == "httpx":
        kind, limits = httpx.AsyncClient, HTTPX_ASYNC_LIMITS
    elif backend == "aiohttp":
        try:
            from ._aiohttp import AiohttpAsyncClient
        except ModuleNotFoundError as exc:
            raise MissingExtraError("http_backend='aiohttp'", "aiohttp", exc.name) from None
        kind, limits = AiohttpAsyncClient, AIOHTTP_LIMITS
    else:
        raise ConfigurationError(
            f"http_backend must be 'aiohttp' (pip install 'agentplatform[aiohttp]') or "
            f"'httpx', got {backend!r}."
        )
    http = kind(
        headers=setup.config.headers,
        timeout=setup.settings.timeout,
        limits=limits,
        **setup.transport_options,
    )
    http._cookies = CookiesWhenSet(http._cookies)
    return http, with_client_headers(setup)


class CookiesWhenSet(httpx.Cookies):
    """httpx's cookie jar, which skips a response that sets no cookie.

    httpx hands every response to `http.cookiejar` (which builds urllib request and
    email message stand-ins for it): about a tenth of an async call's CPU time. Responses
    with a `Set-Cookie` header are stored exactly as before.
    """

    def extract_cookies(self, response: httpx.Response) -> None:
        for name, _ in response.headers.raw:
            if name.lower() in _SET_COOKIE:
                super().extract_cookies(response)
                return


_SET_COOKIE = (b"set-cookie", b"set-cookie2")
