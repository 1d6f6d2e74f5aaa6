"""Tests for `agentplatform.webhooks`: Standard Webhooks verification and event parsing."""

from __future__ import annotations

import base64
import contextlib
import datetime
import hashlib
import hmac
import json
from typing import Any

import httpx
import pytest
import standardwebhooks
from agentplatform import webhooks
from agentplatform.errors import AgentPlatformError, WebhookVerificationError
from agentplatform_api.models import (
    Anomaly,
    AnomalyDetectedEvent,
    EntityDeletedData,
    EntityDeletedEvent,
    ResearchCompletedEvent,
    ResearchJob,
)
from agentplatform_api.models.webhook_event_type import WEBHOOK_EVENT_TYPE_VALUES
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.datastructures import Headers as StarletteHeaders
from werkzeug.datastructures import Headers as WerkzeugHeaders

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


# --- malformed headers ------------------------------------------------------------------


@pytest.mark.parametrize("name", ["webhook-id", "webhook-timestamp", "webhook-signature"])
def test_missing_header_is_rejected(name: str) -> None:
    body = event_body()
    headers = signed(body)
    del headers[name]
    assert f"The {name} header is missing" in reject(body, headers)
    assert f"The {name} header is missing" in reject(body, {**signed(body), name: ""})


@pytest.mark.parametrize(
    "value",
    ["abc", "1.5", "-1", " 1767225600", "1767225600 ", "1e9", "1_767_225_600", "١٢٣", "+1", "0x1"],
)
def test_non_integer_timestamp_is_rejected(value: str) -> None:
    body = event_body()
    headers = {**signed(body), "webhook-timestamp": value}
    assert "must be Unix time in whole seconds" in reject(body, headers)


def test_enormous_timestamp_is_too_new_not_a_crash() -> None:
    body = event_body()
    headers = {**signed(body), "webhook-timestamp": "9" * 5000}
    assert "in the future" in reject(body, headers)


def test_leading_zeros_in_timestamp_are_signed_as_sent() -> None:
    body = event_body()
    timestamp = "000" + str(NOW)
    headers = {
        "webhook-id": MSG_ID,
        "webhook-timestamp": timestamp,
        "webhook-signature": raw_signature(key_of(SECRET), MSG_ID, timestamp, body),
    }
    assert isinstance(webhooks.verify(body, headers, SECRET, now=NOW), EntityDeletedEvent)


@pytest.mark.parametrize("value", ["   ", "\t"])
def test_empty_signature_list_is_rejected(value: str) -> None:
    body = event_body()
    headers = {**signed(body), "webhook-signature": value}
    assert "lists no signatures" in reject(body, headers)


@pytest.mark.parametrize(
    "value",
    ["v1", "v1,", "v1,!!!!", "v1,abcde", ",abc", "v1,é", "v1;abc", "v1,YWJj,YWJj"],
)
def test_malformed_signature_entry_is_rejected(value: str) -> None:
    body = event_body()
    headers = {**signed(body), "webhook-signature": value}
    assert "malformed" in reject(body, headers)


def test_malformed_entry_does_not_hide_a_valid_signature() -> None:
    body = event_body()
    headers = signed(body)
    headers["webhook-signature"] = "v1,!!!! " + headers["webhook-signature"]
    assert isinstance(webhooks.verify(body, headers, SECRET, now=NOW), EntityDeletedEvent)


def test_only_other_versions_is_rejected_and_named() -> None:
    body = event_body()
    headers = {**signed(body), "webhook-signature": "v1a,YWJj v2,YWJj"}
    message = reject(body, headers)
    assert "no 'v1' signature" in message
    assert "'v1a'" in message


def test_non_string_header_value_is_rejected() -> None:
    body = event_body()
    headers: dict[str, Any] = {**signed(body), "webhook-timestamp": NOW}
    assert "must be a string" in reject(body, headers)


def test_undecodable_webhook_id_is_rejected() -> None:
    body = event_body()
    headers = {**signed(body), "webhook-id": "msg_\ud800"}
    assert "cannot be encoded" in reject(body, headers)


