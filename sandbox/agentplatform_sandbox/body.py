"""Reading request bodies: size limit, gzip, JSON with finite numbers only."""

from __future__ import annotations

import json
import zlib
from collections.abc import Mapping
from typing import Any

from .problems import ApiError, FieldError

_NO_BODY = object()


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def _finite_float(text: str) -> float:
    value = float(text)
    if value in (float("inf"), float("-inf")):
        raise ValueError("numbers must be finite")
    return value


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
    try:
        return json.loads(
            raw.decode("utf-8"), parse_constant=_reject_constant, parse_float=_finite_float
        )
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise ApiError(
            400,
            "malformed_json",
            f"The body is not valid JSON: {exc}.",
            [FieldError("body", "is not valid JSON")],
        ) from exc
