"""Verify and parse webhook deliveries signed per Standard Webhooks.

A delivery carries three headers: `webhook-id`, `webhook-timestamp` (Unix seconds) and
`webhook-signature`, a space-separated list of `v1,<base64 HMAC-SHA256>` signatures of
`{webhook-id}.{webhook-timestamp}.{body}` made with the endpoint's `whsec_` secret.

```python
from agentplatform import webhooks

event = webhooks.verify(request_body_bytes, request.headers, "whsec_...")
if event.type_ == "anomaly.detected":
    print(event.data.severity)
```

Pass the raw body exactly as received: re-serialised JSON does not verify.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import hmac
import json
import math
import re
import time
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, TypeAlias

import attrs
from agentplatform_api.models import (
    AnomalyDetectedEvent,
    EntityDeletedEvent,
    ResearchCompletedEvent,
)

from ._validation import checker_for
from .errors import WebhookVerificationError

__all__ = [
    "DEFAULT_TOLERANCE",
    "UnknownWebhookEvent",
    "WebhookEvent",
    "WebhookVerificationError",
    "sign",
    "verify",
]

DEFAULT_TOLERANCE = 300.0
"""Seconds a `webhook-timestamp` may differ from now, in either direction."""

_SECRET_PREFIX = "whsec_"  # noqa: S105 - a format prefix, not a secret
_ID_HEADER = "webhook-id"
_TIMESTAMP_HEADER = "webhook-timestamp"
_SIGNATURE_HEADER = "webhook-signature"
_SIGNATURE_VERSION = "v1"
_DIGITS = re.compile(r"[0-9]+")
# Enough for any Unix time in seconds this side of year 31 billion; longer values are
# treated as infinitely far in the future instead of being converted.
_MAX_TIMESTAMP_DIGITS = 18


@attrs.frozen
class UnknownWebhookEvent:
    """A verified delivery whose `type` this SDK version does not know yet.

    Receivers keep working when the API adds an event type: log or ignore it.

    Attributes:
        id: the event id.
        type_: the event type, e.g. `"invoice.paid"` (named like the typed events' field).
        timestamp: when the event occurred.
        data: the event's `data` object, as parsed JSON.
        raw: the whole parsed body.
    """

    id: str
    type_: str
    timestamp: datetime.datetime
    data: dict[str, Any]
    raw: dict[str, Any]


WebhookEvent: TypeAlias = (
    AnomalyDetectedEvent | ResearchCompletedEvent | EntityDeletedEvent | UnknownWebhookEvent
)
"""What `verify` returns: a typed event per known `type`, else `UnknownWebhookEvent`."""

_EVENT_PARSERS: dict[str, Callable[[Mapping[str, Any]], WebhookEvent]] = {
    "anomaly.detected": AnomalyDetectedEvent.from_dict,
    "research.completed": ResearchCompletedEvent.from_dict,
    "entity.deleted": EntityDeletedEvent.from_dict,
}


def verify(
    body: bytes | str,
    headers: Mapping[str, str],
    secret: str | Sequence[str],
    *,
    tolerance: float = DEFAULT_TOLERANCE,
    now: float | None = None,
) -> WebhookEvent:
    """Check a delivery's signature and timestamp, then parse its body into an event.

    Args:
        body: the raw request body, exactly as received.
        headers: the request headers, looked up case-insensitively: a dict,
            `httpx.Headers`, Starlette or Werkzeug headers, or another mapping.
        secret: the endpoint's `whsec_...` secret, or several while rotating secrets;
            the delivery is accepted when any `v1` signature matches any secret.
            A secret without the `whsec_` prefix is read as plain base64.
        tolerance: how many seconds `webhook-timestamp` may lie before or after `now`.
        now: the current Unix time; defaults to the system clock.

    Returns:
        `AnomalyDetectedEvent`, `ResearchCompletedEvent`, `EntityDeletedEvent`, or
        `UnknownWebhookEvent` for a type this SDK version does not know.

    Raises:
        WebhookVerificationError: on any missing or malformed header, a timestamp
            outside the tolerance, no matching signature, an invalid secret, or a body
            that is signed correctly but is not an event of the API's schema.
    """
    keys = _decode_secrets(secret)
    current = _check_clock(tolerance, now)
    payload = _body_bytes(body)
    msg_id = _header(headers, _ID_HEADER)
    timestamp = _header(headers, _TIMESTAMP_HEADER)
    signature_header = _header(headers, _SIGNATURE_HEADER)
    _check_timestamp(timestamp, tolerance, current)
    signatures, malformed, other_versions = _parse_signatures(signature_header)
    signed = _signed_content(msg_id, timestamp, payload)
    for key in keys:
        expected = hmac.new(key, signed, hashlib.sha256).digest()
        for candidate in signatures:
            if hmac.compare_digest(expected, candidate):
                return _parse_event(payload)
    raise WebhookVerificationError(_mismatch_message(signatures, malformed, other_versions))


def sign(
    body: bytes | str,
    secret: str | Sequence[str],
    *,
    msg_id: str | None = None,
    timestamp: int | float | datetime.datetime | None = None,
) -> dict[str, str]:
    """Sign a body like the API does, for testing your own webhook receiver.

    Args:
        body: the exact body you will send.
        secret: a `whsec_...` secret, or several to emit one signature per secret.
        msg_id: the `webhook-id`; a fresh `msg_...` id by default.
        timestamp: Unix seconds or a datetime (naive means UTC); now by default.

    Returns:
        The `webhook-id`, `webhook-timestamp` and `webhook-signature` headers.

    Raises:
        WebhookVerificationError: an invalid secret, empty `msg_id` or negative timestamp.
    """
    keys = _decode_secrets(secret)
    payload = _body_bytes(body)
    msg_id = f"msg_{uuid.uuid4().hex}" if msg_id is None else msg_id
    if not isinstance(msg_id, str) or not msg_id:
        raise WebhookVerificationError("Cannot sign: msg_id must be a non-empty string.")
    timestamp_text = str(_unix_seconds(timestamp))
    signed = _signed_content(msg_id, timestamp_text, payload)
    signatures = [
        f"{_SIGNATURE_VERSION},"
        + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode("ascii")
        for key in keys
    ]
    return {
        _ID_HEADER: msg_id,
        _TIMESTAMP_HEADER: timestamp_text,
        _SIGNATURE_HEADER: " ".join(signatures),
    }


def _decode_secrets(secret: str | Sequence[str]) -> list[bytes]:
    if isinstance(secret, str):
        return [_decode_secret(secret, "The webhook secret")]
    if isinstance(secret, bytes | bytearray | memoryview) or not isinstance(secret, Iterable):
        raise WebhookVerificationError(
            "The webhook secret must be a 'whsec_...' string or a sequence of them."
        )
    secrets = list(secret)
    if not secrets:
        raise WebhookVerificationError("No webhook secret given: pass at least one 'whsec_...'.")
    return [
        _decode_secret(item, f"Webhook secret #{position}")
        for position, item in enumerate(secrets, start=1)
    ]


def _decode_secret(secret: object, label: str) -> bytes:
    # Messages never include the secret itself.
    if not isinstance(secret, str):
        raise WebhookVerificationError(
            f"{label} must be a 'whsec_...' string, not {type(secret).__name__}."
        )
    text = secret.strip()
    text = text.removeprefix(_SECRET_PREFIX)
    key = _b64decode(text)
    if key is None:
        raise WebhookVerificationError(
            f"{label} is not valid: expected 'whsec_' followed by base64, "
            "as shown when the webhook endpoint was created."
        )
    if not key:
        raise WebhookVerificationError(f"{label} is empty.")
    return key


def _b64decode(text: str) -> bytes | None:
    """Strict-alphabet base64 that tolerates missing or extra `=` padding."""
    stripped = text.rstrip("=")
    try:
        return base64.b64decode(stripped + "=" * (-len(stripped) % 4), validate=True)
    except ValueError:  # binascii.Error, or non-ASCII characters
        return None


def _check_clock(tolerance: float, now: float | None) -> float:
    if (
        isinstance(tolerance, bool)
        or not isinstance(tolerance, int | float)
        or math.isnan(tolerance)
        or tolerance < 0
    ):
        raise WebhookVerificationError(
            f"tolerance must be a non-negative number of seconds, got {tolerance!r}."
        )
    if now is None:
        return time.time()
    if isinstance(now, bool) or not isinstance(now, int | float) or not math.isfinite(now):
        raise WebhookVerificationError(f"now must be a finite Unix time, got {now!r}.")
    return float(now)


def _body_bytes(body: bytes | str) -> bytes:
    if isinstance(body, str):
        try:
            return body.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise WebhookVerificationError(
                "The webhook body is a str that cannot be encoded as UTF-8; "
                "pass the raw request bytes."
            ) from exc
    if isinstance(body, bytes | bytearray | memoryview):
        return bytes(body)
    raise WebhookVerificationError(
        f"The webhook body must be the raw request bytes (or str), not {type(body).__name__}."
    )


def _header(headers: Mapping[str, str], name: str) -> str:
    value: object = headers.get(name)
    if value is None:
        for key, candidate in headers.items():
            if isinstance(key, str) and key.lower() == name:
                value = candidate
                break
    if value is None or value == "":
        raise WebhookVerificationError(
            f"The {name} header is missing or empty: "
            "is this a webhook delivery from the Agent Platform?"
        )
    if not isinstance(value, str):
        raise WebhookVerificationError(
            f"The {name} header must be a string, not {type(value).__name__}."
        )
    return value


def _check_timestamp(value: str, tolerance: float, now: float) -> None:
    if not _DIGITS.fullmatch(value):
        raise WebhookVerificationError(
            f"The webhook-timestamp header must be Unix time in whole seconds, got {value[:40]!r}."
        )
    digits = value.lstrip("0") or "0"
    sent: float = int(digits) if len(digits) <= _MAX_TIMESTAMP_DIGITS else math.inf
    if now - sent > tolerance:
        raise WebhookVerificationError(
            f"The webhook-timestamp is {now - sent:.0f} s old, more than the {tolerance:g} s "
            "tolerance: the delivery is stale or replayed, or this machine's clock is wrong."
        )
    if sent - now > tolerance:
        raise WebhookVerificationError(
            f"The webhook-timestamp is {sent - now:.0f} s in the future, more than the "
            f"{tolerance:g} s tolerance: check this machine's clock."
        )


def _parse_signatures(value: str) -> tuple[list[bytes], int, set[str]]:
    """The decoded `v1` signatures, the count of malformed entries, other versions seen."""
    entries = value.split()
    if not entries:
        raise WebhookVerificationError("The webhook-signature header lists no signatures.")
    signatures: list[bytes] = []
    malformed = 0
    other_versions: set[str] = set()
    for entry in entries:
        version, comma, encoded = entry.partition(",")
        if not comma or not version:
            malformed += 1
        elif version != _SIGNATURE_VERSION:
            other_versions.add(version)
        elif decoded := _b64decode(encoded):
            signatures.append(decoded)
        else:
            malformed += 1
    return signatures, malformed, other_versions


def _mismatch_message(signatures: list[bytes], malformed: int, other_versions: set[str]) -> str:
    if malformed:
        return (
            f"The webhook-signature header has {malformed} malformed entr"
            f"{'y' if malformed == 1 else 'ies'} (expected 'v1,<base64>') "
            "and no valid signature matches."
        )
    if not signatures:
        versions = ", ".join(sorted(repr(version[:20]) for version in other_versions))
        return f"The webhook-signature header has no 'v1' signature (only {versions})."
    return (
        "No webhook signature matches: the body, webhook-id or webhook-timestamp was "
        "altered (pass the raw body, not re-serialised JSON), or the secret is wrong."
    )


def _signed_content(msg_id: str, timestamp: str, payload: bytes) -> bytes:
    try:
        prefix = f"{msg_id}.{timestamp}.".encode()
    except UnicodeEncodeError as exc:
        raise WebhookVerificationError("The webhook-id header cannot be encoded as UTF-8.") from exc
    return prefix + payload


def _unix_seconds(timestamp: int | float | datetime.datetime | None) -> int:
    if timestamp is None:
        return math.floor(time.time())
    if isinstance(timestamp, datetime.datetime):
        if timestamp.tzinfo is None:
            timestamp = timestamp.replace(tzinfo=datetime.UTC)
        seconds = timestamp.timestamp()
    elif isinstance(timestamp, int | float) and not isinstance(timestamp, bool):
        seconds = timestamp
    else:
        raise WebhookVerificationError(
            f"Cannot sign: timestamp must be Unix seconds or a datetime, not {timestamp!r}."
        )
    if not math.isfinite(seconds) or seconds < 0:
        raise WebhookVerificationError(
            f"Cannot sign: timestamp must be a non-negative Unix time, got {timestamp!r}."
        )
    return math.floor(seconds)


def _parse_event(payload: bytes) -> WebhookEvent:
    try:
        document = json.loads(payload.decode("utf-8"))
    except (ValueError, RecursionError) as exc:  # includes UnicodeDecodeError, JSONDecodeError
        raise WebhookVerificationError(
            "The webhook signature is valid but the body is not UTF-8 JSON."
        ) from exc
    if not isinstance(document, dict):
        raise WebhookVerificationError(
            "The webhook signature is valid but the body is not a JSON object, "
            "so it does not match the API schema of webhook events."
        )
    event_type = document.get("type")
    if not isinstance(event_type, str):
        raise _schema_error("a string 'type' is missing")
    event_id = document.get("id")
    if not isinstance(event_id, str):
        raise _schema_error(f"{event_type} event: a string 'id' is missing")
    timestamp = _iso_datetime(document.get("timestamp"))
    if timestamp is None:
        raise _schema_error(f"{event_type} event: 'timestamp' is not an ISO 8601 date-time")
    data = document.get("data")
    if not isinstance(data, dict):
        raise _schema_error(f"{event_type} event: 'data' is not an object")
    parser = _EVENT_PARSERS.get(event_type)
    if parser is None:
        return UnknownWebhookEvent(
            id=event_id, type_=event_type, timestamp=timestamp, data=data, raw=document
        )
    try:
        event = parser(document)
    except KeyError as exc:
        raise _schema_error(f"{event_type} event: required field {exc} is missing") from exc
    except Exception as exc:  # the generated parser signals a mismatch in many ways
        raise _schema_error(f"{event_type} event: {type(exc).__name__}: {exc}") from exc
    # from_dict keeps wrongly typed values; check the parsed model against its field types.
    problem = checker_for(type(event))(event, "")
    if problem is not None:
        where, expected = problem
        raise _schema_error(f"{event_type} event: field {where!r} should be {expected}")
    return event


def _iso_datetime(value: object) -> datetime.datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.datetime.fromisoformat(value)
    except ValueError:
        return None


def _schema_error(detail: str) -> WebhookVerificationError:
    return WebhookVerificationError(
        f"The webhook signature is valid but the body does not match the API schema "
        f"({detail}); upgrading agentplatform may help."
    )
