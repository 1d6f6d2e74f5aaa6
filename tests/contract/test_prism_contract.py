"""Every SDK call is valid for the spec, and the SDK parses whatever Prism answers.

Prism (an independent implementation of OpenAPI request validation) serves
openapi.yaml twice: `static` answers with the spec's examples, `dynamic` with random
bodies generated from the response schemas (a new one per request, so each dynamic case
runs several times). Each operation is called with minimal and with full parameters,
through `Client` and through `AsyncClient`, exactly as a user would.
"""

from __future__ import annotations

import os
from typing import Any

import agentplatform as ap
import httpx
import pytest
import yaml
from pytest_httpserver import HTTPServer

from .harness import (
    Recorder,
    check_value,
    client_options,
    judge_error,
    run_async,
    run_sync,
    settle,
)
from .operations import CASES, NOT_SENT_BY_THE_SDK, Case
from .prism import SPEC, Prism, violations

pytestmark = pytest.mark.contract

MODES = ["static", "dynamic"]
# Dynamic bodies differ on every request: repeat each dynamic case to see more of them.
DYNAMIC_REPEATS = int(os.environ.get("CONTRACT_DYNAMIC_REPEATS", "3"))
# Static list calls take two pages, so the second request carries the cursor.
PAGES = {"static": 2, "dynamic": 1}


def _ids(case: Case) -> str:
    return case.id


def _repeats(mode: str) -> int:
    return DYNAMIC_REPEATS if mode == "dynamic" else 1


def _spec_operations() -> dict[str, str]:
    spec = yaml.safe_load(SPEC.read_text())
    found = {}
    for section in ("paths", "webhooks"):
        for path, item in spec.get(section, {}).items():
            for method, operation in item.items():
                if isinstance(operation, dict) and "operationId" in operation:
                    found[operation["operationId"]] = f"{section}: {method.upper()} {path}"
    return found


def test_every_operation_of_the_spec_has_minimal_and_full_cases() -> None:
    operations = _spec_operations()
    covered = {(case.operation_id, case.variant) for case in CASES}
    missing = [
        f"{op} ({where}), {variant}"
        for op, where in operations.items()
        if op not in NOT_SENT_BY_THE_SDK
        for variant in ("minimal", "full")
        if (op, variant) not in covered
    ]
    assert not missing, f"operations without a contract case: {missing}"
    unknown = {case.operation_id for case in CASES} - set(operations)
    assert not unknown, f"cases of operations the spec does not have: {unknown}"
    assert set(NOT_SENT_BY_THE_SDK) <= set(operations)


@pytest.mark.parametrize("case", CASES, ids=_ids)
@pytest.mark.parametrize("mode", MODES)
def test_sync_call_is_valid_and_its_answer_parses(
    case: Case, mode: str, prism_servers: dict[str, Prism]
) -> None:
    for _ in range(_repeats(mode)):
        recorder = Recorder()
        with ap.Client(**client_options(prism_servers[mode].url, case, recorder)) as client:
            try:
                value = run_sync(client, case, pages=PAGES[mode])
            except (ap.AgentPlatformError, AssertionError) as exc:
                settle(case, mode, recorder, exc)
                continue
        check_value(case, mode, recorder, value)


@pytest.mark.parametrize("case", CASES, ids=_ids)
@pytest.mark.parametrize("mode", MODES)
async def test_async_call_is_valid_and_its_answer_parses(
    case: Case, mode: str, prism_servers: dict[str, Prism]
) -> None:
    for _ in range(_repeats(mode)):
        recorder = Recorder()
        async with ap.AsyncClient(**client_options(prism_servers[mode].url, case, recorder)) as c:
            try:
                value = await run_async(c, case, pages=PAGES[mode])
            except (ap.AgentPlatformError, AssertionError) as exc:
                settle(case, mode, recorder, exc)
                continue
        check_value(case, mode, recorder, value)


# The checks above can fail: Prism rejects a bad request, and the harness reports it.


def test_prism_rejects_invalid_requests(prism_servers: dict[str, Prism]) -> None:
    url = prism_servers["static"].url
    headers = {"X-API-Key": "k"}
    missing = httpx.post(f"{url}/v1/memories", json={"user_id": "u"}, headers=headers)
    assert missing.status_code == 422
    assert {v["code"] for v in violations(missing.headers)} == {"required"}
    bad_query = httpx.get(f"{url}/v1/entities", params={"limit": 500}, headers=headers)
    assert bad_query.status_code == 400
    assert violations(bad_query.headers)[0]["location"] == ["request", "query", "limit"]
    no_key = httpx.get(f"{url}/v1/entities")
    assert no_key.status_code == 401
    assert violations(no_key.headers)


def test_a_rejected_sdk_request_fails_the_case(prism_servers: dict[str, Prism]) -> None:
    bad = Case(
        "getHealth",
        "minimal",
        lambda cl: cl.health(extra_headers={"traceparent": "not-a-trace-context"}),
        ap.types.Health,
    )
    recorder = Recorder()
    options = client_options(prism_servers["static"].url, bad, recorder)
    with ap.Client(**options) as client, pytest.raises(pytest.fail.Exception) as failed:
        try:
            run_sync(client, bad, pages=1)
        except ap.AgentPlatformError as exc:
            judge_error(bad, "static", recorder, exc)
    message = str(failed.value)
    assert "Prism rejected the request (400)" in message
    assert "traceparent" in message
    assert "contract-test-key" not in message


def test_an_unparseable_answer_fails_the_case(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/v1/health").respond_with_json({"status": "ok", "version": 1})
    case = Case("getHealth", "minimal", lambda cl: cl.health(), ap.types.Health)
    recorder = Recorder()
    options: dict[str, Any] = client_options(httpserver.url_for("/").rstrip("/"), case, recorder)
    with ap.Client(**options) as client, pytest.raises(pytest.fail.Exception) as failed:
        try:
            run_sync(client, case, pages=1)
        except ap.AgentPlatformError as exc:
            judge_error(case, "static", recorder, exc)
    assert "APIResponseValidationError" in str(failed.value)
