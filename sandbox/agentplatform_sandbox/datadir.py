"""A data dir's lock file and database file: claim it, open it, check its schema."""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # sqlite3 is imported when a data dir is opened, not with the package
    import sqlite3

SCHEMA_VERSION = 1
"""The schema this sandbox writes; a database of a newer one is refused."""

_APPLICATION = "agentplatform-sandbox"
_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE stored (
    kind TEXT NOT NULL, tenant TEXT NOT NULL, id TEXT NOT NULL,
    seq INTEGER NOT NULL, data TEXT NOT NULL, extra TEXT NOT NULL,
    PRIMARY KEY (kind, tenant, id)
);
CREATE TABLE ontologies (tenant TEXT PRIMARY KEY, data TEXT NOT NULL);
CREATE TABLE messages (
    tenant TEXT NOT NULL, conversation_id TEXT NOT NULL, message_id TEXT NOT NULL
);
CREATE TABLE api_keys (
    id TEXT PRIMARY KEY, digest TEXT NOT NULL, revoked INTEGER NOT NULL, data TEXT NOT NULL
);
CREATE TABLE deliveries (id TEXT PRIMARY KEY, data TEXT NOT NULL, body BLOB NOT NULL);
CREATE TABLE idempotency (
    tenant TEXT NOT NULL, key TEXT NOT NULL, data TEXT NOT NULL, raw BLOB,
    PRIMARY KEY (tenant, key)
);
"""
# Upgrades from an older schema: MIGRATIONS[n] takes a database from version n to n + 1.
MIGRATIONS: dict[int, str] = {}


class DataDirError(RuntimeError):
    """A data dir cannot be used: in use, not a directory, corrupt, or too new."""


class DirLock:
    """An exclusive lock on `DIR/sandbox.lock`, held while the sandbox uses DIR; the
    file names the process that holds it. Released by `release` or when the process
    ends (however it ends)."""

    def __init__(self, data_dir: Path) -> None:
        if data_dir.exists() and not data_dir.is_dir():
            raise DataDirError(f"{data_dir}: the data dir is a file, not a directory")
        try:
            data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
            self.path = data_dir / "sandbox.lock"
            self._fd: int | None = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError as exc:
            raise DataDirError(f"{data_dir}: cannot use it as a data dir ({exc})") from exc
        if not _try_lock(self._fd):
            holder = os.read(self._fd, 64).decode(errors="replace").strip() or "unknown"
            os.close(self._fd)
            self._fd = None
            raise DataDirError(
                f"{data_dir} is in use by another sandbox (process {holder}); stop it "
                "or choose another data dir"
            )
        os.ftruncate(self._fd, 0)
        os.write(self._fd, f"{os.getpid()}\n".encode())

    def release(self) -> None:
        """Give the directory up (a second call does nothing)."""
        if self._fd is not None:
            os.close(self._fd)  # closing the descriptor releases its lock
            self._fd = None


def _try_lock(fd: int) -> bool:
    if sys.platform == "win32":  # pragma: no cover - the tests run on Linux
        import msvcrt

        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    import fcntl

    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


def open_database(path: Path) -> sqlite3.Connection:
    """Open (or create) the database at `path`, in WAL mode, at `SCHEMA_VERSION`.

    Raises:
        DataDirError: naming `path`, when it is not a sandbox database, is corrupt or
            was written by a newer sandbox.
    """
    import sqlite3

    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    try:
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master")}
        if not tables:
            _create(db)
        elif "meta" not in tables:
            raise DataDirError(f"{path}: this SQLite file is not a sandbox database")
        _check_version(db, path)
    except sqlite3.DatabaseError as exc:
        db.close()
        raise DataDirError(f"{path}: cannot be read as a sandbox database ({exc})") from exc
    except BaseException:
        db.close()
        raise
    return db


def _create(db: sqlite3.Connection) -> None:
    db.execute("BEGIN")
    _run(db, _SCHEMA)
    db.execute("INSERT INTO meta VALUES ('application', ?)", (_APPLICATION,))
    db.execute("INSERT INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))
    db.execute("COMMIT")


def _check_version(db: sqlite3.Connection, path: Path) -> None:
    meta = dict(db.execute("SELECT key, value FROM meta"))
    if meta.get("application") != _APPLICATION:
        raise DataDirError(f"{path}: this SQLite file is not a sandbox database")
    found = meta.get("schema_version", "")
    if not found.isdigit():
        raise DataDirError(f"{path}: the schema version {found!r} is not a number")
    version = int(found)
    if version > SCHEMA_VERSION:
        raise DataDirError(
            f"{path} was written by a newer sandbox (schema version {version}; this one "
            f"reads up to {SCHEMA_VERSION}): upgrade agentplatform or use another data dir"
        )
    if version < SCHEMA_VERSION:
        if any(step not in MIGRATIONS for step in range(version, SCHEMA_VERSION)):
            raise DataDirError(f"{path}: schema version {version} cannot be upgraded")
        db.execute("BEGIN")
        for step in range(version, SCHEMA_VERSION):
            _run(db, MIGRATIONS[step])
        db.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (str(SCHEMA_VERSION),))
        db.execute("COMMIT")


def _run(db: sqlite3.Connection, script: str) -> None:
    """Execute `;`-separated statements inside the open transaction."""
    for statement in script.split(";"):
        if statement.strip():
            db.execute(statement)
