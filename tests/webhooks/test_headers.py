"""Malformed webhook headers, and header lookup in any container."""

from __future__ import annotations

import base64
import contextlib
from typing import Any

import httpx
import pytest
from agentplatform import webhooks
from agentplatform.errors import WebhookVerificationError
from agentplatform_api.models import (
    EntityDeletedEvent,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.datastructures import Headers as StarletteHeaders
from werkzeug.datastructures import Headers as WerkzeugHeaders

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
