"""Parsing a verified body into its typed event."""

from __future__ import annotations

import datetime
import json
from typing import Any

import pytest
from agentplatform import webhooks
from agentplatform.errors import WebhookVerificationError
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

from ._support import (
    ANOMALY,
    EVENT_DATA,
    NOW,
    RESEARCH_JOB,
    SECRET,
    event_body,
    reject,
    signed,
)

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
