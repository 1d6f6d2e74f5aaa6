"""`Case`: one resource call of the design's table and the request it must make."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import attrs


@attrs.frozen
class Case:
    """One resource call and the request it must make."""

    id: str
    call: Callable[[Any], Any]
    method: str
    uri: str
    response: Any
    expected: type | None
    query: dict[str, str] | None = None
    json: Any = None
    headers: dict[str, str] | None = None
    status: int = 200


def limit(n: int = 20, **more: str) -> dict[str, str]:
    """The query string of a list call: `more`, then `limit` (20 unless given)."""
    return {**more, "limit": str(n)}
