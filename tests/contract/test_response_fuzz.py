"""The SDK parses every body valid for a 2xx response schema, and rejects every other.

Bodies are generated from each operation's response schema in openapi.yaml and judged
by jsonschema, independently of the SDK. A valid body must parse into the documented
model with its unknown fields kept; a body made invalid in one place (a required field
dropped, a wrong JSON type, a null where none is allowed, a date-time that is none) must raise
`APIResponseValidationError`, and never another exception. Most bodies go through the
parse step the client uses (`agentplatform._http.parse` on a real `httpx.Response`);
a few operations go through the whole client against a loopback server.
"""

from __future__ import annotations

import json
from itertools import islice
from typing import Any

import agentplatform as ap
import attrs
import httpx
import pytest
from agentplatform import _http
from agentplatform._operation import Call
from agentplatform_api.models import Problem
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from pytest_httpserver import HTTPServer

from . import bodies
from .schemas import JsonResponse, is_valid, json_responses

pytestmark = pytest.mark.contract

RESPONSES = json_responses()
FUZZ = settings(
    max_examples=40,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
CLIENT_FUZZ = settings(
    max_examples=10,
    deadline=None,
    database=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.function_scoped_fixture,
    ],
)


def _ids(response: JsonResponse) -> str:
    return response.id


def _parse(response: JsonResponse, body: Any) -> Any:
    """What `Client` returns for this body: decode, parse, validate (no network)."""
    request = httpx.Request("GET", "http://127.0.0.1/")
    answer = httpx.Response(
        response.status,
        content=json.dumps(body).encode(),
        headers={"content-type": "application/json", "x-request-id": "req_fuzz"},
        request=request,
    )
    return _http.parse(Call(response.endpoint, {}, {}), answer)


def _invalid_bodies(response: JsonResponse) -> st.SearchStrategy[Any]:
    @st.composite
    def strategy(draw: st.DrawFn) -> Any:
        body = draw(bodies.from_schema(response.schema))
        mutation = draw(st.sampled_from(bodies.mutations(response.schema, body)))
        changed = bodies.apply(body, mutation)
        assume(not is_valid(response, changed))
        return changed

    return strategy()


def test_every_2xx_json_response_is_fuzzed() -> None:
    assert len(RESPONSES) == 32
    for response in RESPONSES:
        assert response.schema, response.id
        bodies.from_schema(response.schema)  # every keyword has a generator


@pytest.mark.parametrize("response", RESPONSES, ids=_ids)
@FUZZ
@given(data=st.data())
def test_a_valid_body_parses(response: JsonResponse, data: st.DataObject) -> None:
    body = data.draw(bodies.from_schema(response.schema), label="body")
    assert is_valid(response, body), "the generator made an invalid body"
    parsed = _parse(response, body)
    assert attrs.has(type(parsed)) and not isinstance(parsed, Problem), parsed
    # Unknown fields are kept, known ones are all there.
    assert set(parsed.to_dict()) == set(body)


@pytest.mark.parametrize("response", RESPONSES, ids=_ids)
@FUZZ
@given(data=st.data())
def test_an_invalid_body_raises_response_validation_error(
    response: JsonResponse, data: st.DataObject
) -> None:
    body = data.draw(_invalid_bodies(response), label="invalid body")
    with pytest.raises(ap.APIResponseValidationError) as raised:
        _parse(response, body)
    assert raised.value.status_code == response.status
    assert raised.value.request_id == "req_fuzz"


def test_mutations_cover_every_kind() -> None:
    (entity,) = [r for r in RESPONSES if r.id == "getEntity-200"]
    body = {
        "id": "e",
        "type": "Person",
        "properties": {},
        "embedding": None,
        "created_at": "2026-01-01T00:00:00Z",
        "updated_at": "2026-01-01T00:00:00Z",
        "version": 1,
    }
    assert is_valid(entity, body)
    found = bodies.mutations(entity.schema, body)
    assert ("drop", ("version",), None) in found
    assert ("replace", ("version",), 2.5) in found
    assert ("replace", ("id",), None) in found
    assert ("replace", (), "not the right type") in found
    assert ("replace", ("created_at",), "2026-13-01T00:00:00Z") in found
    for mutation in found:
        assert not is_valid(entity, bodies.apply(body, mutation)), mutation


