"""`with_raw_response` and the before_request / after_response / on_error hooks."""

from __future__ import annotations

from typing import Any

import agentplatform as ap
import httpx
import pytest
from agentplatform.types import Entity, EntityPage, Health
from pytest_httpserver import HTTPServer

from ._support import (
    API_KEY,
    ENTITY,
    HEALTH,
    RawServer,
    Sequence,
    json_response,
    page,
    problem,
    run,
)


async def test_raw_response_of_a_plain_call(client: Any, server: HTTPServer) -> None:
    server.expect_request("/v1/health").respond_with_response(
        json_response(HEALTH, 200, {"X-Request-ID": "req_a", "X-Extra": "1"})
    )
    raw = await run(client.with_raw_response.health())
    assert isinstance(raw, ap.RawResponse)
    assert raw.status_code == 200
    assert raw.headers["x-extra"] == "1"
    assert raw.request_id == "req_a"
    assert raw.request_ids == ["req_a"]
    assert raw.attempts == 1
    assert isinstance(raw.parsed, Health)
    assert raw.parse() is raw.parsed
    assert raw.parsed.version == "1.0.0"
    assert isinstance(raw.http_response, httpx.Response)
    assert repr(raw) == "<RawResponse 200 request_id='req_a'>"
    assert API_KEY not in repr(raw)


async def test_raw_response_records_every_attempt(client: Any, server: HTTPServer) -> None:
    handler = Sequence(
        json_response(problem(503), 503, {"X-Request-ID": "req_1"}),
        json_response(problem(502), 502, {"X-Request-ID": "req_2"}),
        json_response(ENTITY, 201, {"X-Request-ID": "req_3"}),
    )
    server.expect_request("/v1/entities", method="POST").respond_with_handler(handler)
    raw = await run(client.with_raw_response.entities.create(type="Person", properties={}))
    assert raw.status_code == 201
    assert raw.attempts == 3
    assert raw.request_ids == ["req_1", "req_2", "req_3"]
    assert raw.request_id == "req_3"
    assert isinstance(raw.parsed, Entity)


async def test_raw_response_of_a_delete(client: Any, server: HTTPServer) -> None:
    server.expect_request("/v1/entities/e", method="DELETE").respond_with_data(
        status=204, headers={"X-Request-ID": "req_d"}
    )
    raw = await run(client.with_raw_response.entities.delete("e"))
    assert raw.status_code == 204
    assert raw.parsed is None
    assert raw.request_id == "req_d"


async def test_raw_response_of_a_list_is_its_first_page(client: Any, server: HTTPServer) -> None:
    server.expect_request("/v1/entities").respond_with_json(page(ENTITY, cursor="c2"))
    raw = await run(client.with_raw_response.entities.list(type="Person"))
    assert isinstance(raw.parsed, EntityPage)
    assert raw.parsed.next_cursor == "c2"
    assert len(server.log) == 1


async def test_raw_response_without_request_id(client: Any, server: HTTPServer) -> None:
    server.expect_request("/v1/health").respond_with_json(HEALTH)
    raw = await run(client.with_raw_response.health())
    assert raw.request_id is None
    assert raw.request_ids == []


async def test_raw_response_errors_are_raised(client: Any, server: HTTPServer) -> None:
    server.expect_request("/v1/entities/e").respond_with_response(json_response(problem(404), 404))
    with pytest.raises(ap.NotFoundError):
        await run(client.with_raw_response.entities.get("e"))


# --- Hooks -----------------------------------------------------------------------------------


class Recorder:
    def __init__(self) -> None:
        self.events: list[tuple[str, Any]] = []

    def before(self, request: httpx.Request) -> None:
        self.events.append(("before", request))

    def after(self, response: httpx.Response) -> None:
        self.events.append(("after", response))

    def error(self, error: ap.AgentPlatformError) -> None:
        self.events.append(("error", error))

    def names(self) -> list[str]:
        return [name for name, _ in self.events]

    def options(self) -> dict[str, Any]:
        return {"before_request": self.before, "after_response": self.after, "on_error": self.error}


async def test_hooks_run_around_a_successful_call(make_client: Any, server: HTTPServer) -> None:
    recorder = Recorder()
    client = make_client(**recorder.options())
    handler = Sequence(json_response(problem(503), 503), json_response(HEALTH, 200))
    server.expect_request("/v1/health").respond_with_handler(handler)
    await run(client.health())
    assert recorder.names() == ["before", "after"]  # once per call, not per attempt
    request = recorder.events[0][1]
    response = recorder.events[1][1]
    assert request.method == "GET"
    assert request.url.path == "/v1/health"
    assert response.status_code == 200
    assert response.request is request


async def test_on_error_runs_for_status_errors(make_client: Any, server: HTTPServer) -> None:
    recorder = Recorder()
    client = make_client(**recorder.options())
    server.expect_request("/v1/health").respond_with_response(json_response(problem(404), 404))
    with pytest.raises(ap.NotFoundError) as info:
        await run(client.health())
    assert recorder.names() == ["before", "error"]
    assert recorder.events[1][1] is info.value