header_names = st.sampled_from(
    ["webhook-id", "webhook-timestamp", "webhook-signature", "Webhook-Signature", "WEBHOOK-ID"]
)
signature_entries = st.one_of(
    st.text(max_size=60),
    st.builds(
        lambda version, encoded: f"{version},{encoded}",
        st.sampled_from(["v1", "v1a", "v2", "", "V1"]),
        st.text(max_size=60) | st.binary(max_size=40).map(lambda b: base64.b64encode(b).decode()),
    ),
)
# Text that may hold lone surrogates (a dict of headers can), which st.text() never makes.
any_characters = st.characters() | st.characters(categories=["Cs"])
any_text = st.lists(any_characters, max_size=80).map("".join)
header_values = st.one_of(
    st.just(str(NOW)),
    any_text,
    st.integers(min_value=0, max_value=10**30).map(str),
    st.lists(signature_entries, max_size=5).map(" ".join),
)


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(
    headers=st.dictionaries(header_names | st.text(max_size=20), header_values, max_size=6),
    body=st.binary(max_size=100) | any_text,
    secret=st.sampled_from([SECRET, [SECRET, OTHER_SECRET]]) | st.text(max_size=40),
)
def test_arbitrary_headers_only_raise_webhook_verification_error(
    headers: dict[str, str], body: bytes | str, secret: str
) -> None:
    # Anything but WebhookVerificationError propagates and fails the test.
    with contextlib.suppress(WebhookVerificationError):
        webhooks.verify(body, headers, secret, now=NOW)


@given(signature=st.lists(signature_entries, max_size=6).map(" ".join))
def test_arbitrary_signature_headers_only_raise_webhook_verification_error(
    signature: str,
) -> None:
    body = event_body()
    headers = {**signed(body), "webhook-signature": signature}
    with pytest.raises(WebhookVerificationError):
        webhooks.verify(body, headers, SECRET, now=NOW)


@given(msg_id=any_text)
def test_arbitrary_webhook_ids_only_raise_webhook_verification_error(msg_id: str) -> None:
    body = event_body()
    headers = {**signed(body), "webhook-id": msg_id}
    with pytest.raises(WebhookVerificationError):
        webhooks.verify(body, headers, SECRET, now=NOW)


@given(timestamp=st.text(max_size=30) | st.integers().map(str))
def test_arbitrary_timestamp_headers_only_raise_webhook_verification_error(
    timestamp: str,
) -> None:
    body = event_body()
    headers = {**signed(body), "webhook-timestamp": timestamp}
    with pytest.raises(WebhookVerificationError):
        webhooks.verify(body, headers, SECRET, now=NOW)


# --- header containers ------------------------------------------------------------------


def _containers(headers: dict[str, str]) -> list[Any]:
    title = {name.title(): value for name, value in headers.items()}
    upper = {name.upper(): value for name, value in headers.items()}
    return [
        headers,
        title,
        upper,
        httpx.Headers(title),
        StarletteHeaders(headers=title),
        StarletteHeaders(raw=[(k.encode(), v.encode()) for k, v in title.items()]),
        WerkzeugHeaders(title),
    ]


@pytest.mark.parametrize("index", range(7))
def test_headers_are_looked_up_case_insensitively_in_any_mapping(index: int) -> None:
    body = event_body()
    headers = _containers(signed(body))[index]
    assert isinstance(webhooks.verify(body, headers, SECRET, now=NOW), EntityDeletedEvent)
    wrong = _containers(signed(body, OTHER_SECRET))[index]
    assert "No webhook signature matches" in reject(body, wrong)


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


# --- event parsing ------------------------------------------------------------------------


def test_anomaly_detected_is_parsed_into_its_model() -> None:
    body = event_body("anomaly.detected")
    event = webhooks.verify(body, signed(body), SECRET, now=NOW)
    assert isinstance(event, AnomalyDetectedEvent)
    assert event.type_ == "anomaly.detected"
    assert event.id == "evt_01"
    assert event.timestamp == datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
    assert isinstance(event.data, Anomaly)
    assert event.data.severity == "high"
    assert event.data.score == 6.2


def test_research_completed_is_parsed_into_its_model() -> None:
    body = event_body("research.completed")
    event = webhooks.verify(body, signed(body), SECRET, now=NOW)
    assert isinstance(event, ResearchCompletedEvent)
    assert isinstance(event.data, ResearchJob)
    assert event.data.status == "completed"
    assert event.data.result is not None
    assert event.data.result.summary == "They store facts."


def test_entity_deleted_is_parsed_into_its_model() -> None:
    body = event_body("entity.deleted")
    event = webhooks.verify(body, signed(body), SECRET, now=NOW)
    assert isinstance(event, EntityDeletedEvent)
    assert isinstance(event.data, EntityDeletedData)
    assert (event.data.entity_id, event.data.type_) == ("ent_42", "Person")


@pytest.mark.parametrize("event_type", sorted(WEBHOOK_EVENT_TYPE_VALUES))
def test_every_event_type_of_the_spec_has_a_typed_model(event_type: str) -> None:
    body = event_body(event_type)
    event = webhooks.verify(body, signed(body), SECRET, now=NOW)
    assert not isinstance(event, webhooks.UnknownWebhookEvent)
    assert event.type_ == event_type


