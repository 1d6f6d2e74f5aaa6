"""Signatures (rotation, tampering, wrong secret, constant-time compare) and timestamps."""

from __future__ import annotations

import base64
import hmac
import json
from typing import Any

import pytest
from agentplatform import webhooks
from agentplatform.errors import WebhookVerificationError
from agentplatform_api.models import (
    EntityDeletedEvent,
)

from ._support import (
    MSG_ID,
    NOW,
    OTHER_SECRET,
    SECRET,
    event_body,
    key_of,
    raw_signature,
    reject,
    signed,
)

# --- signatures: rotation, tampering, wrong secret, constant-time compare ------------------


def test_valid_delivery_verifies() -> None:
    body = event_body()
    event = webhooks.verify(body, signed(body), SECRET, now=NOW)
    assert isinstance(event, EntityDeletedEvent)


def test_str_body_verifies_like_its_utf8_bytes() -> None:
    body = event_body(data={"entity_id": "ént_🙂", "type": "Person"}).decode()
    headers = signed(body.encode())
    event = webhooks.verify(body, headers, SECRET, now=NOW)
    assert isinstance(event, EntityDeletedEvent)
    assert event.data.entity_id == "ént_🙂"


def test_any_of_several_signatures_may_match_and_other_versions_are_ignored() -> None:
    body = event_body()
    good = signed(body)["webhook-signature"]
    wrong = signed(body, OTHER_SECRET)["webhook-signature"]
    headers = signed(body)
    headers["webhook-signature"] = f"v1a,{good[3:]} {wrong} v2,{good[3:]} {good}"
    assert isinstance(webhooks.verify(body, headers, SECRET, now=NOW), EntityDeletedEvent)
    # The same valid digest under another version label must not count.
    headers["webhook-signature"] = f"v1a,{good[3:]} v2,{good[3:]} {wrong}"
    assert "No webhook signature matches" in reject(body, headers)


def test_several_secrets_any_may_match() -> None:
    body = event_body()
    headers = signed(body, OTHER_SECRET)
    event = webhooks.verify(body, headers, [SECRET, OTHER_SECRET], now=NOW)
    assert isinstance(event, EntityDeletedEvent)
    assert isinstance(webhooks.verify(body, headers, (OTHER_SECRET,), now=NOW), EntityDeletedEvent)
    assert "No webhook signature matches" in reject(body, headers, [SECRET])


def test_sign_with_several_secrets_emits_one_signature_each() -> None:
    body = event_body()
    headers = webhooks.sign(body, [SECRET, OTHER_SECRET], msg_id=MSG_ID, timestamp=NOW)
    assert headers["webhook-signature"] == " ".join(
        [
            raw_signature(key_of(SECRET), MSG_ID, str(NOW), body),
            raw_signature(key_of(OTHER_SECRET), MSG_ID, str(NOW), body),
        ]
    )
    for secret in (SECRET, OTHER_SECRET):
        assert isinstance(webhooks.verify(body, headers, secret, now=NOW), EntityDeletedEvent)


def test_tampered_body_is_rejected() -> None:
    body = event_body()
    headers = signed(body)
    tampered = body.replace(b"ent_42", b"ent_43")
    assert tampered != body
    assert "No webhook signature matches" in reject(tampered, headers)
    # Re-serialised JSON (different whitespace) is a different body too.
    reserialised = json.dumps(json.loads(body)).encode()
    assert reserialised != body
    assert "No webhook signature matches" in reject(reserialised, headers)


def test_tampered_id_or_timestamp_is_rejected() -> None:
    body = event_body()
    headers = signed(body)
    assert "No webhook signature matches" in reject(body, {**headers, "webhook-id": "msg_other"})
    later = {**headers, "webhook-timestamp": str(NOW + 1)}
    assert "No webhook signature matches" in reject(body, later)


def test_wrong_secret_is_rejected() -> None:
    body = event_body()
    assert "No webhook signature matches" in reject(body, signed(body), OTHER_SECRET)