async def test_on_error_runs_for_connection_errors(make_client: Any) -> None:
    recorder = Recorder()
    server = RawServer("close")
    try:
        client = make_client(base_url=server.url, max_retries=0, **recorder.options())
        with pytest.raises(ap.APIConnectionError) as info:
            await run(client.health())
    finally:
        server.close()
    assert recorder.names() == ["before", "error"]
    assert recorder.events[1][1] is info.value


async def test_before_request_may_add_headers(make_client: Any, server: HTTPServer) -> None:
    def sign(request: httpx.Request) -> None:
        request.headers["X-Signed"] = "yes"

    client = make_client(before_request=sign)
    server.expect_request("/v1/health", headers={"X-Signed": "yes"}).respond_with_json(HEALTH)
    await run(client.health())
    server.check_assertions()
    assert len(server.log) == 1


async def test_several_hooks_run_in_order(make_client: Any, server: HTTPServer) -> None:
    order: list[str] = []
    client = make_client(
        before_request=[lambda r: order.append("b1"), lambda r: order.append("b2")],
        after_response=(lambda r: order.append("a1"), lambda r: order.append("a2")),
    )
    server.expect_request("/v1/health").respond_with_json(HEALTH)
    await run(client.health())
    assert order == ["b1", "b2", "a1", "a2"]


async def test_async_hooks_on_the_async_client(
    server: HTTPServer, base_url: str, http_backend: str
) -> None:
    seen: list[str] = []

    async def before(request: httpx.Request) -> None:
        seen.append(f"before {request.method}")

    async def after(response: httpx.Response) -> None:
        seen.append(f"after {response.status_code}")

    async def on_error(error: ap.AgentPlatformError) -> None:
        seen.append(f"error {type(error).__name__}")

    def plain(request: httpx.Request) -> None:
        seen.append("plain")

    server.expect_request("/v1/health").respond_with_json(HEALTH)
    server.expect_request("/v1/entities/e").respond_with_response(json_response(problem(404), 404))
    async with ap.AsyncClient(
        api_key=API_KEY,
        base_url=base_url,
        before_request=[before, plain],
        after_response=after,
        on_error=on_error,
    ) as client:
        await client.health()
        with pytest.raises(ap.NotFoundError):
            await client.entities.get("e")
    assert seen == [
        "before GET",
        "plain",
        "after 200",
        "before GET",
        "plain",
        "error NotFoundError",
    ]


def test_sync_client_refuses_async_hooks(base_url: str) -> None:
    async def before(request: httpx.Request) -> None:
        return None

    class AsyncCallable:
        async def __call__(self, request: httpx.Request) -> None:
            return None

    for hook in (before, AsyncCallable()):
        with pytest.raises(ap.ConfigurationError, match="use AsyncClient"):
            ap.Client(api_key=API_KEY, base_url=base_url, before_request=hook)


async def test_hooks_are_not_run_for_bad_arguments(make_client: Any, server: HTTPServer) -> None:
    recorder = Recorder()
    client = make_client(**recorder.options())
    with pytest.raises(ap.InvalidParameterError):
        await run(client.entities.get(""))
    assert recorder.events == []
    assert server.log == []


async def test_hooks_carry_the_operation_name(make_client: Any, server: HTTPServer) -> None:
    recorder = Recorder()
    client = make_client(**recorder.options())
    server.expect_request("/v1/entities/e").respond_with_json(ENTITY)
    await run(client.entities.get("e"))
    request = recorder.events[0][1]
    assert request.extensions["agentplatform.operation"] == "get_entity"


async def test_on_error_runs_for_validation_errors(make_client: Any, server: HTTPServer) -> None:
    recorder = Recorder()
    client = make_client(**recorder.options())
    server.expect_request("/v1/entities/e").respond_with_json({**ENTITY, "version": "one"})
    with pytest.raises(ap.APIResponseValidationError) as info:
        await run(client.entities.get("e"))
    assert recorder.names() == ["before", "after", "error"]
    assert recorder.events[2][1] is info.value
    with pytest.raises(ap.APIResponseValidationError):
        await run(client.with_raw_response.entities.get("e"))
    assert recorder.names()[-1] == "error"


async def test_async_on_error_hook_sees_validation_errors(
    server: HTTPServer, base_url: str, http_backend: str
) -> None:
    seen: list[str] = []

    async def on_error(error: ap.AgentPlatformError) -> None:
        seen.append(type(error).__name__)

    server.expect_request("/v1/health").respond_with_json({"status": "ok"})
    async with ap.AsyncClient(api_key=API_KEY, base_url=base_url, on_error=on_error) as client:
        with pytest.raises(ap.APIResponseValidationError):
            await client.health()
    assert seen == ["APIResponseValidationError"]
