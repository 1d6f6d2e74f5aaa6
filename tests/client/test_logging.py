"""The `agentplatform` logger: what AGENTPLATFORM_LOG shows, and what never appears."""

from __future__ import annotations

import logging
import re
from typing import Any

import agentplatform as ap
import pytest
from agentplatform import _logging, _retry
from pytest_httpserver import HTTPServer

from ._support import API_KEY, ENTITY, Sequence, closed_port_url, json_response, problem, run

BODY_SECRET = "BODY-SECRET-do-not-log"
RESPONSE_SECRET = "RESPONSE-SECRET-do-not-log"


def attempt_records(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "agentplatform" and "attempt=" in r.message]


async def test_debug_log_shows_each_attempt(
    make_client: Any,
    server: HTTPServer,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    capfd: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("AGENTPLATFORM_LOG", "debug")
    _logging.reset()
    caplog.set_level(logging.DEBUG)
    client = make_client()
    assert _logging.logger.level == logging.DEBUG
    handler = Sequence(
        json_response(problem(503), 503, {"X-Request-ID": "req_first"}),
        json_response({**ENTITY, "note": RESPONSE_SECRET}, 201, {"X-Request-ID": "req_second"}),
    )
    server.expect_request("/v1/entities", method="POST").respond_with_handler(handler)
    await run(client.entities.create(type="Person", properties={"secret": BODY_SECRET}))

    first, second = (r.getMessage() for r in attempt_records(caplog))
    url = server.url_for("/v1/entities")
    assert re.fullmatch(
        rf"POST {re.escape(url)} -> 503 attempt=1 elapsed_ms=\d+\.\d request_id=req_first", first
    )
    assert re.fullmatch(
        rf"POST {re.escape(url)} -> 201 attempt=2 elapsed_ms=\d+\.\d request_id=req_second",
        second,
    )
    stderr = capfd.readouterr().err
    assert "attempt=2" in stderr  # the handler AGENTPLATFORM_LOG attached
    for text in (caplog.text, stderr):
        assert API_KEY not in text
        assert BODY_SECRET not in text
        assert RESPONSE_SECRET not in text


async def test_debug_log_of_connection_errors(
    make_client: Any, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("AGENTPLATFORM_LOG", "debug")
    _logging.reset()
    caplog.set_level(logging.DEBUG)
    client = make_client(base_url=closed_port_url(), max_retries=1)
    with pytest.raises(ap.APIConnectionError):
        await run(client.health())
    messages = [r.getMessage() for r in attempt_records(caplog)]
    assert len(messages) == 2
    assert all(re.search(r"-> ConnectError attempt=\d elapsed_ms=", m) for m in messages)
    assert API_KEY not in caplog.text


async def test_info_level_says_why_a_retry_was_skipped(
    make_client: Any,
    server: HTTPServer,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.setenv("AGENTPLATFORM_LOG", "info")
    _logging.reset()
    caplog.set_level(logging.DEBUG)
    client = make_client()
    assert _logging.logger.level == logging.INFO
    client._http._transport.policy.budget = _retry.RetryBudget(capacity=0)
    server.expect_request("/v1/health").respond_with_response(json_response(problem(503), 503))
    with pytest.raises(ap.InternalServerError):
        await run(client.health())
    assert attempt_records(caplog) == []  # attempts are debug only
    assert "not retried: the client's retry budget is exhausted" in caplog.text
    assert API_KEY not in caplog.text


async def test_logging_is_silent_by_default(
    client: Any, server: HTTPServer, capfd: pytest.CaptureFixture[str]
) -> None:
    server.expect_request("/v1/entities/e").respond_with_json(ENTITY)
    await run(client.entities.get("e"))
    assert _logging.logger.handlers == []
    assert capfd.readouterr().err == ""


def test_configure_runs_once_and_reset_undoes_it(
    monkeypatch: pytest.MonkeyPatch, base_url: str
) -> None:
    monkeypatch.setenv("AGENTPLATFORM_LOG", "DEBUG ")
    ap.Client(api_key=API_KEY, base_url=base_url)
    ap.Client(api_key=API_KEY, base_url=base_url)
    assert len(_logging.logger.handlers) == 1
    monkeypatch.setenv("AGENTPLATFORM_LOG", "info")
    ap.Client(api_key=API_KEY, base_url=base_url)
    assert _logging.logger.level == logging.DEBUG  # read once per process
    _logging.reset()
    assert _logging.logger.handlers == []
    ap.Client(api_key=API_KEY, base_url=base_url)
    assert _logging.logger.level == logging.INFO
    assert len(_logging.logger.handlers) == 1


def test_bad_log_level_is_a_configuration_error(
    monkeypatch: pytest.MonkeyPatch, base_url: str
) -> None:
    monkeypatch.setenv("AGENTPLATFORM_LOG", "chatty")
    with pytest.raises(ap.ConfigurationError, match="AGENTPLATFORM_LOG must be 'debug' or 'info'"):
        ap.Client(api_key=API_KEY, base_url=base_url)
    monkeypatch.setenv("AGENTPLATFORM_LOG", "debug")
    ap.Client(api_key=API_KEY, base_url=base_url)  # fixed: now it configures
    assert _logging.logger.level == logging.DEBUG


async def test_key_is_absent_from_every_error_text(
    make_client: Any,
    server: HTTPServer,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.setenv("AGENTPLATFORM_LOG", "debug")
    _logging.reset()
    caplog.set_level(logging.DEBUG)
    client = make_client(max_retries=0)
    texts: list[str] = [repr(client), str(client.settings), repr(client.with_options(timeout=1))]
    for status in (400, 401, 403, 404, 409, 422, 429, 500):
        server.clear()
        server.expect_request("/v1/entities/e").respond_with_response(
            json_response(problem(status), status)
        )
        with pytest.raises(ap.APIStatusError) as info:
            await run(client.entities.get("e"))
        texts += [str(info.value), repr(info.value), repr(info.value.__dict__)]
    server.clear()
    server.expect_request("/v1/entities/e").respond_with_json({"id": 1})
    with pytest.raises(ap.APIResponseValidationError) as validation:
        await run(client.entities.get("e"))
    texts += [str(validation.value), repr(validation.value.__dict__), caplog.text]
    for text in texts:
        assert API_KEY not in text
