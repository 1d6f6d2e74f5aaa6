"""What each console page shows, built from the sandbox's state for one tenant.

Every view reads under the state's lock, looks only at the calling key's tenant, and
never copies a secret: API keys appear as their last four characters, webhook
endpoints and deliveries without their signing secret.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from ..auth import ApiKeyRecord
from ..faults import FaultInjector
from ..state import RequestRecord, SandboxState, TenantStore
from ..timeutil import iso

RATE_WINDOW_S = 60.0
"""Requests per second are averaged over this window."""
MAX_NODES = 2000
MAX_EVENTS = 2000


def mask_secret(secret: str) -> str:
    """A secret shown by its last four characters only, e.g. `••••0000`."""
    return "••••" + secret[-4:] if len(secret) > 8 else "••••"


def key_summary(key: ApiKeyRecord) -> dict[str, Any]:
    """An API key as the console shows it: id, name, scopes and a masked secret."""
    return {
        "id": key.id,
        "name": key.name,
        "masked": mask_secret(key.secret),
        "scopes": list(key.scopes),
        "expires_at": key.expires_at,
    }


def tenant_store(state: SandboxState, tenant_id: str) -> TenantStore:
    """The tenant's store, or an empty one (the console never creates a tenant)."""
    return state.tenants.get(tenant_id) or TenantStore()


def tenant_requests(state: SandboxState, tenant_id: str) -> list[RequestRecord]:
    """The tenant's entries of the request log, oldest first."""
    return [r for r in state.requests if r.tenant_id == tenant_id]


def faults_in_force(injector: FaultInjector) -> dict[str, Any]:
    """The `Faults` fields that differ from their defaults, and pending `fail_next` answers."""
    current = injector.faults
    found = {
        f.name: getattr(current, f.name)
        for f in dataclasses.fields(current)
        if getattr(current, f.name) != f.default and f.name != "seed"
    }
    pending = injector.pending_failures
    if pending:
        found["fail_next"] = pending
    return found


def overview(state: SandboxState, injector: FaultInjector, key: ApiKeyRecord) -> dict[str, Any]:
    """Counts per resource, request rate and errors, faults in force, who is signed in."""
    tenant = key.tenant_id
    with state.lock:
        store = tenant_store(state, tenant)
        counts = {
            "entity types": len(store.ontology.entity_types),
            "relation types": len(store.ontology.relation_types),
            "entities": len(store.entities),
            "relations": len(store.relations),
            "agent events": len(store.events),
            "telemetry records": len(store.telemetry),
            "anomalies": len(store.anomalies),
            "memories": len(store.memories),
            "research jobs": len(store.research),
            "webhook endpoints": len(store.webhooks),
            "webhook deliveries": sum(1 for d in state.deliveries if d.tenant_id == tenant),
            "api keys": sum(1 for k in state.api_keys.values() if k.tenant_id == tenant),
        }
        requests = tenant_requests(state, tenant)
        keys = [key_summary(k) for k in state.api_keys.values() if k.tenant_id == tenant]
        now = state.clock.now()
    recent = [r for r in requests if r.at >= now - RATE_WINDOW_S]
    return {
        "tenant_id": tenant,
        "key": key_summary(key),
        "api_keys": keys,
        "counts": counts,
        "requests": {
            "total": len(requests),
            "per_second": round(len(recent) / RATE_WINDOW_S, 3),
            "window_s": RATE_WINDOW_S,
            "server_errors": sum(1 for r in requests if r.status >= 500),
            "client_errors": sum(1 for r in requests if 400 <= r.status < 500),
            "dropped": sum(1 for r in requests if r.status == 0),
        },
        "faults": faults_in_force(injector),
    }


def _label(data: dict[str, Any]) -> str:
    properties = data.get("properties") or {}
    for name in ("name", "title", "label"):
        value = properties.get(name)
        if isinstance(value, str) and value:
            return value
    return str(data["id"])