@pytest.mark.parametrize(
    "created_at", ["2026-01-01", "2026-01-01T00:00:00", "2026-01-01 00:00:00Z", "20260101T000000Z"]
)
def test_a_date_time_without_time_or_offset_is_rejected(created_at: str) -> None:
    # `datetime.fromisoformat` takes these and returns a naive datetime; RFC 3339 does not.
    (entity,) = [r for r in RESPONSES if r.id == "getEntity-200"]
    body = {
        "id": "e",
        "type": "Person",
        "properties": {},
        "embedding": None,
        "created_at": created_at,
        "updated_at": "2026-01-01T00:00:00.123456789+05:30",
        "version": 1,
    }
    assert not is_valid(entity, body)
    with pytest.raises(ap.APIResponseValidationError) as raised:
        _parse(entity, body)
    assert raised.value.field == "created_at"
    body["created_at"] = "2026-01-01T00:00:00Z"
    assert _parse(entity, body).created_at.tzinfo is not None


# A few operations through the whole client: request, transport, parse, validation.
CLIENT_CALLS: dict[str, tuple[str, str, Any]] = {
    "getHealth-200": ("GET", "/v1/health", lambda c: c.health()),
    "getEntity-200": ("GET", "/v1/entities/ent_1", lambda c: c.entities.get("ent_1")),
    "listEntities-200": (
        "GET",
        "/v1/entities",
        lambda c: next(islice(c.entities.list().pages(), 1)),
    ),
    "getResearch-200": ("GET", "/v1/research/job_1", lambda c: c.research.get("job_1")),
    "createChat-200": ("POST", "/v1/chat", lambda c: c.chat.create("Hi")),
    "createApiKey-201": ("POST", "/v1/api-keys", lambda c: c.api_keys.create(name="ci")),
}
CLIENT_RESPONSES = [r for r in RESPONSES if r.id in CLIENT_CALLS]


def _serve(server: HTTPServer, response: JsonResponse, body: Any) -> None:
    method, path, _ = CLIENT_CALLS[response.id]
    server.clear()
    server.expect_request(path, method=method).respond_with_data(
        json.dumps(body), status=response.status, content_type="application/json"
    )


@pytest.mark.parametrize("response", CLIENT_RESPONSES, ids=_ids)
@CLIENT_FUZZ
@given(data=st.data())
def test_the_client_returns_a_valid_body(
    response: JsonResponse, data: st.DataObject, httpserver: HTTPServer
) -> None:
    body = data.draw(bodies.from_schema(response.schema), label="body")
    _serve(httpserver, response, body)
    url = httpserver.url_for("/").rstrip("/")
    with ap.Client(api_key="k", base_url=url, max_retries=0) as client:
        parsed = CLIENT_CALLS[response.id][2](client)
    assert attrs.has(type(parsed)) and set(parsed.to_dict()) == set(body)


@pytest.mark.parametrize("response", CLIENT_RESPONSES, ids=_ids)
@CLIENT_FUZZ
@given(data=st.data())
def test_the_client_rejects_an_invalid_body(
    response: JsonResponse, data: st.DataObject, httpserver: HTTPServer
) -> None:
    body = data.draw(_invalid_bodies(response), label="invalid body")
    _serve(httpserver, response, body)
    url = httpserver.url_for("/").rstrip("/")
    with (
        ap.Client(api_key="k", base_url=url, max_retries=0) as client,
        pytest.raises(ap.APIResponseValidationError),
    ):
        CLIENT_CALLS[response.id][2](client)
