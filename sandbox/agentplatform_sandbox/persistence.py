"""The sandbox's state in SQLite (`Sandbox(data_dir=...)`, `--data-dir`).

One database file, `DIR/sandbox.sqlite3`, in WAL mode with `synchronous=NORMAL`: every
change is committed before the response that acknowledges it is sent (a request's
changes in one transaction), so a crash of the process (even SIGKILL) loses no
acknowledged write. A power cut or an operating-system crash may lose the last
transactions since SQLite's last checkpoint, never the database's consistency.

Kept: entities, relations, ontologies, agent events, telemetry records (the anomaly
detector's rolling series are rebuilt from them), anomalies, memories, research jobs,
conversations, webhooks with their signing secrets, webhook deliveries and their
outcomes, API keys (as a SHA-256 digest and the prefix: a key's secret is never
written; deleted keys stay deleted, the initial ones included) and idempotency
replies (except those that hold a new API key's secret, and event streams). Not kept:
the request log, chat event streams, fault settings and rate-limit use.

A lock file, `DIR/sandbox.lock`, keeps a second sandbox off the same directory.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from .anomaly_detector import rebuild_series
from .auth import ApiKeyRecord, secret_digest
from .datadir import DataDirError, DirLock, open_database
from .durable import Conversations, DurableTenantStore, WriteThroughDict, WriteThroughList
from .idempotency import RETENTION_S, IdempotencyStore, Saved
from .ontology import Ontology
from .records import DeliveryRecord, Stored
from .replies import Reply, StreamReply

_STORED_KINDS = ("entities", "relations", "events", "anomalies", "memories", "research")
_KINDS = (*_STORED_KINDS, "webhooks")
_TABLES = ("stored", "ontologies", "messages", "api_keys", "deliveries", "idempotency")


def _json(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"))


class SqliteStore:
    """The database of a data dir; `SandboxState` writes through it. Thread-safe.

    Args:
        data_dir: the directory (created if missing, mode 0700; the files are 0600).

    Raises:
        DataDirError: the directory is in use by another sandbox, is not a directory,
            or holds a database that is corrupt, not a sandbox's, or of a newer schema.
    """

    def __init__(self, data_dir: str | os.PathLike[str]) -> None:
        self.data_dir = Path(data_dir)
        self._dir_lock = DirLock(self.data_dir)
        try:
            self.path = self.data_dir / "sandbox.sqlite3"
            self._db = open_database(self.path)
        except BaseException:
            self._dir_lock.release()
            raise
        self._lock = threading.RLock()
        self._depth = 0

    def close(self) -> None:
        """Close the database and release the directory."""
        with self._lock:
            self._db.close()
            self._dir_lock.release()

    # Writing ------------------------------------------------------------------------

    @contextmanager
    def batch(self) -> Iterator[None]:
        """Group the writes made inside into one transaction, committed on the way out
        (also after an exception: the memory it mirrors has changed too)."""
        with self._lock:
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
                if self._depth == 0 and self._db.in_transaction:
                    self._db.commit()

    def _write(self, sql: str, params: tuple[Any, ...]) -> None:
        with self._lock:
            if self._depth and not self._db.in_transaction:
                self._db.execute("BEGIN")
            self._db.execute(sql, params)

    def put_stored(self, kind: str, tenant: str, key: str, item: Stored) -> None:
        """Insert or replace one stored object."""
        self._write(
            "INSERT OR REPLACE INTO stored (kind, tenant, id, seq, data, extra) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (kind, tenant, key, item.seq, _json(item.data), _json(item.extra)),
        )

    def delete_stored(self, kind: str, tenant: str, key: str) -> None:
        """Delete one stored object."""
        self._write(
            "DELETE FROM stored WHERE kind = ? AND tenant = ? AND id = ?", (kind, tenant, key)
        )

    def put_ontology(self, tenant: str, ontology: Ontology) -> None:
        """Replace a tenant's ontology."""
        self._write(
            "INSERT OR REPLACE INTO ontologies (tenant, data) VALUES (?, ?)",
            (tenant, _json(ontology.to_dict())),
        )

    def add_message(self, tenant: str, conversation_id: str, message_id: str) -> None:
        """Append a message id to a conversation."""
        self._write(
            "INSERT INTO messages (tenant, conversation_id, message_id) VALUES (?, ?, ?)",
            (tenant, conversation_id, message_id),
        )

    def put_api_key(self, key: ApiKeyRecord) -> None:
        """Insert or replace an API key (its digest and prefix, never its secret)."""
        digest = secret_digest(key.secret) if key.secret else key.digest
        self._write(
            "INSERT OR REPLACE INTO api_keys (id, digest, revoked, data) VALUES (?, ?, 0, ?)",
            (key.id, digest, _json(_key_fields(key))),
        )

    def revoke_api_key(self, key_id: str) -> None:
        """Mark a key deleted (its digest stays, so an initial key is not created again)."""
        self._write("UPDATE api_keys SET revoked = 1 WHERE id = ?", (key_id,))

    def put_delivery(self, delivery: DeliveryRecord) -> None:
        """Insert or update a webhook delivery (status, attempts and headers included)."""
        self._write(
            "INSERT INTO deliveries (id, data, body) VALUES (?, ?, ?) "
            "ON CONFLICT (id) DO UPDATE SET data = excluded.data",
            (delivery.id, _json(_delivery_fields(delivery)), delivery.body),
        )

    def put_reply(self, tenant: str, key: str, saved: Saved) -> None:
        """Keep the reply to an idempotent request."""
        reply = saved.reply
        assert isinstance(reply, Reply)  # streams are filtered out before
        fields = {
            "fingerprint": saved.fingerprint,
            "stored_at": saved.stored_at,
            "status": reply.status,
            "body": reply.body,
            "headers": reply.headers,
            "media_type": reply.media_type,
        }
        self._write(
            "INSERT OR REPLACE INTO idempotency (tenant, key, data, raw) VALUES (?, ?, ?, ?)",
            (tenant, key, _json(fields), reply.raw),
        )

    def clear(self) -> None:
        """Delete every row (`SandboxState.reset`)."""
        with self.batch():
            for table in _TABLES:
                self._write(f"DELETE FROM {table}", ())  # noqa: S608 - fixed table names

    # Collections that write through ---------------------------------------------------

    def tenant_store(
        self,
        tenant: str,
        rows: dict[str, dict[str, Stored]] | None = None,
        messages: dict[str, list[str]] | None = None,
        ontology: Ontology | None = None,
    ) -> DurableTenantStore:
        """A `TenantStore` for `tenant` whose collections write here (with loaded rows)."""
        rows = rows or {}
        store = DurableTenantStore()
        for kind in _KINDS:
            setattr(store, kind, self._stored_dict(kind, tenant, rows.get(kind, {})))
        telemetry = list(rows.get("telemetry", {}).values())
        store.telemetry = WriteThroughList(
            telemetry,
            lambda item: self.put_stored("telemetry", tenant, item.data["event_id"], item),
        )
        store.telemetry_ids = {item.data["event_id"] for item in telemetry}
        rebuild_series(store)
        store.conversations = Conversations(
            messages or {}, lambda cid, mid: self.add_message(tenant, cid, mid)
        )
        if ontology is not None:
            store.ontology = ontology
        return store.bind(lambda replaced: self.put_ontology(tenant, replaced))

    def _stored_dict(
        self, kind: str, tenant: str, items: dict[str, Stored]
    ) -> WriteThroughDict[Stored]:
        return WriteThroughDict(
            items,
            lambda key, item: self.put_stored(kind, tenant, key, item),
            lambda key: self.delete_stored(kind, tenant, key),
        )

    def api_keys(self, items: dict[str, ApiKeyRecord]) -> WriteThroughDict[ApiKeyRecord]:
        """The API keys, writing through."""
        return WriteThroughDict(
            items, lambda key_id, key: self.put_api_key(key), self.revoke_api_key
        )

    def deliveries(self, items: list[DeliveryRecord]) -> WriteThroughList[DeliveryRecord]:
        """The webhook deliveries, writing through."""
        return WriteThroughList(items, self.put_delivery)

    def idempotency(self, items: dict[tuple[str, str], Saved]) -> IdempotencyStore:
        """An idempotency store that keeps its replies here."""
        return _DurableIdempotency(self, items)

    # Loading --------------------------------------------------------------------------

    def load(self, now: float) -> Loaded:
        """Everything the database holds, as the state's collections; idempotent replies
        kept for longer than their retention at `now` are deleted instead."""
        try:
            return self._load(now)
        except (sqlite3.DatabaseError, ValueError, KeyError, TypeError) as exc:
            raise DataDirError(
                f"{self.path}: cannot be read as a sandbox database ({exc})"
            ) from exc

    def _load(self, now: float) -> Loaded:
        db = self._db
        rows: dict[str, dict[str, dict[str, Stored]]] = {}
        max_seq = 0
        for kind, tenant, key, seq, data, extra in db.execute(
            "SELECT kind, tenant, id, seq, data, extra FROM stored ORDER BY seq"
        ):
            kinds = rows.setdefault(tenant, {})
            kinds.setdefault(kind, {})[key] = Stored(json.loads(data), seq, json.loads(extra))
            max_seq = max(max_seq, seq)
        ontologies = dict(db.execute("SELECT tenant, data FROM ontologies"))
        messages: dict[str, dict[str, list[str]]] = {}
        for tenant, conversation_id, message_id in db.execute(
            "SELECT tenant, conversation_id, message_id FROM messages ORDER BY rowid"
        ):
            messages.setdefault(tenant, {}).setdefault(conversation_id, []).append(message_id)
        tenants = {
            tenant: self.tenant_store(
                tenant,
                rows.get(tenant),
                messages.get(tenant),
                _ontology(json.loads(ontologies[tenant])) if tenant in ontologies else None,
            )
            for tenant in {*rows, *ontologies, *messages}
        }
        keys: dict[str, ApiKeyRecord] = {}
        digests: dict[str, str] = {}
        for key_id, digest, revoked, data in db.execute(
            "SELECT id, digest, revoked, data FROM api_keys ORDER BY rowid"
        ):
            digests[key_id] = digest
            fields = json.loads(data)
            max_seq = max(max_seq, fields["seq"])
            if not revoked:
                keys[key_id] = ApiKeyRecord(secret="", digest=digest, id=key_id, **fields)
        deliveries = [
            DeliveryRecord(id=delivery_id, body=bytes(body), **json.loads(data))
            for delivery_id, data, body in db.execute(
                "SELECT id, data, body FROM deliveries ORDER BY rowid"
            )
        ]
        replies = {}
        for tenant, key, data, raw in db.execute("SELECT tenant, key, data, raw FROM idempotency"):
            replies[(tenant, key)] = _saved(json.loads(data), raw)
        for (tenant, key), saved in list(replies.items()):
            if now - saved.stored_at > RETENTION_S:
                del replies[(tenant, key)]
                self._write("DELETE FROM idempotency WHERE tenant = ? AND key = ?", (tenant, key))
        return Loaded(tenants, keys, digests, deliveries, replies, max_seq)


