"""Fast random ids: uuid4 hex event ids, W3C trace and span ids.

`uuid.uuid4().hex` costs a system call and a `UUID` object per id, which is most of the
budget of an enqueue. Here ids are cut from one `os.urandom` read of 4 KiB, so the
amortised cost is a list-iterator step. After `fork()` the child drops the ids it
inherited, so parent and child never hand out the same one.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

_POOL_BYTES = 4096
_VERSION_4 = bytes((b & 0x0F) | 0x40 for b in range(256))
_RFC_4122_VARIANT = bytes((b & 0x3F) | 0x80 for b in range(256))


class _Pool:
    """Ids of one shape, made in bulk from the OS's random source."""

    def __init__(self, make: str) -> None:
        self._make = make
        self._ids: Iterator[str] = iter(())

    def reset(self) -> None:
        self._ids = iter(())

    def next(self) -> str:
        try:
            return next(self._ids)
        except StopIteration:
            return self._refill()

    def _refill(self) -> str:
        raw = bytearray(os.urandom(_POOL_BYTES))
        if self._make == "uuid4":
            raw[6::16] = raw[6::16].translate(_VERSION_4)
            raw[8::16] = raw[8::16].translate(_RFC_4122_VARIANT)
            width = 32
        else:
            width = 32 if self._make == "trace" else 16
        text = raw.hex()
        ids = [text[i : i + width] for i in range(0, len(text), width)]
        if self._make != "uuid4":
            ids = [i for i in ids if i.strip("0")]  # W3C: an all-zero id is invalid
        first = ids.pop()
        self._ids = iter(ids)
        return first


_event_ids = _Pool("uuid4")
_trace_ids = _Pool("trace")
_span_ids = _Pool("span")

event_id = _event_ids.next
"""A random uuid4 as 32 lowercase hex digits."""

trace_id = _trace_ids.next
"""A random W3C trace id: 32 lowercase hex digits, not all zero."""

span_id = _span_ids.next
"""A random W3C span id: 16 lowercase hex digits, not all zero."""


def _after_fork() -> None:
    for pool in (_event_ids, _trace_ids, _span_ids):
        pool.reset()


os.register_at_fork(after_in_child=_after_fork)
