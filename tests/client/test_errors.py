"""Error statuses become the documented exception tree, whatever the body looks like."""

from __future__ import annotations

import asyncio
import json
import pickle
from typing import Any

import agentplatform as ap
import httpx
import pytest
from agentplatform import errors
from agentplatform.types import Health
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pytest_httpserver import HTTPServer

from ._support import API_KEY, ENTITY, HEALTH, REQUEST_ID, json_response, problem, run

STATUS_CLASSES = [
    (400, ap.BadRequestError),
    (401, ap.AuthenticationError),
    (403, ap.PermissionDeniedError),
    (404, ap.NotFoundError),
    (409, ap.ConflictError),
    (422, ap.UnprocessableEntityError),
    (429, ap.RateLimitError),
    (500, ap.InternalServerError),
    (502, ap.InternalServerError),
    (503, ap.InternalServerError),
    (504, ap.InternalServerError),
    (405, ap.APIStatusError),
    (408, ap.APIStatusError),
    (412, ap.APIStatusError),
    (413, ap.APIStatusError),
    (418, ap.APIStatusError),
    (499, ap.APIStatusError),
    (501, ap.InternalServerError),
    (520, ap.InternalServerError),
    (599, ap.InternalServerError),
]


def test_exception_tree() -> None:
    assert issubclass(ap.APITimeoutError, ap.APIConnectionError)
    for cls in (
        ap.APIConnectionError,
        ap.APIStatusError,
        ap.APIResponseValidationError,
        ap.StreamError,
        ap.WebhookVerificationError,
        ap.ConfigurationError,
    ):
        assert cls.__bases__ == (ap.AgentPlatformError,)
    for _, cls in STATUS_CLASSES:
        assert issubclass(cls, ap.APIStatusError)
    assert issubclass(ap.InvalidParameterError, ap.ConfigurationError)
    assert issubclass(ap.InvalidParameterError, ValueError)


@pytest.mark.parametrize(("status", "cls"), STATUS_CLASSES)
async def test_status_maps_to_its_class(
    make_client: Any, server: HTTPServer, status: int, cls: type[ap.APIStatusError]
) -> None:
    client = make_client(max_retries=0)
    server.expect_request("/v1/health").respond_with_response(
        json_response(problem(status, "Something specific broke."), status)
    )
    with pytest.raises(ap.APIStatusError) as info:
        await run(client.health())
    error = info.value
    assert type(error) is cls
    assert error.status_code == status
    assert error.request_id == REQUEST_ID
    assert error.problem is not None
    assert error.problem.status == status
    assert error.problem.detail == "Something specific broke."
    assert error.retryable is (status in {408, 409, 429, 500, 502, 503, 504})
    message = str(error)
    assert message.startswith(f"{status} ")
    assert "Something specific broke" in message
    assert REQUEST_ID in message
    assert API_KEY not in message
    assert error.headers["x-request-id"] == REQUEST_ID


def test_status_error_class_for_any_integer() -> None:
    assert errors.status_error_class(400) is ap.BadRequestError
    assert errors.status_error_class(450) is ap.APIStatusError
    assert errors.status_error_class(500) is ap.InternalServerError
    assert errors.status_error_class(999) is ap.InternalServerError


async def test_problem_field_errors_are_exposed(make_client: Any, server: HTTPServer) -> None:
    client = make_client()
    body = problem(
        422,
        "Property 'age' must be an integer.",
        code="validation_failed",
        errors=[
            {"field": "properties.age", "message": "must be an integer"},
            {"field": "type", "message": "unknown type"},
        ],
    )
    server.expect_request("/v1/entities").respond_with_response(json_response(body, 422))
    with pytest.raises(ap.UnprocessableEntityError) as info:
        await run(client.entities.create(type="Person", properties={"age": "x"}))
    error = info.value
    assert error.field_errors == [
        ("properties.age", "must be an integer"),
        ("type", "unknown type"),
    ]
    assert error.problem is not None
    assert error.problem.code == "validation_failed"
    assert "Fix the fields listed in `errors`" in str(error)