def test_unknown_event_type_becomes_unknown_webhook_event() -> None:
    body = event_body("invoice.paid", data={"amount": 12}, extra_field=True)
    event = webhooks.verify(body, signed(body), SECRET, now=NOW)
    assert isinstance(event, webhooks.UnknownWebhookEvent)
    assert event.id == "evt_01"
    assert event.type_ == "invoice.paid"
    assert event.timestamp == datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
    assert event.data == {"amount": 12}
    assert event.raw == json.loads(body)


def test_unknown_fields_of_known_events_are_kept() -> None:
    body = event_body("entity.deleted", delivery_attempt=3)
    event = webhooks.verify(body, signed(body), SECRET, now=NOW)
    assert isinstance(event, EntityDeletedEvent)
    assert event.additional_properties == {"delivery_attempt": 3}


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (b"not json", "not UTF-8 JSON"),
        (b"\xff\xfe{}", "not UTF-8 JSON"),
        (b"[" * 100_000 + b"]" * 100_000, "not UTF-8 JSON"),
        (b"[1, 2]", "not a JSON object"),
        (b'"entity.deleted"', "not a JSON object"),
        (b'{"id": "e", "timestamp": "2026-01-01T00:00:00Z", "data": {}}', "string 'type'"),
        (b'{"type": 7}', "string 'type'"),
        (b'{"type": "x.y", "timestamp": "2026-01-01T00:00:00Z", "data": {}}', "string 'id'"),
        (b'{"type": "x.y", "id": "e", "timestamp": "yesterday", "data": {}}', "'timestamp'"),
        (b'{"type": "x.y", "id": "e", "timestamp": 5, "data": {}}', "'timestamp'"),
        (b'{"type": "x.y", "id": "e", "timestamp": "2026-01-01", "data": []}', "'data'"),
    ],
)
def test_body_that_verifies_but_is_not_an_event_is_rejected(body: bytes, expected: str) -> None:
    message = reject(body, signed(body))
    assert "signature is valid" in message
    assert expected in message


@pytest.mark.parametrize(
    ("event_type", "data"),
    [
        ("entity.deleted", {"type": "Person"}),  # entity_id missing
        ("anomaly.detected", {**ANOMALY, "detected_at": "soon"}),
        ("anomaly.detected", {k: v for k, v in ANOMALY.items() if k != "score"}),
        ("research.completed", {**RESEARCH_JOB, "created_at": None}),
    ],
)
def test_known_event_with_data_off_schema_is_rejected(event_type: str, data: Any) -> None:
    body = event_body(event_type, data=data)
    message = reject(body, signed(body))
    assert "does not match the API schema" in message
    assert event_type in message


def test_missing_required_field_is_named() -> None:
    body = event_body("entity.deleted", data={"type": "Person"})
    assert "required field 'entity_id' is missing" in reject(body, signed(body))


@pytest.mark.parametrize(
    ("event_type", "data"),
    [
        ("anomaly.detected", {**ANOMALY, "service_name": 5}),
        ("anomaly.detected", {**ANOMALY, "anomaly_type": 5}),
        ("research.completed", {**RESEARCH_JOB, "query": None}),
        ("research.completed", {**RESEARCH_JOB, "result": "done"}),
        ("research.completed", {**RESEARCH_JOB, "result": {"summary": "s", "sources": 5}}),
    ],
)
def test_off_schema_values_the_generated_parser_keeps_are_rejected(
    event_type: str, data: Any
) -> None:
    # from_dict keeps a wrongly typed scalar and passes a union member that fails to
    # parse through raw; the type check after it catches both and names the field.
    body = event_body(event_type, data=data)
    message = reject(body, signed(body))
    assert "does not match the API schema" in message
    assert "field 'data." in message


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=10),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(
    event_type=st.sampled_from(sorted(EVENT_DATA)),
    overrides=st.dictionaries(
        st.sampled_from(sorted({key for data in EVENT_DATA.values() for key in data})),
        json_values,
        max_size=4,
    ),
    drop=st.sets(st.sampled_from(sorted({key for data in EVENT_DATA.values() for key in data}))),
)
def test_arbitrary_event_data_yields_an_event_or_webhook_verification_error(
    event_type: str, overrides: dict[str, Any], drop: set[str]
) -> None:
    data = {k: v for k, v in {**EVENT_DATA[event_type], **overrides}.items() if k not in drop}
    body = event_body(event_type, data=data)
    try:
        event = webhooks.verify(body, signed(body), SECRET, now=NOW)
    except WebhookVerificationError as error:
        assert "signature is valid" in str(error)
    else:
        assert event.type_ == event_type
        assert not isinstance(event, webhooks.UnknownWebhookEvent)


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