def graph(state: SandboxState, key: ApiKeyRecord) -> dict[str, Any]:
    """The ontology, the entities as nodes and the relations between them as edges."""
    with state.lock:
        store = tenant_store(state, key.tenant_id)
        entities = [s.data for s in list(store.entities.values())[-MAX_NODES:]]
        relations = [s.data for s in store.relations.values()]
        ontology = store.ontology.to_dict()
    shown = {e["id"] for e in entities}
    return {
        "ontology": ontology,
        "nodes": [
            {
                "id": e["id"],
                "type": e["type"],
                "label": _label(e),
                "properties": e.get("properties") or {},
                "created_at": e.get("created_at"),
                "version": e.get("version"),
            }
            for e in entities
        ],
        "edges": [
            {
                "id": r["id"],
                "type": r["type"],
                "source": r["from_entity_id"],
                "target": r["to_entity_id"],
                "properties": r.get("properties") or {},
            }
            for r in relations
            if r["from_entity_id"] in shown and r["to_entity_id"] in shown
        ],
        "total_entities": len(store.entities),
    }


def events(state: SandboxState, key: ApiKeyRecord) -> dict[str, Any]:
    """Agent events in time order (the newest `MAX_EVENTS`), with their sessions."""
    with state.lock:
        stored = list(tenant_store(state, key.tenant_id).events.values())
    stored.sort(key=lambda s: (s.extra.get("instant", 0), s.seq))
    items = [s.data for s in stored[-MAX_EVENTS:]]
    sessions: dict[str, dict[str, Any]] = {}
    for item in items:
        session = sessions.setdefault(
            item["session_id"],
            {"id": item["session_id"], "agent_id": item["agent_id"], "count": 0},
        )
        session["count"] += 1
        session.setdefault("first", item["timestamp"])
        session["last"] = item["timestamp"]
    return {
        "events": items,
        "sessions": list(sessions.values()),
        "types": sorted({item["type"] for item in items}),
        "agents": sorted({item["agent_id"] for item in items}),
        "total": len(stored),
    }


def research(state: SandboxState, key: ApiKeyRecord) -> dict[str, Any]:
    """Research jobs, newest first, with status and progress."""
    with state.lock:
        jobs = [s.data for s in tenant_store(state, key.tenant_id).research.values()]
    jobs.reverse()
    return {
        "jobs": [
            {
                "id": job["id"],
                "query": job["query"],
                "status": job["status"],
                "progress": job["progress"],
                "created_at": job["created_at"],
                "updated_at": job["updated_at"],
                "summary": (job.get("result") or {}).get("summary"),
                "error": (job.get("error") or {}).get("detail"),
            }
            for job in jobs
        ]
    }


def webhooks(state: SandboxState, key: ApiKeyRecord) -> dict[str, Any]:
    """Endpoints (without secrets) and deliveries with signature headers and outcome."""
    tenant = key.tenant_id
    with state.lock:
        endpoints = [
            {name: hook.data.get(name) for name in ("id", "url", "events", "created_at")}
            for hook in tenant_store(state, tenant).webhooks.values()
        ]
        deliveries = [
            {
                "id": d.id,
                "webhook_id": d.webhook_id,
                "url": d.url,
                "event_type": d.event_type,
                "event_id": d.payload.get("id"),
                "status": d.status,
                "attempts": list(d.attempts),
                "headers": dict(d.headers),
            }
            for d in state.deliveries
            if d.tenant_id == tenant
        ]
    deliveries.reverse()
    return {"endpoints": endpoints, "deliveries": deliveries}


def requests(state: SandboxState, key: ApiKeyRecord, limit: int = 500) -> dict[str, Any]:
    """The tenant's newest requests: ids, status, idempotency keys and injected faults."""
    with state.lock:
        mine = tenant_requests(state, key.tenant_id)
    return {
        "total": len(mine),
        "requests": [
            {
                "at": iso(r.at),
                "request_id": r.request_id,
                "method": r.method,
                "path": r.path,
                "operation_id": r.operation_id,
                "status": r.status,
                "api_key_id": r.api_key_id,
                "idempotency_key": r.idempotency_key,
                "replayed": r.replayed,
                "fault": r.fault,
            }
            for r in reversed(mine[-limit:])
        ],
    }