def test_signature_of_wrong_length_is_rejected() -> None:
    body = event_body()
    headers = signed(body)
    digest = base64.b64decode(headers["webhook-signature"][3:])
    truncated = "v1," + base64.b64encode(digest[:16]).decode()
    assert "No webhook signature matches" in reject(
        body, {**headers, "webhook-signature": truncated}
    )


def test_signatures_are_compared_with_hmac_compare_digest(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    body = event_body()
    headers = signed(body)
    provided = base64.b64decode(headers["webhook-signature"][3:])
    calls: list[tuple[bytes, bytes]] = []
    verdict = {"value": False}

    def spy(a: bytes, b: bytes) -> bool:
        calls.append((a, b))
        return verdict["value"]

    monkeypatch.setattr(hmac, "compare_digest", spy)
    # The decision is compare_digest's: a correct signature fails when it says no ...
    reject(body, headers)
    assert calls == [(provided, provided)]
    # ... and a wrong one passes when it says yes.
    verdict["value"] = True
    calls.clear()
    wrong = signed(body, OTHER_SECRET)
    assert isinstance(webhooks.verify(body, wrong, SECRET, now=NOW), EntityDeletedEvent)
    assert len(calls) == 1


# --- timestamps --------------------------------------------------------------------------


@pytest.mark.parametrize("offset", [-300, -1, 0, 1, 300])
def test_timestamp_within_tolerance_is_accepted(offset: int) -> None:
    body = event_body()
    headers = signed(body, timestamp=NOW + offset)
    assert isinstance(webhooks.verify(body, headers, SECRET, now=NOW), EntityDeletedEvent)


def test_timestamp_too_old_is_rejected() -> None:
    body = event_body()
    headers = signed(body, timestamp=NOW - 301)
    message = reject(body, headers)
    assert "301 s old" in message
    assert "tolerance" in message


def test_timestamp_too_new_is_rejected() -> None:
    body = event_body()
    headers = signed(body, timestamp=NOW + 301)
    message = reject(body, headers)
    assert "301 s in the future" in message


def test_fractional_now_is_compared_exactly() -> None:
    body = event_body()
    headers = signed(body, timestamp=NOW)
    assert isinstance(webhooks.verify(body, headers, SECRET, now=NOW + 300.0), EntityDeletedEvent)
    assert "s old" in reject(body, headers, now=NOW + 300.5)
    assert "in the future" in reject(body, headers, now=NOW - 300.5)


def test_custom_tolerance() -> None:
    body = event_body()
    headers = signed(body, timestamp=NOW - 3600)
    assert "s old" in reject(body, headers)
    event = webhooks.verify(body, headers, SECRET, now=NOW, tolerance=3600)
    assert isinstance(event, EntityDeletedEvent)
    assert "s old" in reject(body, signed(body, timestamp=NOW - 1), tolerance=0)


def test_default_now_is_the_system_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    body = event_body()
    headers = signed(body, timestamp=NOW)
    monkeypatch.setattr(webhooks.time, "time", lambda: float(NOW + 10))
    assert isinstance(webhooks.verify(body, headers, SECRET), EntityDeletedEvent)
    monkeypatch.setattr(webhooks.time, "time", lambda: float(NOW + 1000))
    with pytest.raises(WebhookVerificationError, match="s old"):
        webhooks.verify(body, headers, SECRET)


def test_timestamp_is_checked_before_the_signature() -> None:
    # A stale replay is reported as stale even though its signature is valid.
    body = event_body()
    assert "s old" in reject(body, signed(body, timestamp=NOW - 10_000))


@pytest.mark.parametrize("tolerance", [-1, float("nan"), "300", None, True])
def test_invalid_tolerance_is_rejected(tolerance: Any) -> None:
    body = event_body()
    assert "tolerance" in reject(body, signed(body), tolerance=tolerance)


@pytest.mark.parametrize("now", [float("nan"), float("inf"), "now", True])
def test_invalid_now_is_rejected(now: Any) -> None:
    body = event_body()
    assert "now must be" in reject(body, signed(body), now=now)
