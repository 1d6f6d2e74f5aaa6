"""Small ASGI helpers of the console: responses, cookies, form bodies."""

from __future__ import annotations

import json
import urllib.parse
from http.cookies import CookieError, SimpleCookie
from typing import Any

from ..body import receive_body
from ..transport import raw_headers

SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; form-action 'self'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}
"""Sent with every console response: same-origin scripts only, no framing, no referrer
to other sites (same-origin forms keep their `Origin`, which the sign-in form checks)."""

MAX_FORM_BYTES = 16 * 1024


async def respond(
    send: Any,
    status: int,
    body: bytes,
    content_type: str,
    headers: dict[str, str] | None = None,
) -> None:
    """Send a whole response with the security headers."""
    merged = {
        **SECURITY_HEADERS,
        "Content-Type": content_type,
        "Content-Length": str(len(body)),
        **(headers or {}),
    }
    await send({"type": "http.response.start", "status": status, "headers": raw_headers(merged)})
    await send({"type": "http.response.body", "body": body})


async def respond_json(send: Any, status: int, body: Any) -> None:
    """Send JSON that no cache keeps."""
    payload = json.dumps(body, separators=(",", ":"), allow_nan=False).encode()
    await respond(send, status, payload, "application/json", {"Cache-Control": "no-store"})


async def respond_text(send: Any, status: int, text: str) -> None:
    """Send a plain-text message."""
    await respond(send, status, text.encode(), "text/plain; charset=utf-8")


async def redirect(send: Any, location: str, headers: dict[str, str] | None = None) -> None:
    """Send a 303 See Other to a path of the console."""
    await respond(send, 303, b"", "text/plain", {"Location": location, **(headers or {})})


def cookie(headers: Any, name: str) -> str | None:
    """The value of cookie `name` in the request headers, if any."""
    raw = headers.get("cookie")
    if not raw:
        return None
    jar: SimpleCookie = SimpleCookie()
    try:
        jar.load(raw)
    except CookieError:
        return None
    morsel = jar.get(name)
    return morsel.value if morsel is not None else None


async def read_body(receive: Any, limit: int = MAX_FORM_BYTES) -> bytes | None:
    """The request body, or None when it is larger than `limit`."""
    return await receive_body(receive, limit)


def form_fields(body: bytes) -> dict[str, str]:
    """The fields of an `application/x-www-form-urlencoded` body (first value of each)."""
    pairs = urllib.parse.parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True)
    fields: dict[str, str] = {}
    for name, value in pairs:
        fields.setdefault(name, value)
    return fields


def query_fields(scope: dict[str, Any]) -> dict[str, str]:
    """The query string's fields (first value of each)."""
    return form_fields(scope.get("query_string", b""))
