"""`Case`: one SDK call exercising one operation, and the options of the "full" variant."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

UTC = datetime.UTC
WHEN = datetime.datetime(2026, 1, 2, 3, 4, 5, 678000, tzinfo=UTC)
TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"
SPAN_ID = "00f067aa0ba902b7"
TRACEPARENT = f"00-{TRACE_ID}-{SPAN_ID}-01"

# Client options of the "full" variant: every optional header parameter of the spec.
FULL_CLIENT_OPTIONS: dict[str, Any] = {
    "tenant_id": "tenant_1",
    "workspace_id": "workspace_1",
    "traceparent": TRACEPARENT,
}


@dataclass(frozen=True)
class Case:
    """One SDK call exercising one operation."""

    operation_id: str
    variant: str  # "minimal" (a bare client), else "full" (FULL_CLIENT_OPTIONS)
    call: Callable[[Any], Any]
    returns: type | None  # the parsed type (the page type for list calls); None: no body
    kind: str = "call"  # "call", "list", "stream" or "telemetry"

    @property
    def id(self) -> str:
        return f"{self.operation_id}-{self.variant}"


def opts(**extra: Any) -> dict[str, Any]:
    """Per-call options of the full variant (a POST also gets its own idempotency key)."""
    return {"timeout": 20.0, "extra_headers": {"X-Contract-Test": "1"}, **extra}


def post_opts() -> dict[str, Any]:
    """Per-call options of the full variant of a POST."""
    return opts(idempotency_key="idem-contract-0001")