@pytest.mark.parametrize(
    ("body", "content_type", "expected"),
    [
        (b"<html><h1>Bad Gateway</h1></html>", "text/html", "Bad Gateway</h1>"),
        (b"upstream connect error", "text/plain", "upstream connect error"),
        (b"", "text/plain", "no details"),
        (b"\xff\xfe\xfd", "application/json", "502 Bad Gateway"),
        (b'{"detail": 5}', "application/json", "502 Bad Gateway"),
        (b'["not", "an", "object"]', "application/json", "502 Bad Gateway"),
        (b'{"type": "t", "title": "Nope", "status": "x"}', "application/json", "502"),
        (b"x" * 5000, "text/plain", "x" * 150),
    ],
)
async def test_non_problem_bodies_still_give_a_good_message(
    make_client: Any, server: HTTPServer, body: bytes, content_type: str, expected: str
) -> None:
    client = make_client(max_retries=0)
    server.expect_request("/v1/health").respond_with_data(
        body, status=502, content_type=content_type
    )
    with pytest.raises(ap.InternalServerError) as info:
        await run(client.health())
    error = info.value
    assert error.problem is None
    assert error.request_id is None
    message = str(error)
    assert expected in message
    assert len(message) < 400
    assert "retry later" in message


async def test_problem_with_title_only(make_client: Any, server: HTTPServer) -> None:
    client = make_client()
    body = {"type": "about:blank", "title": "Gone away", "status": 404}
    server.expect_request("/v1/entities/x").respond_with_response(json_response(body, 404))
    with pytest.raises(ap.NotFoundError) as info:
        await run(client.entities.get("x"))
    assert "404 Not Found: Gone away. Check the id" in str(info.value)
    assert info.value.field_errors == []


async def test_rate_limit_error_carries_retry_after(make_client: Any, server: HTTPServer) -> None:
    client = make_client(max_retries=0)
    server.expect_request("/v1/health").respond_with_response(
        json_response(problem(429), 429, {"Retry-After": "7"})
    )
    with pytest.raises(ap.RateLimitError) as info:
        await run(client.health())
    assert info.value.retry_after == 7.0
    assert info.value.retryable is True


async def test_x_should_retry_false_marks_error_not_retryable(
    make_client: Any, server: HTTPServer
) -> None:
    client = make_client()
    server.expect_request("/v1/health").respond_with_response(
        json_response(problem(503), 503, {"x-should-retry": "false"})
    )
    with pytest.raises(ap.InternalServerError) as info:
        await run(client.health())
    assert info.value.retryable is False
    assert len(server.log) == 1


def test_status_errors_pickle() -> None:
    error = ap.RateLimitError(
        "429 Too Many Requests: slow down.", status_code=429, request_id="r1", retry_after=3.0
    )
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is ap.RateLimitError
    assert str(copy) == str(error)
    assert copy.retry_after == 3.0
    assert copy.status_code == 429


async def test_redirect_is_not_followed_and_is_an_sdk_error(
    make_client: Any, server: HTTPServer
) -> None:
    client = make_client()
    server.expect_request("/v1/health").respond_with_data(
        "", status=302, headers={"Location": "http://elsewhere.invalid/"}
    )
    with pytest.raises(ap.APIResponseValidationError) as info:
        await run(client.health())
    assert info.value.status_code == 302


# --- Fuzzing: whatever the server sends, only SDK errors come out. -------------------------

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner),
    max_leaves=12,
)
PROBLEMISH = st.fixed_dictionaries(
    {},
    optional={
        "type": JSON,
        "title": JSON,
        "status": JSON,
        "detail": JSON,
        "errors": st.lists(st.fixed_dictionaries({}, optional={"field": JSON, "message": JSON})),
    },
)
HEALTHISH = st.fixed_dictionaries(
    {},
    optional={
        "status": st.sampled_from(["ok", "degraded", "maintenance", 3, None]),
        "version": st.sampled_from(["1.0", 1, None]),
        "uptime_s": st.sampled_from([1, 2.5, "x", True, -1]),
        "extra": JSON,
    },
)
BODY = st.one_of(
    st.binary(max_size=40),
    JSON.map(lambda v: json.dumps(v).encode()),
    PROBLEMISH.map(lambda v: json.dumps(v).encode()),
    HEALTHISH.map(lambda v: json.dumps(v).encode()),
)
STATUS = st.sampled_from([200, 201, 204, 206, 301, 304, 400, 404, 418, 422, 429, 499, 500, 503])
HEADERS = st.fixed_dictionaries(
    {},
    optional={
        "content-type": st.sampled_from(["application/json", "text/plain", "application/x"]),
        "retry-after": st.sampled_from(["1", "-1", "soon", "Wed, 21 Oct 2015 07:28:00 GMT", "1e9"]),
        "retry-after-ms": st.sampled_from(["10", "nan", "-5", "x"]),
        "x-should-retry": st.sampled_from(["true", "false", "maybe"]),
        "x-request-id": st.text(alphabet="abc123_", max_size=10),
    },
)


