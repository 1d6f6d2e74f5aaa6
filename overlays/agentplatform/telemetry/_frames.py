"""Record frames: how one queued record is stored in a spool segment.

A frame is `length (u32) | crc32 (u32) | codec (u8) | body`, little-endian. The body is
the queued item `(payload, event_id, created)` in `marshal` format (version 4), which
costs a fraction of JSON encoding on the caller's thread; an item `marshal` cannot
hold (datetimes, enums, numpy values in attributes...) is stored as its JSON record
instead. JSON for the wire is made when the exporter reads the frame, exactly as for
records that are only in memory, so the same frame always gives the same bytes.

A frame whose length runs past the end of the file, or whose checksum does not match,
marks the end of what a segment holds: it is the torn tail of a write that a crash or a
power loss interrupted (its `track()` never returned).
"""

from __future__ import annotations

import json
import marshal
import struct
import zlib
from collections.abc import Mapping
from typing import Any, BinaryIO

from . import _records
from ._records import Item

HEAD = struct.Struct("<IIB")
MARSHAL = 1
JSON = 2
MARSHAL_VERSION = 4
MAX_FRAME = 64 * 1024 * 1024
_pack_head = HEAD.pack
_dumps = marshal.dumps
_crc = zlib.crc32


def pack(item: Item, defaults: Mapping[str, Any]) -> bytes:
    """The frame of a queued item; raises TypeError/ValueError if it cannot be stored."""
    try:
        body = _dumps(item, MARSHAL_VERSION)
        codec = MARSHAL
    except ValueError:  # an object marshal does not know: keep its JSON record
        body = _records.encode(item, defaults)
        codec = JSON
    return _pack_head(len(body), _crc(body), codec) + body


def pack_line(line: bytes) -> bytes:
    """The frame of a record that is already a JSON wire line."""
    return _pack_head(len(line), _crc(line), JSON) + line


def unpack(codec: int, body: bytes) -> Item | dict[str, Any]:
    """The item (or, for a JSON frame, the record) a frame holds."""
    if codec == MARSHAL:
        value = marshal.loads(body)  # noqa: S302 - frames this process family wrote, checksummed
        if not (isinstance(value, tuple) and len(value) == 3 and isinstance(value[0], dict)):
            raise ValueError("not a queued record")
        return (value[0], str(value[1]), float(value[2]))
    if codec == JSON:
        record = json.loads(body)
        if not isinstance(record, dict):
            raise ValueError("not a record")
        return record
    raise ValueError(f"unknown frame codec {codec}")


def wire_line(codec: int, body: bytes, defaults: Mapping[str, Any]) -> bytes:
    """The record of a frame as one line of UTF-8 JSON, as it is sent."""
    if codec == JSON:
        return body
    value = unpack(codec, body)
    assert isinstance(value, tuple)
    return _records.encode(value, defaults)


def read(file: BinaryIO, limit: int) -> tuple[int, bytes] | None:
    """The next whole frame of `file` (codec, body) not going past offset `limit`; None at
    the end of what is readable (the limit, a torn tail, or a bad checksum)."""
    start = file.tell()
    if start + HEAD.size > limit:
        return None
    head = file.read(HEAD.size)
    if len(head) < HEAD.size:
        return None
    length, crc, codec = HEAD.unpack(head)
    if length == 0 or length > MAX_FRAME or start + HEAD.size + length > limit:
        return None
    body = file.read(length)
    if len(body) < length or _crc(body) != crc:
        return None
    return codec, body
