"""All sandbox data, in memory, behind one lock; plus helpers for tests to look inside."""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .auth import ALL_SCOPES, DEFAULT_API_KEYS, DEFAULT_TENANT, ApiKeyRecord
from .clock import Clock, SystemClock
from .idempotency import IdempotencyStore
from .ids import new_id
from .records import DeliveryRecord as DeliveryRecord
from .records import Stored as Stored
from .records import TenantStore as TenantStore
from .timeutil import iso


@dataclass(frozen=True)
class RequestRecord:
    """One request the sandbox answered (dropped connections included, status 0)."""

    request_id: str
    method: str
    path: str
    operation_id: str | None
    status: int
    tenant_id: str | None
    api_key_id: str | None
    idempotency_key: str | None
    replayed: bool
    workspace_id: str | None
    at: float
    fault: str | None = None
    """The fault injected into this request, if any (e.g. `HTTP 503`, `dropped`)."""


class SandboxState:
    """The sandbox's whole state. Pass one to `Sandbox(state=...)` to keep it across restarts.

    Args:
        clock: where time comes from (`ManualClock` for expiry and progress tests).
        api_keys: initial keys, secret -> tenant id (default: `DEFAULT_API_KEYS`).
    """

    def __init__(
        self, clock: Clock | None = None, api_keys: Mapping[str, str] | None = None
    ) -> None:
        self.clock: Clock = clock or SystemClock()
        self.initial_api_keys = dict(DEFAULT_API_KEYS if api_keys is None else api_keys)
        self.lock = threading.RLock()
        self.changed = threading.Condition(self.lock)
        self.reset()

    def reset(self) -> None:
        """Forget everything but the initial API keys."""
        with self.lock:
            self.tenants: dict[str, TenantStore] = {}
            self.api_keys: dict[str, ApiKeyRecord] = {}
            self.idempotency = IdempotencyStore()
            self.deliveries: list[DeliveryRecord] = []
            self.requests: deque[RequestRecord] = deque(maxlen=10_000)
            self._seq = 0
            self.started_at = time.monotonic()
            for index, (secret, tenant) in enumerate(self.initial_api_keys.items()):
                self.api_keys[f"key_sandbox_{index}"] = ApiKeyRecord(
                    id=f"key_sandbox_{index}",
                    tenant_id=tenant,
                    name="sandbox",
                    secret=secret,
                    scopes=list(ALL_SCOPES),
                    created_at=self.clock.now(),
                    seq=self.next_seq(),
                )
            self.changed.notify_all()

    def next_seq(self) -> int:
        """A number larger than every one handed out before."""
        with self.lock:
            self._seq += 1
            return self._seq

    def now_iso(self) -> str:
        """The clock's time as an RFC 3339 string."""
        return iso(self.clock.now())

    def tenant(self, tenant_id: str) -> TenantStore:
        """The store of `tenant_id`, created on first use."""
        with self.lock:
            return self.tenants.setdefault(tenant_id, TenantStore())

    def key_by_secret(self, secret: str) -> ApiKeyRecord | None:
        """The API key whose secret is `secret`."""
        with self.lock:
            return next((k for k in self.api_keys.values() if k.secret == secret), None)

    def emit(self, tenant_id: str, event_type: str, data: dict[str, Any]) -> list[DeliveryRecord]:
        """Queue a webhook event for every endpoint of the tenant subscribed to it."""
        with self.lock:
            event = {
                "id": new_id("evt"),
                "type": event_type,
                "timestamp": self.now_iso(),
                "data": data,
            }
            body = json.dumps(event, separators=(",", ":")).encode()
            created = [
                DeliveryRecord(
                    id=new_id("msg"),
                    tenant_id=tenant_id,
                    webhook_id=hook.data["id"],
                    url=hook.data["url"],
                    secret=hook.extra["secret"],
                    event_type=event_type,
                    body=body,
                )
                for hook in self.tenant(tenant_id).webhooks.values()
                if event_type in hook.data["events"]
            ]
            self.deliveries.extend(created)
            self.changed.notify_all()
            return created

    def record_request(self, record: RequestRecord) -> None:
        """Append to the request log."""
        with self.lock:
            self.requests.append(record)

    # Helpers for tests -------------------------------------------------------------

    def telemetry_records(self, tenant_id: str = DEFAULT_TENANT) -> list[dict[str, Any]]:
        """Telemetry records accepted for a tenant, in arrival order."""
        with self.lock:
            return [item.data for item in self.tenant(tenant_id).telemetry]

    def telemetry_event_ids(self, tenant_id: str = DEFAULT_TENANT) -> list[str]:
        """The `event_id`s of the accepted telemetry records of a tenant."""
        return [record["event_id"] for record in self.telemetry_records(tenant_id)]

    def anomalies(self, tenant_id: str = DEFAULT_TENANT) -> list[dict[str, Any]]:
        """Anomalies detected for a tenant, oldest first."""
        with self.lock:
            return [item.data for item in self.tenant(tenant_id).anomalies.values()]

    def entities(self, tenant_id: str = DEFAULT_TENANT) -> list[dict[str, Any]]:
        """Entities of a tenant, oldest first."""
        with self.lock:
            return [item.data for item in self.tenant(tenant_id).entities.values()]

    def request_log(self) -> list[RequestRecord]:
        """Every request answered so far (the last 10,000)."""
        with self.lock:
            return list(self.requests)

    def idempotency_keys_seen(self, tenant_id: str | None = None) -> list[str]:
        """Idempotency-Key values received, in order, repeats included."""
        return [
            r.idempotency_key
            for r in self.request_log()
            if r.idempotency_key is not None and (tenant_id is None or r.tenant_id == tenant_id)
        ]

    def webhook_deliveries(
        self, event_type: str | None = None, status: str | None = None
    ) -> list[DeliveryRecord]:
        """Webhook deliveries, optionally only of one event type and/or status."""
        with self.lock:
            return [
                d
                for d in self.deliveries
                if (event_type is None or d.event_type == event_type)
                and (status is None or d.status == status)
            ]

    def wait_for_deliveries(
        self,
        count: int = 1,
        *,
        event_type: str | None = None,
        status: str = "delivered",
        timeout: float = 10.0,
    ) -> list[DeliveryRecord]:
        """Block until `count` deliveries have `status`; raise TimeoutError otherwise."""
        deadline = time.monotonic() + timeout
        with self.changed:
            while True:
                found = self.webhook_deliveries(event_type, status)
                if len(found) >= count:
                    return found
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(f"{len(found)} of {count} deliveries are {status}")
                self.changed.wait(remaining)
