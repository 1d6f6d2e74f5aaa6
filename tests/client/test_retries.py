"""The retry transport: what is retried, how long it waits, and what it never does."""

from __future__ import annotations

import email.utils
import logging
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from typing import Any

import agentplatform as ap
import httpx
import pytest
from agentplatform import _retry
from pytest_httpserver import HTTPServer

from ._support import ENTITY, HEALTH, Sequence, json_response, problem, run

RETRIED = [408, 409, 429, 500, 502, 503, 504]
NOT_RETRIED = [400, 401, 403, 404, 405, 410, 412, 413, 418, 422, 499, 501, 505, 520]


class MaxRandom:
    """Stands in for `random`: records each `uniform(a, b)` and returns its upper bound."""

    def __init__(self) -> None:
        self.bounds: list[tuple[float, float]] = []

    def uniform(self, a: float, b: float) -> float:
        self.bounds.append((a, b))
        return b


@pytest.fixture
def max_random(monkeypatch: pytest.MonkeyPatch) -> MaxRandom:
    fake = MaxRandom()
    monkeypatch.setattr(_retry, "random", fake)
    return fake


def failing_then(
    status: int, *, times: int, headers: dict[str, str] | None = None, cycle: bool = False
) -> Sequence:
    return Sequence(
        *[json_response(problem(status), status, headers) for _ in range(times)],
        json_response(HEALTH, 200),
        cycle=cycle,
    )


@pytest.mark.parametrize("status", RETRIED)
async def test_retryable_status_is_retried_until_success(
    client: Any, server: HTTPServer, sleeps: list[float], status: int
) -> None:
    handler = failing_then(status, times=2)
    server.expect_request("/v1/health").respond_with_handler(handler)
    health = await run(client.health())
    assert health.status == "ok"
    assert len(handler.requests) == 3
    assert len(sleeps) == 2


@pytest.mark.parametrize("status", RETRIED)
async def test_retryable_status_gives_up_after_max_retries(
    make_client: Any, server: HTTPServer, sleeps: list[float], status: int
) -> None:
    client = make_client(max_retries=3)
    handler = failing_then(status, times=10)
    server.expect_request("/v1/health").respond_with_handler(handler)
    with pytest.raises(ap.APIStatusError) as info:
        await run(client.health())
    assert info.value.status_code == status
    assert len(handler.requests) == 4
    assert len(sleeps) == 3


@pytest.mark.parametrize("status", NOT_RETRIED)
async def test_other_statuses_are_never_retried(
    client: Any, server: HTTPServer, sleeps: list[float], status: int
) -> None:
    handler = failing_then(status, times=10)
    server.expect_request("/v1/health").respond_with_handler(handler)
    with pytest.raises(ap.APIStatusError) as info:
        await run(client.health())
    assert info.value.status_code == status
    assert info.value.retryable is False
    assert len(handler.requests) == 1
    assert sleeps == []


async def test_x_should_retry_true_retries_a_4xx(client: Any, server: HTTPServer) -> None:
    handler = failing_then(400, times=1, headers={"x-should-retry": "true"})
    server.expect_request("/v1/health").respond_with_handler(handler)
    assert (await run(client.health())).status == "ok"
    assert len(handler.requests) == 2


async def test_x_should_retry_false_stops_a_5xx(client: Any, server: HTTPServer) -> None:
    handler = failing_then(503, times=1, headers={"x-should-retry": "false"})
    server.expect_request("/v1/health").respond_with_handler(handler)
    with pytest.raises(ap.InternalServerError):
        await run(client.health())
    assert len(handler.requests) == 1


async def test_max_retries_zero_means_one_attempt(
    make_client: Any, server: HTTPServer, sleeps: list[float]
) -> None:
    client = make_client(max_retries=0)
    handler = failing_then(503, times=1)
    server.expect_request("/v1/health").respond_with_handler(handler)
    with pytest.raises(ap.InternalServerError):
        await run(client.health())
    assert len(handler.requests) == 1
    assert sleeps == []


async def test_backoff_is_full_jitter_with_a_cap(
    make_client: Any, server: HTTPServer, sleeps: list[float], max_random: MaxRandom
) -> None:
    client = make_client(max_retries=7)
    server.expect_request("/v1/health").respond_with_handler(failing_then(503, times=7))
    await run(client.health())
    assert max_random.bounds == [
        (0.0, 0.5),
        (0.0, 1.0),
        (0.0, 2.0),
        (0.0, 4.0),
        (0.0, 8.0),
        (0.0, 8.0),
        (0.0, 8.0),
    ]
    assert sleeps == [0.5, 1.0, 2.0, 4.0, 8.0, 8.0, 8.0]


