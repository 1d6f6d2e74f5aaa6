"""Handlers of the API's operations, one module per tag, keyed by operationId."""

from __future__ import annotations

from ..context import Handler
from . import (
    anomalies,
    api_keys,
    chat,
    entities,
    events,
    health,
    knowledge,
    memory,
    ontology,
    queries,
    relations,
    research,
    telemetry,
    webhooks,
)

HANDLERS: dict[str, Handler] = {
    **health.HANDLERS,
    **ontology.HANDLERS,
    **entities.HANDLERS,
    **relations.HANDLERS,
    **queries.HANDLERS,
    **events.HANDLERS,
    **telemetry.HANDLERS,
    **anomalies.HANDLERS,
    **chat.HANDLERS,
    **knowledge.HANDLERS,
    **memory.HANDLERS,
    **research.HANDLERS,
    **api_keys.HANDLERS,
    **webhooks.HANDLERS,
}
