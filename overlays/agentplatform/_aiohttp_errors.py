"""aiohttp's exceptions as the httpx errors that httpx itself raises for the same failure.

The SDK turns httpx errors into its own (`APIConnectionError`, `APITimeoutError`) and
decides retries on them, so a failure must come out of the aiohttp backend as the same
httpx error it would come out of httpx: a dropped connection is never a timeout, and
`ConnectTimeout` is only for a connection that could not be opened in time.
"""

from __future__ import annotations

import ssl
from typing import NoReturn

import aiohttp
import httpx

_HttpxError = type[httpx.TransportError]

# Most specific first: the first class an exception is an instance of decides.
_MAPPING: tuple[tuple[type[BaseException], _HttpxError], ...] = (
    (aiohttp.ConnectionTimeoutError, httpx.ConnectTimeout),
    (aiohttp.SocketTimeoutError, httpx.ReadTimeout),
    (TimeoutError, httpx.ReadTimeout),  # asyncio.TimeoutError, ServerTimeoutError
    (aiohttp.ClientHttpProxyError, httpx.ProxyError),  # the proxy refused the CONNECT
    (aiohttp.ClientConnectorError, httpx.ConnectError),  # refused, DNS, TLS handshake
    (aiohttp.ServerFingerprintMismatch, httpx.ConnectError),
    (aiohttp.ServerDisconnectedError, httpx.RemoteProtocolError),
    (aiohttp.ClientConnectionResetError, httpx.ReadError),
    (aiohttp.ClientOSError, httpx.ReadError),
    (ssl.SSLError, httpx.ConnectError),  # a TLS alert while reading, as `network_error`
    (OSError, httpx.ReadError),
)


def httpx_error(exc: Exception, request: httpx.Request) -> httpx.TransportError | None:
    """The httpx error for an exception of aiohttp, or None when it is not one.

    A body cut short (`ClientPayloadError`) is a `RemoteProtocolError`, as httpx says of
    "peer closed connection without sending complete message body", unless a connection
    reset caused it (`ReadError`; aiohttp names that error only in its message). A
    response aiohttp cannot parse is a `RemoteProtocolError` too.
    """
    message = _message(exc)
    if isinstance(exc, aiohttp.ClientPayloadError):
        reset = isinstance(exc.__cause__, OSError) or "ConnectionResetError" in message
        return (httpx.ReadError if reset else httpx.RemoteProtocolError)(message, request=request)
    for source, target in _MAPPING:
        if isinstance(exc, source):
            return target(message, request=request)
    if isinstance(exc, aiohttp.ClientError):
        return httpx.RemoteProtocolError(message, request=request)
    return None


def raise_as_httpx(exc: Exception, request: httpx.Request) -> NoReturn:
    """Raise the httpx error for `exc` (from it), or `exc` itself when it is not aiohttp's."""
    mapped = httpx_error(exc, request)
    if mapped is None:
        raise exc
    raise mapped from exc


def _message(exc: Exception) -> str:
    try:
        text = str(exc)
    except Exception:  # aiohttp errors built without their request info cannot say
        text = ""
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