@dataclass
class Loaded:
    """What `SqliteStore.load` found; `key_digests` maps every key id ever stored
    (deleted ones too) to its secret's digest."""

    tenants: dict[str, DurableTenantStore]
    api_keys: dict[str, ApiKeyRecord]
    key_digests: dict[str, str]
    deliveries: list[DeliveryRecord]
    replies: dict[tuple[str, str], Saved]
    max_seq: int


class _DurableIdempotency(IdempotencyStore):
    """An `IdempotencyStore` whose replies are also kept in the database."""

    def __init__(self, db: SqliteStore, items: dict[tuple[str, str], Saved]) -> None:
        super().__init__()
        self._items.update(items)
        self._db = db

    def save(
        self, tenant: str, key: str, digest: str, reply: Reply | StreamReply, now: float
    ) -> None:
        """Remember the reply; keep it on disk unless it is a stream or holds a secret."""
        super().save(tenant, key, digest, reply, now)
        if isinstance(reply, Reply) and not _holds_key_secret(reply):
            self._db.put_reply(tenant, key, Saved(digest, reply, now))


def _holds_key_secret(reply: Reply) -> bool:
    body = reply.body
    return isinstance(body, dict) and str(body.get("secret", "")).startswith("sk_")


def _key_fields(key: ApiKeyRecord) -> dict[str, Any]:
    fields = _fields(key, ("id", "secret", "digest"))
    return {**fields, "kept_prefix": key.prefix}


def _delivery_fields(delivery: DeliveryRecord) -> dict[str, Any]:
    # A pending delivery is due at once after a restart (its retry time is monotonic).
    return _fields(delivery, ("id", "body", "next_attempt_at"))


def _fields(record: Any, leave_out: tuple[str, ...]) -> dict[str, Any]:
    return {name: value for name, value in asdict(record).items() if name not in leave_out}


def _saved(fields: dict[str, Any], raw: bytes | None) -> Saved:
    reply = Reply(fields["status"], fields["body"], fields["headers"], fields["media_type"], raw)
    return Saved(fields["fingerprint"], reply, fields["stored_at"])


def _ontology(found: dict[str, Any]) -> Ontology:
    return Ontology(
        {item["id"]: item for item in found["entity_types"]},
        {item["id"]: item for item in found["relation_types"]},
        found["version"],
        found["updated_at"],
    )
