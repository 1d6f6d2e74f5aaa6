"""The `agentplatform` logger: what AGENTPLATFORM_LOG shows, and what never appears."""

from __future__ import annotations

import logging
import os
import re
import subprocess
import sys
from typing import Any

import agentplatform as ap
import pytest
from agentplatform import _logging, _retry
from pytest_httpserver import HTTPServer

from ._support import (
    API_KEY,
    ENTITY,
    HEALTH,
    REQUEST_ID,
    Sequence,
    closed_port_url,
    json_response,
    problem,
    run,
)

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
    assert "attempt=2" not in stderr  # pytest's handlers show it: the fallback stays quiet
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
    with pytest.raises(ap.ConfigurationError, match="AGENTPLATFORM_LOG must be a log level: debug"):
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


def request_records(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "agentplatform" and "attempts=" in r.message]


async def test_info_logs_one_line_per_request(
    make_client: Any,
    server: HTTPServer,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.setenv("AGENTPLATFORM_LOG", "INFO")
    caplog.set_level(logging.DEBUG)
    client = make_client()
    handler = Sequence(
        json_response(problem(503), 503, {"X-Request-ID": "req_first"}),
        json_response(ENTITY, 201, {"X-Request-ID": "req_second"}),
    )
    server.expect_request("/v1/entities", method="POST").respond_with_handler(handler)
    server.expect_request("/v1/entities/e").respond_with_response(json_response(problem(404), 404))
    await run(client.entities.create(type="Person", properties={"secret": BODY_SECRET}))
    with pytest.raises(ap.NotFoundError):
        await run(client.entities.get("e"))
    created, missing = request_records(caplog)
    assert created.levelno == logging.INFO
    assert re.fullmatch(
        r"POST /v1/entities -> 201 attempts=2 elapsed_ms=\d+\.\d request_id=req_second",
        created.getMessage(),
    )
    assert re.fullmatch(
        rf"GET /v1/entities/e -> 404 attempts=1 elapsed_ms=\d+\.\d request_id={REQUEST_ID}",
        missing.getMessage(),
    )
    assert attempt_records(caplog) == []  # per-attempt lines are debug only
    assert API_KEY not in caplog.text
    assert BODY_SECRET not in caplog.text


async def test_info_line_of_a_request_that_failed_on_the_network(
    make_client: Any, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("AGENTPLATFORM_LOG", "info")
    caplog.set_level(logging.DEBUG)
    client = make_client(base_url=closed_port_url(), max_retries=2)
    with pytest.raises(ap.APIConnectionError):
        await run(client.entities.list(type="Person", limit=5).to_list())
    (record,) = request_records(caplog)
    assert re.fullmatch(
        r"GET /v1/entities\?type=Person&limit=5 -> ConnectError attempts=3 "
        r"elapsed_ms=\d+\.\d request_id=-",
        record.getMessage(),
    )


@pytest.mark.parametrize(
    ("value", "level"),
    [
        ("debug", logging.DEBUG),
        ("Info", logging.INFO),
        ("WARNING", logging.WARNING),
        ("warn", logging.WARNING),
        (" error ", logging.ERROR),
        ("critical", logging.CRITICAL),
    ],
)
def test_standard_level_names_are_accepted(
    monkeypatch: pytest.MonkeyPatch, base_url: str, value: str, level: int
) -> None:
    monkeypatch.setenv("AGENTPLATFORM_LOG", value)
    ap.Client(api_key=API_KEY, base_url=base_url).close()
    assert _logging.logger.level == level


async def test_warning_level_hides_request_lines(
    make_client: Any,
    server: HTTPServer,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.setenv("AGENTPLATFORM_LOG", "warning")
    caplog.set_level(logging.DEBUG, logger="root")
    client = make_client()
    server.expect_request("/v1/entities/e").respond_with_json(ENTITY)
    await run(client.entities.get("e"))
    assert request_records(caplog) == []


LOGGING_SCRIPT = """
import logging, sys
import agentplatform as ap

base_url, setup = sys.argv[1], sys.argv[2]
if setup == "basic-before":
    logging.basicConfig(level=logging.INFO)
client = ap.Client(api_key=sys.argv[3], base_url=base_url, max_retries=0)
if setup == "basic-after":
    logging.basicConfig()
if setup == "own-handler":
    own = logging.getLogger("agentplatform")
    own.addHandler(logging.StreamHandler())
    own.propagate = False
client.health()
client.health()
client.close()
"""


@pytest.mark.parametrize("setup", ["none", "basic-before", "basic-after", "own-handler"])
@pytest.mark.parametrize("level", ["info", "debug"])
def test_each_line_reaches_stderr_exactly_once(
    server: HTTPServer, base_url: str, setup: str, level: str, tmp_path: Any
) -> None:
    server.expect_request("/v1/health").respond_with_json(HEALTH)
    env = {k: v for k, v in os.environ.items() if not k.startswith("AGENTPLATFORM_")}
    env.update(AGENTPLATFORM_LOG=level, AGENTPLATFORM_CONFIG_FILE=str(tmp_path / "none.toml"))
    result = subprocess.run(
        [sys.executable, "-c", LOGGING_SCRIPT, base_url, setup, API_KEY],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stderr.splitlines()
    assert len([line for line in lines if "GET /v1/health -> 200 attempts=1" in line]) == 2
    attempts = [line for line in lines if "/v1/health -> 200 attempt=1" in line]
    assert len(attempts) == (2 if level == "debug" else 0)
    assert API_KEY not in result.stderr


def test_the_fallback_handler_writes_only_when_nobody_else_would(
    capsys: pytest.CaptureFixture[str],
) -> None:
    parent = logging.getLogger("fallback-test")
    child = logging.getLogger("fallback-test.child")
    parent.propagate = False
    fallback = _logging.FallbackHandler()
    parent.addHandler(fallback)
    try:
        child.warning("alone")
        assert capsys.readouterr().err.endswith("fallback-test.child WARNING] alone\n")
        other = logging.StreamHandler()
        child.addHandler(other)
        child.warning("shared")
        child.removeHandler(other)
        assert capsys.readouterr().err.count("shared") == 1  # the other handler's line only
    finally:
        parent.removeHandler(fallback)
        parent.propagate = True