async def test_real_jitter_stays_within_bounds(
    make_client: Any, server: HTTPServer, sleeps: list[float]
) -> None:
    client = make_client(max_retries=6)
    server.expect_request("/v1/health").respond_with_handler(failing_then(500, times=6, cycle=True))
    for _ in range(3):  # 18 retries: within the default budget
        await run(client.health())
    assert len(sleeps) == 18
    for index, delay in enumerate(sleeps):
        assert 0.0 <= delay <= min(8.0, 0.5 * 2 ** (index % 6))


def test_backoff_delay_bounds() -> None:
    class Fixed:
        def uniform(self, a: float, b: float) -> float:
            return (a + b) / 2

    rng: Any = Fixed()
    assert [_retry.backoff_delay(n, rng) for n in range(6)] == [0.25, 0.5, 1, 2, 4, 4]
    for n in range(40):
        assert 0 <= _retry.backoff_delay(n) <= 8.0


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"Retry-After": "3"}, 3.0),
        ({"Retry-After": "0"}, 0.0),
        ({"Retry-After": "60"}, 60.0),
        ({"retry-after-ms": "1500"}, 1.5),
        ({"retry-after-ms": "250", "Retry-After": "9"}, 0.25),
        ({"retry-after-ms": "nope", "Retry-After": "9"}, 9.0),
    ],
)
async def test_server_delay_is_honoured(
    client: Any,
    server: HTTPServer,
    sleeps: list[float],
    headers: dict[str, str],
    expected: float,
) -> None:
    handler = failing_then(429, times=1, headers=headers)
    server.expect_request("/v1/health").respond_with_handler(handler)
    await run(client.health())
    assert sleeps == [expected]
    assert len(handler.requests) == 2


async def test_retry_after_http_date_is_honoured(
    client: Any, server: HTTPServer, sleeps: list[float]
) -> None:
    when = email.utils.formatdate(time.time() + 10, usegmt=True)
    handler = failing_then(503, times=1, headers={"Retry-After": when})
    server.expect_request("/v1/health").respond_with_handler(handler)
    await run(client.health())
    (delay,) = sleeps
    assert 8.0 <= delay <= 10.0


async def test_retry_after_in_the_past_retries_at_once(
    client: Any, server: HTTPServer, sleeps: list[float]
) -> None:
    handler = failing_then(503, times=1, headers={"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"})
    server.expect_request("/v1/health").respond_with_handler(handler)
    await run(client.health())
    assert sleeps == [0.0]


@pytest.mark.parametrize(
    "headers",
    [{"Retry-After": "61"}, {"Retry-After": "3600"}, {"retry-after-ms": "60001"}],
)
async def test_longer_demand_raises_at_once(
    client: Any, server: HTTPServer, sleeps: list[float], headers: dict[str, str]
) -> None:
    handler = failing_then(429, times=5, headers=headers)
    server.expect_request("/v1/health").respond_with_handler(handler)
    with pytest.raises(ap.RateLimitError) as info:
        await run(client.health())
    assert len(handler.requests) == 1
    assert sleeps == []
    assert info.value.retry_after is not None
    assert info.value.retry_after > 60


async def test_longer_demand_on_503_raises_at_once(
    client: Any, server: HTTPServer, sleeps: list[float]
) -> None:
    handler = failing_then(503, times=5, headers={"Retry-After": "120"})
    server.expect_request("/v1/health").respond_with_handler(handler)
    with pytest.raises(ap.InternalServerError):
        await run(client.health())
    assert len(handler.requests) == 1
    assert sleeps == []


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("5", 5.0),
        (" 5 ", 5.0),
        ("-5", None),
        ("5.5", None),
        ("soon", None),
        ("", None),
        ("Wed, 21 Oct 2015 07:28:00", None),  # no zone: ambiguous
    ],
)
def test_retry_after_parsing(value: str, expected: float | None) -> None:
    assert _retry.retry_after_seconds(httpx.Headers({"Retry-After": value})) == expected


def test_retry_after_date_uses_now() -> None:
    headers = httpx.Headers({"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"})
    moment = email.utils.parsedate_to_datetime("Wed, 21 Oct 2015 07:28:00 GMT").timestamp()
    assert _retry.retry_after_seconds(headers, now=moment - 30) == 30.0
    assert _retry.retry_after_seconds(headers, now=moment + 30) == 0.0
    assert _retry.retry_after_seconds(httpx.Headers({"retry-after-ms": "inf"})) is None


