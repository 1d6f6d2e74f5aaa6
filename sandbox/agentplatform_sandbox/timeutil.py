"""RFC 3339 timestamps: formatting, lenient-but-correct parsing and total ordering."""

from __future__ import annotations

import datetime as dt
import re

_RFC3339 = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$"
)
_MAX = dt.datetime(9999, 12, 31, 23, 59, 59, tzinfo=dt.UTC)
_MIN_NAIVE = dt.datetime(1, 1, 1)


def iso(timestamp: float) -> str:
    """Format Unix seconds as `2026-01-01T00:00:00.000Z`, clamped to year 9999."""
    try:
        moment = dt.datetime.fromtimestamp(timestamp, dt.UTC)
    except (OverflowError, OSError, ValueError):
        moment = _MAX
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def parse_datetime(text: str) -> dt.datetime | None:
    """Parse an RFC 3339 date-time into an aware datetime, or None when it is not one.

    A leap second (`:60`) is read as `:59`.
    """
    match = _RFC3339.match(text)
    if match is None:
        return None
    year, month, day, hour, minute, second, fraction, offset = match.groups()
    try:
        micro = int((fraction or ".0")[1:7].ljust(6, "0"))
        if offset in ("Z", "z"):
            tz = dt.UTC
        else:
            sign = 1 if offset[0] == "+" else -1
            hours, minutes = int(offset[1:3]), int(offset[4:6])
            if hours > 23 or minutes > 59:
                return None
            tz = dt.timezone(sign * dt.timedelta(hours=hours, minutes=minutes))
        return dt.datetime(
            int(year),
            int(month),
            int(day),
            int(hour),
            int(minute),
            59 if int(second) == 60 else int(second),
            micro,
            tzinfo=tz,
        )
    except ValueError:
        return None


def instant_us(moment: dt.datetime) -> int:
    """Microseconds since 0001-01-01T00:00:00Z: a total order that never overflows."""
    offset = moment.utcoffset() or dt.timedelta(0)
    naive = moment.replace(tzinfo=None)
    return (naive - _MIN_NAIVE) // dt.timedelta(microseconds=1) - offset // dt.timedelta(
        microseconds=1
    )


def unix_to_instant_us(timestamp: float) -> int:
    """The `instant_us` of Unix seconds."""
    epoch = instant_us(dt.datetime(1970, 1, 1, tzinfo=dt.UTC))
    return epoch + int(timestamp * 1_000_000)
