"""Cursor pagination: `{data, next_cursor, has_more}` pages over a sorted list."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from .problems import FieldError, validation_error

T = TypeVar("T")
SortKey = tuple[int | str, ...]

# Cursors this module makes are a few dozen characters; anything far longer is not one.
MAX_CURSOR_CHARS = 1024


def encode_cursor(key: SortKey) -> str:
    """An opaque cursor naming the position after the item with `key`."""
    return base64.urlsafe_b64encode(json.dumps(list(key)).encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> SortKey:
    """The sort key a cursor names, or a 400 when it was not made by `encode_cursor`.

    Any string is handled: too long, not base64url, not JSON, nested JSON (which would
    exhaust the parser's recursion) and keys of the wrong shape are all a 400.
    """
    key: Any = None
    if len(cursor) <= MAX_CURSOR_CHARS:
        try:
            raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
            key = json.loads(raw)
        except (binascii.Error, ValueError, RecursionError):
            key = None
    if not isinstance(key, list) or not all(
        isinstance(k, int | str) and not isinstance(k, bool) for k in key
    ):
        raise validation_error([FieldError("cursor", "is not a valid cursor")], status=400)
    return tuple(key)


def paginate(
    items: Sequence[T],
    key: Callable[[T], SortKey],
    limit: int,
    cursor: str | None,
    render: Callable[[T], Any],
) -> dict[str, Any]:
    """One page of `items` (already sorted by `key`) after `cursor`, rendered for JSON."""
    start = 0
    if cursor is not None:
        after = decode_cursor(cursor)
        while start < len(items) and _not_after(key(items[start]), after):
            start += 1
    page = items[start : start + limit]
    has_more = start + limit < len(items)
    return {
        "data": [render(item) for item in page],
        "next_cursor": encode_cursor(key(page[-1])) if has_more and page else None,
        "has_more": has_more,
    }


def _not_after(item: SortKey, after: SortKey) -> bool:
    try:
        return item <= after
    except TypeError:
        return False