async def test_idempotency_key_is_the_same_on_every_retry(client: Any, server: HTTPServer) -> None:
    handler = Sequence(
        json_response(problem(503), 503),
        json_response(problem(502), 502),
        json_response(ENTITY, 201),
    )
    server.expect_request("/v1/entities", method="POST").respond_with_handler(handler)
    await run(client.entities.create(type="Person", properties={"name": "Ada"}))
    keys = handler.headers("Idempotency-Key")
    assert len(keys) == 3
    assert keys[0] is not None
    assert uuid.UUID(keys[0]).version == 4
    assert keys == [keys[0]] * 3
    assert len(set(handler.bodies)) == 1


async def test_given_idempotency_key_is_kept_across_retries(
    client: Any, server: HTTPServer
) -> None:
    handler = Sequence(json_response(problem(500), 500), json_response(ENTITY, 201))
    server.expect_request("/v1/entities", method="POST").respond_with_handler(handler)
    await run(client.entities.create(type="P", properties={}, idempotency_key="order-42"))
    assert handler.headers("Idempotency-Key") == ["order-42", "order-42"]


async def test_each_call_gets_its_own_key(client: Any, server: HTTPServer) -> None:
    handler = Sequence(json_response(ENTITY, 201))
    server.expect_request("/v1/entities", method="POST").respond_with_handler(handler)
    await run(client.entities.create(type="P", properties={}))
    await run(client.entities.create(type="P", properties={}))
    first, second = handler.headers("Idempotency-Key")
    assert first != second


def _chunks() -> Iterator[bytes]:
    yield b'{"a": '
    yield b"1}"


async def _achunks() -> AsyncIterator[bytes]:
    yield b'{"a": '
    yield b"1}"


async def test_streamed_body_is_not_retried(
    client: Any, server: HTTPServer, mode: str, sleeps: list[float]
) -> None:
    handler = failing_then(503, times=5)
    server.expect_request("/v1/upload", method="POST").respond_with_handler(handler)
    url = server.url_for("/v1/upload")
    if mode == "sync":
        request = client._http.build_request("POST", url, content=_chunks())
        response = client._http.send(request)
    else:
        request = client._http.build_request("POST", url, content=_achunks())
        response = await client._http.send(request)
    assert response.status_code == 503
    assert len(handler.requests) == 1
    assert handler.bodies == [b'{"a": 1}']
    assert sleeps == []
    assert "Idempotency-Key" in handler.requests[0].headers


async def test_byte_body_through_the_transport_is_retried_intact(
    client: Any, server: HTTPServer, mode: str
) -> None:
    handler = failing_then(503, times=1)
    server.expect_request("/v1/upload", method="POST").respond_with_handler(handler)
    request = client._http.build_request("POST", server.url_for("/v1/upload"), content=b"abc")
    response = await run(client._http.send(request))
    assert response.status_code == 200
    assert handler.bodies == [b"abc", b"abc"]


async def test_retry_budget_stops_a_retry_storm(
    make_client: Any, server: HTTPServer, sleeps: list[float]
) -> None:
    budget = ap.RetryBudget(capacity=15, retry_cost=5, success_refund=5, call_deposit=0)
    client = make_client(max_retries=5, retry_budget=budget)
    handler = failing_then(503, times=100)
    server.expect_request("/v1/health").respond_with_handler(handler)
    with pytest.raises(ap.InternalServerError):
        await run(client.health())
    assert len(handler.requests) == 4  # three retries, then the budget is empty
    with pytest.raises(ap.InternalServerError):
        await run(client.health())
    assert len(handler.requests) == 5  # no retry at all
    assert len(sleeps) == 3
    assert budget.tokens == 0


def test_retry_budget_refills_on_success() -> None:
    budget = ap.RetryBudget(capacity=10, retry_cost=5, timeout_cost=10, success_refund=2.5)
    assert budget.try_spend()
    assert budget.try_spend()
    assert not budget.try_spend()
    budget.record_success()
    assert not budget.try_spend()
    budget.record_success()
    assert budget.try_spend()
    assert budget.tokens == 0
    for _ in range(10):
        budget.record_success()
    assert budget.tokens == 10
    assert budget.try_spend(network_error=True)  # a connection error costs 10
    assert not budget.try_spend()


def test_default_budget_has_the_standard_shape() -> None:
    budget = ap.RetryBudget()
    assert (
        budget.capacity,
        budget.retry_cost,
        budget.timeout_cost,
        budget.success_refund,
        budget.call_deposit,
    ) == (500, 5, 10, 5, 2.5)
    assert "tokens=500" in repr(budget)


@pytest.mark.parametrize(
    "bad",
    [{"capacity": -1}, {"retry_cost": "5"}, {"success_refund": float("nan")}, {"capacity": True}],
)
def test_retry_budget_checks_its_numbers(bad: dict[str, Any]) -> None:
    with pytest.raises(ap.ConfigurationError, match=next(iter(bad))):
        ap.RetryBudget(**bad)


