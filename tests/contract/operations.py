"""Every operation of openapi.yaml as SDK calls, with minimal and with full parameters.

A case is the call a user would write; it works on `Client` and `AsyncClient` alike
(the async variant returns a coroutine, an async paginator or an async stream). The
"full" variant runs on a client configured with every optional header the spec
defines (tenant, workspace, traceparent) and passes every optional argument.
"""

from __future__ import annotations

from ._case import FULL_CLIENT_OPTIONS, Case
from ._cases_graph import graph_cases
from ._cases_platform import platform_cases

__all__ = ["CASES", "FULL_CLIENT_OPTIONS", "NOT_SENT_BY_THE_SDK", "Case"]

# Operations of the spec's `webhooks:` section: the service calls the user, so the SDK
# never sends them (their bodies are checked by the webhook tests instead).
NOT_SENT_BY_THE_SDK = {
    "onAnomalyDetected": "inbound webhook delivery (service -> user)",
    "onResearchCompleted": "inbound webhook delivery (service -> user)",
    "onEntityDeleted": "inbound webhook delivery (service -> user)",
}


CASES: list[Case] = [*graph_cases(), *platform_cases()]
