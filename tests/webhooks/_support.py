"""The official test vector, secrets, event bodies and signing helpers of the webhook tests."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from typing import Any

import pytest
from agentplatform import webhooks
from agentplatform.errors import WebhookVerificationError

# The official test vector of the Standard Webhooks reference libraries.
VECTOR_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
VECTOR_MSG_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek"
VECTOR_TIMESTAMP = 1614265330
VECTOR_BODY = '{"test": 2432232314}'
VECTOR_SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="

SECRET = "whsec_" + base64.b64encode(b"k" * 32).decode()
OTHER_SECRET = "whsec_" + base64.b64encode(b"o" * 32).decode()
NOW = 1_767_225_600  # 2026-01-01T00:00:00Z
MSG_ID = "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W"

ANOMALY = {
    "id": "anom_01",
    "anomaly_type": "latency_spike",
    "severity": "high",
    "detection_method": "zscore",
    "service_name": "support-bot",
    "metric": "latency_ms",
    "observed_value": 9800,
    "expected_value": 420,
    "score": 6.2,
    "event_id": "evt_7f3a",
    "description": "latency_ms is 6.2 standard deviations above the mean.",
    "detected_at": "2026-01-01T00:00:01Z",
}
RESEARCH_JOB = {
    "id": "job_01",
    "query": "How do agents use graph memory?",
    "status": "completed",
    "progress": 1,
    "result": {"summary": "They store facts.", "sources": []},
    "error": None,
    "created_at": "2026-01-01T00:00:00Z",
    "updated_at": "2026-01-01T00:00:02Z",
}
ENTITY_DELETED = {"entity_id": "ent_42", "type": "Person"}
EVENT_DATA: dict[str, dict[str, Any]] = {
    "anomaly.detected": ANOMALY,
    "research.completed": RESEARCH_JOB,
    "entity.deleted": ENTITY_DELETED,
}


def event_body(event_type: str = "entity.deleted", data: Any = None, **extra: Any) -> bytes:
    document = {
        "id": "evt_01",
        "type": event_type,
        "timestamp": "2026-01-01T00:00:00Z",
        "data": EVENT_DATA.get(event_type, {"x": 1}) if data is None else data,
        **extra,
    }
    return json.dumps(document, separators=(",", ":")).encode()


def signed(
    body: bytes | str, secret: str = SECRET, *, timestamp: int = NOW, msg_id: str = MSG_ID
) -> dict[str, str]:
    return webhooks.sign(body, secret, msg_id=msg_id, timestamp=timestamp)


def raw_signature(key: bytes, msg_id: str, timestamp: str, body: bytes) -> str:
    """An independent computation of one `v1` signature, from the spec's formula."""
    digest = hmac.new(key, f"{msg_id}.{timestamp}.".encode() + body, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def key_of(secret: str) -> bytes:
    return base64.b64decode(secret.removeprefix("whsec_"))


def reject(body: bytes | str, headers: Any, secret: Any = SECRET, **kwargs: Any) -> str:
    """Verify, expect `WebhookVerificationError`, return its message."""
    kwargs.setdefault("now", NOW)
    with pytest.raises(WebhookVerificationError) as caught:
        webhooks.verify(body, headers, secret, **kwargs)
    return str(caught.value)
