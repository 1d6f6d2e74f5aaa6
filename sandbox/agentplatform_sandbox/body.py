"""Reading request bodies: size limit, gzip, JSON with finite numbers only, bounded depth."""

from __future__ import annotations

import json
import re
import zlib
from collections.abc import Mapping
from typing import Any

from .problems import ApiError, FieldError

MAX_DEPTH = 64
"""How deep JSON values may nest (openapi.yaml's `info.description` says so)."""

# A number of fewer than 200 digits with an exponent below 100 stays under 10^299, so
# only a body with a longer digit run or a 3-digit exponent can overflow a double; the
# others are parsed without the (slower) per-number hooks.
_MAYBE_HUGE_NUMBER = re.compile(rb"[0-9]{200}|[eE][+-]?0*[1-9][0-9]{2}")
_JSON_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"')
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")
_AS_PARENS = bytes.maketrans(b"[]{}", b"()()")


async def receive_body(receive: Any, limit: int) -> bytes | None:
    """The whole body of an ASGI request, or None when it is larger than `limit` (it is
    still read to its end, so the client gets an answer, but not kept)."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size <= limit:
            chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks) if size <= limit else None


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def _finite_float(text: str) -> float:
    value = float(text)
    if value in (float("inf"), float("-inf")):
        raise ValueError("numbers must be finite")
    return value


def _double_sized_int(text: str) -> int:
    value = int(text)
    if abs(value) > 2**1024:
        raise ValueError("numbers must fit in a double")
    return value


def nests_deeper(raw: bytes, limit: int) -> bool:
    """Whether the valid JSON text `raw` nests arrays and objects more than `limit` deep.

    Works on the bytes (strings removed, brackets kept), each pass dropping the
    innermost pairs, so it costs a few passes over the text, not a walk of the value.
    """
    brackets = _JSON_STRING.sub(b"", raw).translate(None, _NOT_BRACKETS).translate(_AS_PARENS)
    for _ in range(limit):
        if not brackets:
            return False
        brackets = brackets.replace(b"()", b"")
    return bool(brackets)


def decompress(raw: bytes, encoding: str, limit: int) -> bytes:
    """Undo `Content-Encoding` (identity or gzip); 400 when it cannot, 413 past `limit`."""
    encoding = encoding.strip().lower()
    if encoding in ("", "identity"):
        return raw
    if encoding not in ("gzip", "x-gzip"):
        raise ApiError(
            400,
            "unsupported_encoding",
            f"Content-Encoding {encoding!r} is not supported; send gzip or identity.",
        )
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        data = inflater.decompress(raw, limit + 1)
    except zlib.error as exc:
        raise ApiError(400, "invalid_gzip", f"The body is not valid gzip: {exc}.") from exc
    if len(data) > limit:
        raise ApiError(413, "body_too_large", f"The decoded body exceeds {limit} bytes.")
    if not inflater.eof:
        raise ApiError(400, "invalid_gzip", "The gzip body is truncated.")
    return data


def parse_json(raw: bytes, headers: Mapping[str, str], required: bool) -> Any:
    """The JSON body, or None when absent and optional; 400 for anything unparseable."""
    if not raw.strip():
        if required:
            raise ApiError(
                400,
                "body_required",
                "This operation needs a JSON body.",
                [FieldError("body", "is required")],
            )
        return None
    media = headers.get("content-type", "application/json").split(";")[0].strip().lower()
    if media != "application/json" and not media.endswith("+json"):
        raise ApiError(
            400, "unsupported_media_type", f"Send the body as application/json, not {media!r}."
        )
    hooks: dict[str, Any] = {}
    if _MAYBE_HUGE_NUMBER.search(raw):
        hooks = {"parse_float": _finite_float, "parse_int": _double_sized_int}
    try:
        value = json.loads(raw.decode("utf-8"), parse_constant=_reject_constant, **hooks)
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise ApiError(
            400,
            "malformed_json",
            f"The body is not valid JSON: {exc}.",
            [FieldError("body", "is not valid JSON")],
        ) from exc
    if nests_deeper(raw, MAX_DEPTH):
        raise ApiError(
            400,
            "body_too_deep",
            f"JSON values may nest at most {MAX_DEPTH} levels deep.",
            [FieldError("body", f"nests more than {MAX_DEPTH} levels deep")],
        )
    return value
