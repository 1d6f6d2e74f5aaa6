"""What the sandbox stores: `Stored` objects, a tenant's `TenantStore`, webhook deliveries."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from .ontology import Ontology
from .replies import StreamReply
from .stats import RollingStats


@dataclass
class Stored:
    """A stored object: its API JSON (replaced, never mutated) and insertion order."""

    data: dict[str, Any]
    seq: int
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class TenantStore:
    """Everything one tenant owns."""

    ontology: Ontology = field(default_factory=Ontology)
    entities: dict[str, Stored] = field(default_factory=dict)
    relations: dict[str, Stored] = field(default_factory=dict)
    events: dict[str, Stored] = field(default_factory=dict)
    telemetry: list[Stored] = field(default_factory=list)
    telemetry_ids: set[str] = field(default_factory=set)
    series: dict[tuple[str, str, str], RollingStats] = field(default_factory=dict)
    anomalies: dict[str, Stored] = field(default_factory=dict)
    memories: dict[str, Stored] = field(default_factory=dict)
    research: dict[str, Stored] = field(default_factory=dict)
    conversations: dict[str, list[str]] = field(default_factory=dict)
    webhooks: dict[str, Stored] = field(default_factory=dict)
    streams: dict[str, StreamReply] = field(default_factory=dict)


@dataclass
class DeliveryRecord:
    """One webhook delivery and what became of it.

    `status` is `pending`, `delivered`, `failed` (after every retry) or `skipped`
    (the URL is not a loopback address and external webhooks are not allowed).
    """

    id: str
    tenant_id: str
    webhook_id: str
    url: str
    secret: str
    event_type: str
    body: bytes
    status: str = "pending"
    attempts: list[str] = field(default_factory=list)
    next_attempt_at: float = 0.0
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def payload(self) -> dict[str, Any]:
        """The delivered JSON body, parsed."""
        parsed: dict[str, Any] = json.loads(self.body)
        return parsed
