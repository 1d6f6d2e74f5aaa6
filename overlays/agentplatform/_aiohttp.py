"""The aiohttp backend of `AsyncClient`: an httpx transport over an `aiohttp.ClientSession`.

httpx stays the client (request building, headers, cookies, timeouts, env proxies,
hooks); only the connection pool and the HTTP/1.1 wire are aiohttp's, whose pool costs
far less CPU per request than httpcore's under concurrency (see BENCHMARKS.md). The
SDK's retry transport wraps this one as it wraps httpx's, so retries, idempotency keys,
request ids, raw responses, streaming and resume behave the same on both backends.

Imported only when an `AsyncClient` picks aiohttp: `import agentplatform` never loads it.
"""

from __future__ import annotations

import asyncio
import base64
import ssl
from collections.abc import AsyncGenerator, AsyncIterator
from typing import Any

import aiohttp
import httpx
from yarl import URL

from ._aiohttp_errors import raise_as_httpx

# aiohttp adds these when absent; httpx decides them (or leaves them out) itself.
_NOT_ADDED = ("Accept", "Accept-Encoding", "User-Agent", "Content-Type")
# h11 (httpx) takes header blocks up to 16 KiB; aiohttp's default is 8 KiB a line.
_MAX_HEADER_LINE = 16 * 1024


class AiohttpTransport(httpx.AsyncBaseTransport):
    """Sends httpx requests over one `aiohttp.ClientSession` (created on first use).

    `limits.max_connections` bounds the pool (None: no bound) and `keepalive_expiry`
    closes idle connections; `proxy` is an http(s) proxy for every request.
    """

    def __init__(
        self,
        *,
        ssl_context: ssl.SSLContext,
        limits: httpx.Limits,
        proxy: httpx.Proxy | None = None,
    ) -> None:
        self.ssl_context = ssl_context
        self.limits = limits
        self.proxy = proxy
        self._proxy_headers = _proxy_headers(proxy)
        self._session: aiohttp.ClientSession | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._closer: AsyncGenerator[None, None] | None = None
        self._timeouts: dict[tuple[float | None, ...], aiohttp.ClientTimeout] = {}

    @property
    def session(self) -> aiohttp.ClientSession | None:
        """The aiohttp session, once a request has been sent."""
        return self._session

    async def _session_now(self) -> aiohttp.ClientSession:
        """The session of the running event loop (a new loop gets a new session)."""
        loop = asyncio.get_running_loop()
        if self._session is None or self._loop is not loop:
            connector = aiohttp.TCPConnector(
                ssl=self.ssl_context,
                limit=self.limits.max_connections or 0,
                keepalive_timeout=self.limits.keepalive_expiry,
            )
            self._session = aiohttp.ClientSession(
                connector=connector,
                cookie_jar=aiohttp.DummyCookieJar(),  # httpx keeps the cookies
                auto_decompress=False,  # httpx decodes the body
                timeout=aiohttp.ClientTimeout(),
                skip_auto_headers=_NOT_ADDED,
                max_line_size=_MAX_HEADER_LINE,
                max_field_size=_MAX_HEADER_LINE,
            )
            self._loop = loop
            # A client never closed (as over httpx, that is allowed) still has its
            # session closed: when `asyncio.run` ends, or when the client is collected.
            self._closer = _closer(self._session)
            await anext(self._closer)
        return self._session

    def _timeout(self, request: httpx.Request) -> aiohttp.ClientTimeout:
        """httpx's connect/read/pool timeouts as aiohttp's (there is no write timeout).

        aiohttp's `connect` covers waiting for a pooled connection and opening one, so it
        is httpx's pool timeout plus its connect timeout.
        """
        timeout = request.extensions.get("timeout", {})
        connect, read, pool = timeout.get("connect"), timeout.get("read"), timeout.get("pool")
        key = (connect, read, pool)
        found = self._timeouts.get(key)
        if found is None:
            acquire = None if connect is None or pool is None else connect + pool
            found = aiohttp.ClientTimeout(
                total=None, connect=acquire, sock_connect=connect, sock_read=read
            )
            if len(self._timeouts) < 64:
                self._timeouts[key] = found
        return found

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        session = self._session if self._loop is asyncio.get_running_loop() else None
        if session is None:
            session = await self._session_now()
        headers = request.headers.multi_items()
        data: Any = None
        if isinstance(request.stream, httpx.ByteStream):
            data = request.content or None
        else:  # a streamed body: aiohttp frames it itself
            headers = [(k, v) for k, v in headers if k.lower() != "transfer-encoding"]
            data = request.stream
        if self._proxy_headers and request.url.scheme == "http":
            # Forwarded through the proxy (no tunnel): the proxy's headers go on the request,
            # as httpx sends them (aiohttp would send only those of a CONNECT).
            headers += self._proxy_headers
        sni = request.extensions.get("sni_hostname")
        try:
            response = await session.request(
                request.method,
                URL(str(request.url), encoded=True),
                headers=headers,
                data=data,
                allow_redirects=False,
                timeout=self._timeout(request),
                proxy=str(self.proxy.url) if self.proxy else None,
                proxy_headers=self._proxy_headers,
                server_hostname=sni,
            )
        except Exception as exc:
            raise_as_httpx(exc, request)
        extensions: dict[str, Any] = {"http_version": b"HTTP/1.1"}
        if response.reason:
            extensions["reason_phrase"] = response.reason.encode("ascii", "replace")
        stream: httpx.AsyncByteStream = _Body(response, request)
        if "text/event-stream" not in response.headers.get("Content-Type", ""):
            # Read here, as the retry transport would (so a body cut short is retried),
            # without wrapping it in a second response.
            stream = httpx.ByteStream(await _read(response, request))
        return httpx.Response(
            response.status, headers=response.raw_headers, stream=stream, extensions=extensions
        )

    async def aclose(self) -> None:
        closer, self._closer, self._session = self._closer, None, None
        if closer is not None and self._loop is asyncio.get_running_loop():
            await closer.aclose()


