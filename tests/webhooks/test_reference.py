"""Signatures against the official test vector and the reference library."""

from __future__ import annotations

import base64
import datetime

import pytest
import standardwebhooks
from agentplatform import webhooks
from agentplatform_api.models import (
    EntityDeletedEvent,
)
from hypothesis import given
from hypothesis import strategies as st

from ._support import (
    MSG_ID,
    NOW,
    OTHER_SECRET,
    SECRET,
    VECTOR_BODY,
    VECTOR_MSG_ID,
    VECTOR_SECRET,
    VECTOR_SIGNATURE,
    VECTOR_TIMESTAMP,
    event_body,
    raw_signature,
    reject,
    signed,
)

# --- the official vector and the reference library -------------------------------------


def test_sign_reproduces_official_test_vector() -> None:
    headers = webhooks.sign(
        VECTOR_BODY, VECTOR_SECRET, msg_id=VECTOR_MSG_ID, timestamp=VECTOR_TIMESTAMP
    )
    assert headers == {
        "webhook-id": VECTOR_MSG_ID,
        "webhook-timestamp": str(VECTOR_TIMESTAMP),
        "webhook-signature": VECTOR_SIGNATURE,
    }


def test_verify_accepts_official_test_vector_signature() -> None:
    # The vector's body is not an Agent Platform event, so verification passes the
    # signature check and then reports the schema mismatch.
    headers = {
        "webhook-id": VECTOR_MSG_ID,
        "webhook-timestamp": str(VECTOR_TIMESTAMP),
        "webhook-signature": VECTOR_SIGNATURE,
    }
    message = reject(VECTOR_BODY, headers, VECTOR_SECRET, now=VECTOR_TIMESTAMP)
    assert "signature is valid" in message
    assert "schema" in message
    # One flipped signature character and it is a signature failure instead.
    headers["webhook-signature"] = VECTOR_SIGNATURE[:-2] + "A="
    assert "No webhook signature matches" in reject(
        VECTOR_BODY, headers, VECTOR_SECRET, now=VECTOR_TIMESTAMP
    )


secret_keys = st.binary(min_size=1, max_size=64)
msg_ids = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters=" \t\r\n"),
    min_size=1,
    max_size=40,
)
unix_times = st.integers(min_value=0, max_value=4_000_000_000)
bodies = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=200)


@given(key=secret_keys, msg_id=msg_ids, timestamp=unix_times, body=bodies)
def test_sign_matches_reference_library(key: bytes, msg_id: str, timestamp: int, body: str) -> None:
    secret = "whsec_" + base64.b64encode(key).decode()
    reference = standardwebhooks.Webhook(secret).sign(
        msg_id=msg_id,
        timestamp=datetime.datetime.fromtimestamp(timestamp, tz=datetime.UTC),
        data=body,
    )
    ours = webhooks.sign(body, secret, msg_id=msg_id, timestamp=timestamp)
    assert ours["webhook-signature"] == reference
    assert ours["webhook-signature"] == raw_signature(key, msg_id, str(timestamp), body.encode())


@given(key=secret_keys, msg_id=msg_ids, timestamp=unix_times, entity_id=bodies)
def test_reference_library_signature_verifies_with_ours(
    key: bytes, msg_id: str, timestamp: int, entity_id: str
) -> None:
    secret = "whsec_" + base64.b64encode(key).decode()
    body = event_body(data={"entity_id": entity_id, "type": "Person"}).decode()
    signature = standardwebhooks.Webhook(secret).sign(
        msg_id=msg_id,
        timestamp=datetime.datetime.fromtimestamp(timestamp, tz=datetime.UTC),
        data=body,
    )
    headers = {
        "webhook-id": msg_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signature,
    }
    event = webhooks.verify(body.encode(), headers, secret, now=timestamp)
    assert isinstance(event, EntityDeletedEvent)
    assert event.data.entity_id == entity_id


@given(key=secret_keys, msg_id=msg_ids, entity_id=bodies)
def test_our_signature_verifies_with_reference_library(
    key: bytes, msg_id: str, entity_id: str
) -> None:
    secret = "whsec_" + base64.b64encode(key).decode()
    body = event_body(data={"entity_id": entity_id, "type": "Person"})
    headers = webhooks.sign(body, secret, msg_id=msg_id)  # now: the library uses the clock
    parsed = standardwebhooks.Webhook(secret).verify(body, headers)
    assert parsed["data"]["entity_id"] == entity_id
    # And the library rejects what it should: a wrong secret.
    with pytest.raises(standardwebhooks.WebhookVerificationError):
        standardwebhooks.Webhook(OTHER_SECRET).verify(body, headers)


def test_secret_without_prefix_is_base64_like_reference_library() -> None:
    body = event_body()
    headers = signed(body)
    bare = SECRET.removeprefix("whsec_")
    reference = standardwebhooks.Webhook(bare).sign(
        msg_id=MSG_ID, timestamp=datetime.datetime.fromtimestamp(NOW, tz=datetime.UTC), data=""
    )
    assert webhooks.sign("", bare, msg_id=MSG_ID, timestamp=NOW)["webhook-signature"] == (reference)
    assert isinstance(webhooks.verify(body, headers, bare, now=NOW), EntityDeletedEvent)


def test_unpadded_secret_is_accepted_like_reference_library() -> None:
    key = b"0123456789abcdefghijklmnopqrstuv"  # 32 bytes: base64 with one '=' of padding
    padded = base64.b64encode(key).decode()
    assert padded.endswith("=")
    unpadded = "whsec_" + padded.rstrip("=")
    reference = standardwebhooks.Webhook(unpadded).sign(
        msg_id=MSG_ID, timestamp=datetime.datetime.fromtimestamp(NOW, tz=datetime.UTC), data="x"
    )
    assert webhooks.sign("x", unpadded, msg_id=MSG_ID, timestamp=NOW)["webhook-signature"] == (
        reference
    )
    assert reference == raw_signature(key, MSG_ID, str(NOW), b"x")