NO_FIXTURE_CHECK = [HealthCheck.function_scoped_fixture]


def fuzz_transport(status: int, headers: dict[str, str], body: bytes) -> httpx.MockTransport:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(status, headers=headers, content=body)

    return httpx.MockTransport(handler)


def check_outcome(outcome: Any, status: int) -> None:
    if isinstance(outcome, BaseException):
        assert isinstance(outcome, ap.AgentPlatformError), repr(outcome)
        if status >= 400:
            assert isinstance(outcome, ap.APIStatusError)
            assert outcome.status_code == status
        else:
            assert isinstance(outcome, ap.APIResponseValidationError)
        str(outcome)
    else:
        assert status == 200
        assert isinstance(outcome, Health)


@settings(max_examples=150, deadline=None, suppress_health_check=NO_FIXTURE_CHECK)
@given(status=STATUS, headers=HEADERS, body=BODY)
def test_fuzzed_responses_only_raise_sdk_errors_sync(
    status: int, headers: dict[str, str], body: bytes
) -> None:
    http = httpx.Client(transport=fuzz_transport(status, headers, body))
    client = ap.Client(api_key=API_KEY, base_url="http://fuzz.invalid", http_client=http)
    try:
        outcome: Any = client.health()
    except BaseException as exc:
        outcome = exc
    check_outcome(outcome, status)


@settings(max_examples=75, deadline=None, suppress_health_check=NO_FIXTURE_CHECK)
@given(status=STATUS, headers=HEADERS, body=BODY)
def test_fuzzed_responses_only_raise_sdk_errors_async(
    status: int, headers: dict[str, str], body: bytes
) -> None:
    async def main() -> Any:
        http = httpx.AsyncClient(transport=fuzz_transport(status, headers, body))
        client = ap.AsyncClient(api_key=API_KEY, base_url="http://fuzz.invalid", http_client=http)
        try:
            return await client.health()
        except BaseException as exc:
            return exc

    check_outcome(asyncio.run(main()), status)


@pytest.mark.parametrize("status", [200, 201, 400, 500])
def test_fuzz_checker_sees_a_healthy_body(status: int) -> None:
    http = httpx.Client(transport=fuzz_transport(status, {}, json.dumps(HEALTH).encode()))
    client = ap.Client(
        api_key=API_KEY, base_url="http://x.invalid", http_client=http, max_retries=0
    )
    try:
        outcome: Any = client.health()
    except ap.AgentPlatformError as exc:
        outcome = exc
    check_outcome(outcome, status)
    assert isinstance(outcome, Health) is (status == 200)


async def test_entity_error_body_is_a_list(make_client: Any, server: HTTPServer) -> None:
    client = make_client()
    server.expect_request("/v1/entities/ent_1").respond_with_json([ENTITY], status=404)
    with pytest.raises(ap.NotFoundError) as info:
        await run(client.entities.get("ent_1"))
    assert info.value.problem is None


ENTITY_KEYS = sorted(ENTITY)


@settings(max_examples=150, deadline=None, suppress_health_check=NO_FIXTURE_CHECK)
@given(
    removed=st.sets(st.sampled_from(ENTITY_KEYS), max_size=2),
    replaced=st.dictionaries(st.sampled_from(ENTITY_KEYS), JSON, max_size=2),
    added=st.dictionaries(st.text(min_size=1, max_size=5).filter(lambda k: k not in ENTITY), JSON),
)
def test_fuzzed_entity_bodies_parse_or_name_a_field(
    removed: set[str], replaced: dict[str, Any], added: dict[str, Any]
) -> None:
    body = {k: v for k, v in ENTITY.items() if k not in removed}
    body.update(replaced)
    body.update(added)
    http = httpx.Client(transport=fuzz_transport(200, {}, json.dumps(body).encode()))
    client = ap.Client(api_key=API_KEY, base_url="http://fuzz.invalid", http_client=http)
    try:
        entity = client.entities.get("ent_1")
    except ap.APIResponseValidationError as exc:
        assert exc.field is not None
        assert exc.field.split(".")[0].split("[")[0] in set(removed) | set(replaced)
    else:
        assert entity.additional_properties == added
        assert removed <= set(replaced)  # every field of Entity is required
