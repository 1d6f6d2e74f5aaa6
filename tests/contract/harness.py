"""Run an operation case through the real SDK and judge it by what Prism said.

A case fails when Prism rejected a request (an error status, with the `sl-violations`
header that names the broken rule), when a successful response still carries
violations, or when the SDK could not parse what Prism sent. The failure message shows
the request, Prism's verdict and the response body, so it can be reproduced.
"""

from __future__ import annotations

import inspect
import json
from itertools import islice
from typing import Any

import agentplatform as ap
import httpx
import pytest
from agentplatform.telemetry import TelemetryConfig

from .operations import FULL_CLIENT_OPTIONS, Case
from .prism import violations

API_KEY = "contract-test-key"
_MAX_BODY_IN_MESSAGE = 1500


class Recorder:
    """Client hooks that keep every request and its final response, in order."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []
        self.responses: list[httpx.Response] = []
        self.errors: list[ap.AgentPlatformError] = []

    def before_request(self, request: httpx.Request) -> None:
        self.requests.append(request)

    def after_response(self, response: httpx.Response) -> None:
        self.responses.append(response)

    def on_error(self, error: ap.AgentPlatformError) -> None:
        self.errors.append(error)

    def describe(self) -> str:
        """Every exchange so far, for a failure message (the API key is not shown)."""
        lines = []
        for request in self.requests:
            headers = {k: v for k, v in request.headers.items() if k.lower() != "x-api-key"}
            lines.append(f"> {request.method} {request.url}")
            lines.append(f"> headers: {headers}")
            body = _text(request)
            if body:
                lines.append(f"> body: {body}")
        for response in self.responses:
            lines.append(f"< {response.status_code} {response.request.url.path}")
            found = violations(response.headers)
            if found:
                lines.append(f"< sl-violations: {json.dumps(found)}")
            lines.append(f"< body: {_text(response)}")
        return "\n".join(lines)


def _text(message: httpx.Request | httpx.Response) -> str:
    try:
        raw = message.content
    except (httpx.RequestNotRead, httpx.ResponseNotRead):
        return "<streamed>"
    return raw[:_MAX_BODY_IN_MESSAGE].decode("utf-8", "replace")


def client_options(base_url: str, case: Case, recorder: Recorder) -> dict[str, Any]:
    """What a user would pass: key, URL, no retries, plus the recording hooks."""
    options: dict[str, Any] = {
        "api_key": API_KEY,
        "base_url": base_url,
        "max_retries": 0,
        "timeout": 30.0,
        "before_request": recorder.before_request,
        "after_response": recorder.after_response,
        "on_error": recorder.on_error,
    }
    if case.variant != "minimal":
        options.update(FULL_CLIENT_OPTIONS)
    if case.kind == "telemetry":
        # Prism cannot read gzip request bodies (it never answers them), so the records
        # are sent as plain JSON; everything else about the batch is unchanged.
        options["telemetry"] = TelemetryConfig(compress=False, flush_interval=60.0)
    return options


def fail(case: Case, mode: str, recorder: Recorder, problem: str) -> None:
    """Fail the test with the exchange that shows what went wrong."""
    pytest.fail(
        f"{case.id} ({mode} Prism): {problem}\n{recorder.describe()}",
        pytrace=False,
    )


def judge_error(case: Case, mode: str, recorder: Recorder, exc: BaseException) -> None:
    """Turn an exception of the SDK into a precise failure."""
    if isinstance(exc, ap.APIStatusError):
        found = violations(exc.headers)
        verdict = "rejected the request" if found else "answered an error"
        fail(
            case,
            mode,
            recorder,
            f"Prism {verdict} ({exc.status_code}): {json.dumps(found) if found else exc}",
        )
    fail(case, mode, recorder, f"the SDK raised {type(exc).__name__}: {exc}")


def unreadable_stream(case: Case, mode: str) -> bool:
    """Dynamic Prism answers text/event-stream with a random string, not events.

    There only the requests are checked (the first and every resume), and that the SDK
    reports the body as `APIResponseValidationError`; static Prism sends the spec's
    example stream, which is parsed for real.
    """
    return case.kind == "stream" and mode == "dynamic"


def settle(case: Case, mode: str, recorder: Recorder, exc: BaseException) -> None:
    """Accept the one expected error (an unreadable dynamic stream), else fail."""
    if unreadable_stream(case, mode) and isinstance(exc, ap.APIResponseValidationError):
        check_responses(case, mode, recorder)
        return
    judge_error(case, mode, recorder, exc)


def check_responses(case: Case, mode: str, recorder: Recorder) -> None:
    """Every response the SDK accepted is free of violations (warnings included)."""
    if not recorder.requests:
        fail(case, mode, recorder, "the SDK sent no request")
    for response in recorder.responses:
        if violations(response.headers):
            fail(case, mode, recorder, "a successful response carries sl-violations")


def check_result(case: Case, mode: str, recorder: Recorder, value: Any) -> None:
    if case.returns is None:
        if value is not None:
            fail(case, mode, recorder, f"expected None, got {value!r}")
    elif not isinstance(value, case.returns):
        fail(case, mode, recorder, f"expected {case.returns.__name__}, got {value!r}")


def run_sync(client: ap.Client, case: Case, *, pages: int) -> Any:
    """Make the call on a sync client; return what the user gets."""
    result = case.call(client)
    if case.kind == "list":
        return list(islice(result.pages(), pages))
    if case.kind == "stream":
        with result as stream:
            return stream.final_response()
    if case.kind == "telemetry":
        if not all(isinstance(event_id, str) for event_id in result):
            raise AssertionError(f"a record was not enqueued: {result!r}")
        if not client.telemetry.flush(30.0):
            raise AssertionError("telemetry.flush() timed out")
        return None
    return result


async def run_async(client: ap.AsyncClient, case: Case, *, pages: int) -> Any:
    """Make the call on an async client; return what the user gets."""
    result = case.call(client)
    if case.kind == "list":
        got = []
        async for page in result.pages():
            got.append(page)
            if len(got) >= pages:
                break
        return got
    if case.kind == "stream":
        async with result as stream:
            return await stream.final_response()
    if case.kind == "telemetry":
        ids = [await item if inspect.isawaitable(item) else item for item in result]
        if not all(isinstance(event_id, str) for event_id in ids):
            raise AssertionError(f"a record was not enqueued: {ids!r}")
        if not await client.telemetry.flush(30.0):
            raise AssertionError("telemetry.flush() timed out")
        return None
    return await result


def check_value(case: Case, mode: str, recorder: Recorder, value: Any) -> None:
    """The user got the documented type (each page of a list call)."""
    check_responses(case, mode, recorder)
    if unreadable_stream(case, mode):
        fail(case, mode, recorder, f"a random body was accepted as a stream: {value!r}")
    if case.kind == "list":
        if not value:
            fail(case, mode, recorder, "the paginator yielded no page")
        for page in value:
            check_result(case, mode, recorder, page)
    elif case.kind == "telemetry":
        sent = [r for r in recorder.responses if r.request.method == "POST"]
        if not sent or any(not 200 <= r.status_code < 300 for r in sent):
            fail(case, mode, recorder, "the batch was not acknowledged")
        if recorder.errors:
            judge_error(case, mode, recorder, recorder.errors[0])
    else:
        check_result(case, mode, recorder, value)