async def test_connection_errors_cost_the_budget_more(
    make_client: Any, sleeps: list[float]
) -> None:
    budget = ap.RetryBudget(capacity=25, retry_cost=5, timeout_cost=10, call_deposit=0)
    client = make_client(base_url="http://127.0.0.1:9", max_retries=5, retry_budget=budget)
    with pytest.raises(ap.APIConnectionError):
        await run(client.health())
    assert len(sleeps) == 2  # 10 + 10 spent; 5 left is less than a connection retry
    assert budget.tokens == 5


async def test_successes_refill_the_client_budget(make_client: Any, server: HTTPServer) -> None:
    budget = ap.RetryBudget(capacity=10, retry_cost=2, success_refund=1, call_deposit=0)
    client = make_client(retry_budget=budget)
    server.expect_request("/v1/health").respond_with_handler(failing_then(503, times=2))
    await run(client.health())
    assert budget.tokens == 7.0  # two retries spent 4, the final success earned 1 back


def test_calls_in_flight_lend_credit_that_ends_with_them() -> None:
    budget = ap.RetryBudget(capacity=10, retry_cost=5, call_deposit=2.5)
    for _ in range(4):  # a burst of four calls in flight: 10 more tokens
        budget.begin_call()
    assert budget.tokens == 20
    assert budget.try_spend() and budget.try_spend() and budget.try_spend()
    for _ in range(4):
        budget.end_call()
    assert budget.tokens == 5  # spent credit is gone, nothing left over beyond capacity
    for _ in range(10):
        budget.record_success()
    assert budget.tokens == 10


async def test_no_budget_retries_up_to_max_retries(
    make_client: Any, server: HTTPServer, sleeps: list[float]
) -> None:
    client = make_client(max_retries=30, retry_budget=None)
    handler = failing_then(503, times=30)
    server.expect_request("/v1/health").respond_with_handler(handler)
    assert (await run(client.health())).status == "ok"
    assert len(handler.requests) == 31
    assert client._http._transport.policy.budget is None


async def test_default_budget_outlasts_a_degraded_service(
    make_client: Any, server: HTTPServer, sleeps: list[float]
) -> None:
    """Old bucket: 20 tokens, +0.1 per success: 300 calls where every third attempt fails
    emptied it after 22 calls. Now every call succeeds."""
    client = make_client(max_retries=10)
    handler = Sequence(
        json_response(problem(503), 503),
        json_response(HEALTH, 200),
        json_response(HEALTH, 200),
        cycle=True,
    )
    server.expect_request("/v1/health").respond_with_handler(handler)
    for _ in range(300):
        assert (await run(client.health())).status == "ok"
    assert len(handler.requests) == 450


@pytest.mark.parametrize("bad", [0, "budget", object()])
async def test_retry_budget_option_is_checked(make_client: Any, bad: Any) -> None:
    with pytest.raises(ap.ConfigurationError, match="retry_budget"):
        make_client(retry_budget=bad)


async def test_copies_share_the_retry_budget(make_client: Any) -> None:
    budget = ap.RetryBudget()
    client = make_client(retry_budget=budget)
    copy = client.with_options(max_retries=1)
    assert copy._http._transport.policy is client._http._transport.policy
    assert copy._http._transport.policy.budget is budget
    with pytest.raises(ap.ConfigurationError, match="retry_budget"):
        client.with_options(retry_budget=None)


async def test_denied_retry_is_logged_at_info(
    make_client: Any, server: HTTPServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="agentplatform")
    client = make_client(retry_budget=ap.RetryBudget(capacity=0))
    server.expect_request("/v1/health").respond_with_response(json_response(problem(503), 503))
    with pytest.raises(ap.InternalServerError):
        await run(client.health())
    denied = [r for r in caplog.records if "retry budget is exhausted" in r.getMessage()]
    assert len(denied) == 1
    assert denied[0].levelno == logging.INFO


@pytest.mark.parametrize("status", [200, 302])
async def test_x_should_retry_never_repeats_a_non_error(
    client: Any, server: HTTPServer, sleeps: list[float], status: int
) -> None:
    handler = Sequence(json_response(HEALTH, status, {"x-should-retry": "true"}))
    server.expect_request("/v1/health").respond_with_handler(handler)
    if status == 200:
        assert (await run(client.health())).status == "ok"
    else:
        with pytest.raises(ap.APIResponseValidationError):
            await run(client.health())
    assert len(handler.requests) == 1
    assert sleeps == []
