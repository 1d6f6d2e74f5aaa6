"""Webhook secrets, `sign()`, and the public API."""

from __future__ import annotations

import base64
import datetime
from typing import Any

import pytest
from agentplatform import webhooks
from agentplatform.errors import AgentPlatformError, WebhookVerificationError
from agentplatform_api.models import (
    AnomalyDetectedEvent,
    EntityDeletedEvent,
    ResearchCompletedEvent,
)

from ._support import (
    MSG_ID,
    NOW,
    OTHER_SECRET,
    SECRET,
    event_body,
    reject,
    signed,
)

# --- secrets ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("secret", "expected"),
    [
        ("whsec_!!!not-base64", "not valid"),
        ("whsec_a", "not valid"),
        ("whsec_", "is empty"),
        ("", "is empty"),
        ("whsec_==", "is empty"),
        ("whsec_éé", "not valid"),
        ("whsk_" + base64.b64encode(b"k" * 32).decode(), "not valid"),
        (b"raw-bytes", "must be a 'whsec_...' string"),
        (None, "must be a 'whsec_...' string"),
        ([], "No webhook secret given"),
        ([SECRET, "whsec_!!"], "Webhook secret #2 is not valid"),
        ([SECRET, 42], "Webhook secret #2 must be"),
    ],
)
def test_invalid_secret_is_rejected(secret: Any, expected: str) -> None:
    body = event_body()
    message = reject(body, signed(body), secret)
    assert expected in message


def test_secret_surrounding_whitespace_is_ignored() -> None:
    body = event_body()
    event = webhooks.verify(body, signed(body), f"  {SECRET}\n", now=NOW)
    assert isinstance(event, EntityDeletedEvent)


def test_errors_never_contain_the_secret() -> None:
    body = event_body()
    bad_secret = "whsec_" + "Zm9v" * 8 + "!"
    messages = [
        reject(body, signed(body), bad_secret),
        reject(body, signed(body), OTHER_SECRET),
        reject(body, {}, OTHER_SECRET),
    ]
    for message in messages:
        assert bad_secret[6:] not in message
        assert OTHER_SECRET[6:] not in message


# --- sign() -----------------------------------------------------------------------------


def test_sign_defaults_to_a_fresh_id_and_now(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(webhooks.time, "time", lambda: NOW + 0.9)
    body = event_body()
    first = webhooks.sign(body, SECRET)
    second = webhooks.sign(body, SECRET)
    assert first["webhook-timestamp"] == str(NOW)
    assert first["webhook-id"].startswith("msg_")
    assert first["webhook-id"] != second["webhook-id"]
    assert isinstance(webhooks.verify(body, first, SECRET), EntityDeletedEvent)


@pytest.mark.parametrize(
    "timestamp",
    [
        NOW,
        NOW + 0.99,
        datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC),
        datetime.datetime(2026, 1, 1),  # naive: UTC
        datetime.datetime(2026, 1, 1, 2, tzinfo=datetime.timezone(datetime.timedelta(hours=2))),
    ],
)
def test_sign_accepts_unix_seconds_and_datetimes(timestamp: Any) -> None:
    headers = webhooks.sign("x", SECRET, msg_id=MSG_ID, timestamp=timestamp)
    assert headers["webhook-timestamp"] == str(NOW)


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({"msg_id": ""}, "msg_id"),
        ({"timestamp": -1}, "non-negative"),
        ({"timestamp": float("inf")}, "non-negative"),
        ({"timestamp": "2026-01-01"}, "Unix seconds or a datetime"),
    ],
)
def test_sign_rejects_invalid_arguments(kwargs: dict[str, Any], expected: str) -> None:
    with pytest.raises(WebhookVerificationError, match=expected):
        webhooks.sign("x", SECRET, **kwargs)
    with pytest.raises(WebhookVerificationError, match="not valid"):
        webhooks.sign("x", "whsec_!!")


def test_body_of_wrong_type_is_rejected() -> None:
    assert "raw request bytes" in reject({"id": "x"}, signed(b"{}"))  # type: ignore[arg-type]
    assert "cannot be encoded as UTF-8" in reject("\ud800", signed(b"{}"))


def test_public_api() -> None:
    assert set(webhooks.__all__) == {
        "DEFAULT_TOLERANCE",
        "UnknownWebhookEvent",
        "WebhookEvent",
        "WebhookVerificationError",
        "sign",
        "verify",
    }
    assert webhooks.DEFAULT_TOLERANCE == 300
    assert issubclass(webhooks.WebhookVerificationError, AgentPlatformError)
    assert set(webhooks.WebhookEvent.__args__) == {
        AnomalyDetectedEvent,
        ResearchCompletedEvent,
        EntityDeletedEvent,
        webhooks.UnknownWebhookEvent,
    }