async def _closer(session: aiohttp.ClientSession) -> AsyncGenerator[None, None]:
    """Closes `session` when closed: by `aclose()`, or by the event loop's shutdown of
    its async generators (`asyncio.run` ending) or finalizer (the owner collected)."""
    try:
        yield
    finally:
        await session.close()


async def _read(response: aiohttp.ClientResponse, request: httpx.Request) -> bytes:
    """The whole (still encoded) body; the connection goes back to the pool."""
    try:
        return await response.read()
    except Exception as exc:
        raise_as_httpx(exc, request)
    finally:
        response.release()


def _proxy_headers(proxy: httpx.Proxy | None) -> list[tuple[str, str]] | None:
    """The proxy's own headers, with the credentials of its URL as httpx sends them."""
    if proxy is None:
        return None
    headers = proxy.headers.multi_items()
    if proxy.raw_auth is not None:
        token = base64.b64encode(b":".join(proxy.raw_auth)).decode("ascii")
        headers.append(("Proxy-Authorization", f"Basic {token}"))
    return headers


class _Body(httpx.AsyncByteStream):
    """A response body read from aiohttp as it arrives; its errors become httpx's.

    Closing it returns the connection to the pool, or closes it when the body was not
    read to the end.
    """

    def __init__(self, response: aiohttp.ClientResponse, request: httpx.Request) -> None:
        self._response = response
        self._request = request

    async def __aiter__(self) -> AsyncIterator[bytes]:
        try:
            async for chunk in self._response.content.iter_any():
                yield chunk
        except Exception as exc:
            raise_as_httpx(exc, self._request)

    async def aclose(self) -> None:
        self._response.release()


class AiohttpAsyncClient(httpx.AsyncClient):
    """An `httpx.AsyncClient` whose transports (proxied ones too) are `AiohttpTransport`s.

    httpx builds them from its own options (`verify`, `cert`, `limits`, `proxy` and the
    environment's proxies). A SOCKS proxy, which aiohttp does not speak, keeps httpx's
    transport (it needs `socksio`, as on the httpx backend).
    """

    def _init_transport(  # noqa: PLR0917 - httpx's signature
        self,
        verify: ssl.SSLContext | str | bool = True,
        cert: Any = None,
        trust_env: bool = True,
        http1: bool = True,
        http2: bool = False,
        limits: httpx.Limits = httpx.Limits(),  # noqa: B008 - httpx's signature
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> httpx.AsyncBaseTransport:
        if transport is not None:
            return transport
        context = httpx.create_ssl_context(verify=verify, cert=cert, trust_env=trust_env)
        return AiohttpTransport(ssl_context=context, limits=limits)

    def _init_proxy_transport(  # noqa: PLR0917 - httpx's signature
        self,
        proxy: httpx.Proxy,
        verify: ssl.SSLContext | str | bool = True,
        cert: Any = None,
        trust_env: bool = True,
        http1: bool = True,
        http2: bool = False,
        limits: httpx.Limits = httpx.Limits(),  # noqa: B008 - httpx's signature
    ) -> httpx.AsyncBaseTransport:
        if proxy.url.scheme not in ("http", "https"):
            return super()._init_proxy_transport(
                proxy, verify, cert, trust_env, http1, http2, limits
            )
        context = httpx.create_ssl_context(verify=verify, cert=cert, trust_env=trust_env)
        return AiohttpTransport(ssl_context=context, limits=limits, proxy=proxy)
