"""All sandbox data, in memory (optionally written through to a data dir), behind one lock;
plus helpers for tests to look inside."""

from __future__ import annotations

import json
import os
import threading
import time
from collections import deque
from collections.abc import Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .auth import ALL_SCOPES, DEFAULT_API_KEYS, DEFAULT_TENANT, ApiKeyRecord, secret_digest
from .clock import Clock, SystemClock
from .idempotency import IdempotencyStore
from .ids import new_id
from .records import DeliveryRecord as DeliveryRecord
from .records import Stored as Stored
from .records import TenantStore as TenantStore
from .timeutil import iso

if TYPE_CHECKING:
    from .persistence import Loaded, SqliteStore

_NOTHING: AbstractContextManager[None] = nullcontext()


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

    In memory by default. With `data_dir`, every change is also written to SQLite in
    that directory before its response is sent, and what the directory holds is
    loaded at start (see `persistence` for what is kept: everything but the request
    log, chat streams and keyed replies that hold a new API key's secret).

    Args:
        clock: where time comes from (`ManualClock` for expiry and progress tests).
        api_keys: initial keys, secret -> tenant id (default: `DEFAULT_API_KEYS`);
            with a data dir, the ones it does not know yet (deleted ones stay deleted).
        data_dir: a directory to keep the state in (created if missing); `close()`
            releases it.

    Raises:
        DataDirError: `data_dir` is in use by another sandbox, not a directory, or
            holds a corrupt database, another program's, or one of a newer schema.
    """

    def __init__(
        self,
        clock: Clock | None = None,
        api_keys: Mapping[str, str] | None = None,
        data_dir: str | os.PathLike[str] | None = None,
    ) -> None:
        self.clock: Clock = clock or SystemClock()
        self.initial_api_keys = dict(DEFAULT_API_KEYS if api_keys is None else api_keys)
        self.lock = threading.RLock()
        self.changed = threading.Condition(self.lock)
        self.persistence: SqliteStore | None = None
        if data_dir is None:
            self.reset()
            return
        from .persistence import SqliteStore  # only with a data dir: sqlite3 loads on demand

        self.persistence = SqliteStore(data_dir)
        try:
            with self.lock:
                self._install(self.persistence.load(self.clock.now()))
        except BaseException:
            self.persistence.close()
            raise

    def reset(self) -> None:
        """Forget everything but the initial API keys (with a data dir, there too)."""
        with self.lock:
            if self.persistence is not None:
                self.persistence.clear()
            self._install(None)

    def _install(self, loaded: Loaded | None) -> None:
        """Take the collections `loaded` from the data dir (None: empty ones), then
        create the initial API keys that are not there yet (nor deleted there)."""
        db = self.persistence
        self.tenants: dict[str, TenantStore] = dict(loaded.tenants) if loaded else {}
        keys = loaded.api_keys if loaded else {}
        self.api_keys: dict[str, ApiKeyRecord] = db.api_keys(keys) if db else keys
        replies = loaded.replies if loaded else {}
        self.idempotency = db.idempotency(replies) if db else IdempotencyStore()
        deliveries = loaded.deliveries if loaded else []
        self.deliveries: list[DeliveryRecord] = db.deliveries(deliveries) if db else deliveries
        self.requests: deque[RequestRecord] = deque(maxlen=10_000)
        self._seq = loaded.max_seq if loaded else 0
        self.started_at = time.monotonic()
        known = loaded.key_digests if loaded else {}
        for index, (secret, tenant) in enumerate(self.initial_api_keys.items()):
            if known and secret_digest(secret) in known.values():
                continue
            key_id = f"key_sandbox_{index}"
            if key_id in known:  # that id was used for another secret
                key_id = new_id("key")
            self.api_keys[key_id] = ApiKeyRecord(
                id=key_id,
                tenant_id=tenant,
                name="sandbox",
                secret=secret,
                scopes=list(ALL_SCOPES),
                created_at=self.clock.now(),
                seq=self.next_seq(),
            )
        self.changed.notify_all()

    def close(self) -> None:
        """Release the data dir, if any (its database closes; nothing more is written)."""
        if self.persistence is not None:
            with self.lock:
                self.persistence.close()

    def transaction(self) -> AbstractContextManager[None]:
        """With a data dir, commit the writes made inside as one transaction on the way
        out (holding the lock meanwhile); without one, do nothing."""
        if self.persistence is None:
            return _NOTHING
        return self._durable_transaction(self.persistence)

    @contextmanager
    def _durable_transaction(self, db: SqliteStore) -> Iterator[None]:
        with self.lock, db.batch():
            yield

    def delivery_changed(self, delivery: DeliveryRecord) -> None:
        """Write a delivery's new status, attempts and headers to the data dir, if any."""
        if self.persistence is not None:
            self.persistence.put_delivery(delivery)

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
            store = self.tenants.get(tenant_id)
            if store is None:
                db = self.persistence
                store = db.tenant_store(tenant_id) if db is not None else TenantStore()
                self.tenants[tenant_id] = store
            return store

    def key_by_secret(self, secret: str) -> ApiKeyRecord | None:
        """The API key whose secret is `secret` (or, loaded from a data dir, its digest)."""
        if not secret:
            return None
        with self.lock:
            digest = None
            for key in self.api_keys.values():
                if key.secret == secret:
                    return key
                if key.digest is not None:
                    digest = digest or secret_digest(secret)
                    if key.digest == digest:
                        return key
            return None

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
