"""The spool: batches kept on disk until the service acknowledges them.

One file per batch, `<ns>-<pid>-<n>.jsonl`: a header line with the batch's idempotency
key and record count, then one JSON record per line. Files are written to a temporary
name, fsynced and renamed into place, so a reader never sees half a batch. A process
takes an exclusive lock on the directory; only the lock holder sends the batches that
earlier processes left. Others still spool their own batches there.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import threading
import time
from pathlib import Path

import attrs

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: no directory lock
    fcntl = None  # type: ignore[assignment]

logger = logging.getLogger("agentplatform.telemetry")

SUFFIX = ".jsonl"
_TMP_PREFIX = ".tmp-"
_TMP_SUFFIX = ".part"
_LOCK_NAME = ".lock"
_STALE_TMP_S = 600.0
FORMAT_VERSION = 1


class SpoolFull(Exception):
    """The spool has no room for another batch."""


@attrs.define(eq=False)
class SpoolFile:
    """A batch on disk."""

    path: Path
    key: str
    count: int
    size: int


class Spool:
    """The spool directory of one channel (`<spool_dir>/<channel>`)."""

    def __init__(self, root: Path, channel: str, max_bytes: int) -> None:
        self.directory = Path(root) / channel
        self.channel = channel
        self.max_bytes = max_bytes
        self.used_bytes = 0
        self.owner = False
        self._lock_fd: int | None = None
        self._names = 0
        self._mutex = threading.Lock()

    def open(self) -> list[SpoolFile]:
        """Create the directory, try to own it, and return the batches earlier processes left
        (oldest first; none unless this process owns the directory)."""
        self.directory.mkdir(parents=True, exist_ok=True)
        self.owner = self._lock()
        if not self.owner:
            logger.info(
                "telemetry spool %s is owned by another process; its batches are left to it",
                self.directory,
            )
            return []
        self._remove_stale_temporaries()
        found = []
        for path in sorted(self.directory.glob("*" + SUFFIX)):
            if path.name.startswith("."):
                continue
            entry = self._read_header(path)
            if entry is not None:
                found.append(entry)
                self.used_bytes += entry.size
        return found

    def close(self) -> None:
        """Release the directory lock."""
        if self._lock_fd is not None:
            with contextlib.suppress(OSError):
                os.close(self._lock_fd)
            self._lock_fd = None
        self.owner = False

    def forget_lock(self) -> None:
        """In a forked child: drop the inherited lock without releasing the parent's."""
        self._lock_fd = None
        self.owner = False
        self._mutex = threading.Lock()

    def write(self, key: str, lines: list[bytes]) -> SpoolFile:
        """Write a batch atomically; raise `SpoolFull` when it does not fit."""
        header = json.dumps(
            {
                "spool": FORMAT_VERSION,
                "channel": self.channel,
                "idempotency_key": key,
                "count": len(lines),
            }
        ).encode()
        data = b"\n".join([header, *lines]) + b"\n"
        with self._mutex:
            if self.used_bytes + len(data) > self.max_bytes:
                raise SpoolFull(f"{self.directory} holds {self.used_bytes} bytes")
            self.used_bytes += len(data)
            self._names += 1
            name = f"{time.time_ns():020d}-{os.getpid()}-{self._names:06d}{SUFFIX}"
        path = self.directory / name
        tmp = self.directory / (_TMP_PREFIX + name + _TMP_SUFFIX)
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            try:
                view = memoryview(data)
                while view:
                    view = view[os.write(fd, view) :]
                os.fsync(fd)
            finally:
                os.close(fd)
            os.replace(tmp, path)
            self._sync_directory()
        except OSError:
            with self._mutex:
                self.used_bytes -= len(data)
            with contextlib.suppress(OSError):
                tmp.unlink()
            raise
        return SpoolFile(path, key, len(lines), len(data))

    def read(self, entry: SpoolFile) -> list[bytes]:
        """The record lines of a spooled batch."""
        lines = entry.path.read_bytes().split(b"\n")
        records = [line for line in lines[1:] if line.strip()]
        if len(records) != entry.count:
            raise ValueError(f"{entry.path} holds {len(records)} records, not {entry.count}")
        return records

    def delete(self, entry: SpoolFile) -> None:
        """Remove an acknowledged batch."""
        try:
            entry.path.unlink()
        except FileNotFoundError:
            return
        with self._mutex:
            self.used_bytes = max(0, self.used_bytes - entry.size)

    def quarantine(self, entry: SpoolFile) -> None:
        """Set aside a file that cannot be read, so it is not tried again."""
        with contextlib.suppress(OSError):
            entry.path.rename(entry.path.with_suffix(".corrupt"))
        with self._mutex:
            self.used_bytes = max(0, self.used_bytes - entry.size)

    def _read_header(self, path: Path) -> SpoolFile | None:
        try:
            with path.open("rb") as file:
                header = json.loads(file.readline())
            size = path.stat().st_size
            key, count = header["idempotency_key"], header["count"]
            if header.get("spool") != FORMAT_VERSION or not isinstance(key, str) or not key:
                raise ValueError("unknown spool format")
            if not isinstance(count, int) or count < 1:
                raise ValueError("bad record count")
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, TypeError) as exc:
            logger.warning("telemetry spool file %s is unreadable (%s); set aside", path, exc)
            with contextlib.suppress(OSError):
                path.rename(path.with_suffix(".corrupt"))
            return None
        return SpoolFile(path, key, count, size)

    def _lock(self) -> bool:
        if fcntl is None:  # pragma: no cover - Windows
            return True
        fd = os.open(self.directory / _LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            return False
        self._lock_fd = fd
        return True

    def _remove_stale_temporaries(self) -> None:
        now = time.time()
        for tmp in self.directory.glob(_TMP_PREFIX + "*" + _TMP_SUFFIX):
            with contextlib.suppress(OSError):
                if now - tmp.stat().st_mtime > _STALE_TMP_S:
                    tmp.unlink()

    def _sync_directory(self) -> None:
        try:
            fd = os.open(self.directory, os.O_RDONLY)
        except OSError:  # pragma: no cover - platforms that cannot open directories
            return
        try:
            os.fsync(fd)
        except OSError:  # pragma: no cover - file systems without directory fsync
            pass
        finally:
            os.close(fd)
