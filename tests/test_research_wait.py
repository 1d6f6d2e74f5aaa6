"""`client.research.wait`: polling with backoff, failure, timeout and progress display.

Sleeps are patched to move a fake clock (and, against the sandbox, the sandbox's manual
clock), so no test waits for real and every delay is exact.
"""

from __future__ import annotations

import inspect
import io
import json
import os
import sys
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import _modes
import agentplatform as ap
import pytest
from agentplatform import _progress, _transport
from agentplatform.raw_response import RawResponse
from agentplatform.resources.research import ResearchFailedError, WaitTimeoutError
from agentplatform.types import Problem, ResearchJob
from agentplatform_sandbox import ManualClock, Sandbox
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

API_KEY = "sk_test_research_wait_000"
T0 = "2026-01-01T00:00:00Z"
JOB_PATH = "/v1/research/job_1"
RESULT = {
    "summary": "Agents keep facts in small graphs.",
    "sources": [{"title": "Small graphs", "url": "https://agentplatform.dev/k/1"}],
}


def job(status: str, progress: float, **extra: Any) -> dict[str, Any]:
    return {
        "id": "job_1",
        "query": "How do agents use graph memory?",
        "status": status,
        "progress": progress,
        "result": None,
        "error": None,
        "created_at": T0,
        "updated_at": T0,
        **extra,
    }


QUEUED = job("queued", 0.0)
RUNNING = job("running", 0.5)
SUCCEEDED = job("succeeded", 1.0, result=RESULT)
FAILED = job(
    "failed",
    0.75,
    error={
        "type": "https://agentplatform.dev/problems/research",
        "title": "Research failed",
        "status": 500,
        "detail": "The sources could not be reached.",
        "code": "research_failed",
    },
)


class Jobs:
    """A werkzeug handler answering the n-th poll with the n-th state (the last repeats)."""

    def __init__(self, *states: dict[str, Any], status: int = 200) -> None:
        self.states = states
        self.status = status
        self.requests: list[Request] = []

    def __call__(self, request: Request) -> Response:
        self.requests.append(request)
        body = self.states[min(len(self.requests), len(self.states)) - 1]
        return Response(
            json.dumps(body),
            status=self.status,
            headers={"X-Request-ID": f"req_{len(self.requests)}"},
            content_type="application/json" if self.status < 400 else "application/problem+json",
        )


class FakeTime:
    """A clock that moves only when something sleeps."""

    def __init__(self, on_sleep: Callable[[float], None] | None = None) -> None:
        self.now = 1_000.0
        self.sleeps: list[float] = []
        self.on_sleep = on_sleep

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds
        if self.on_sleep is not None:
            self.on_sleep(seconds)

    async def async_sleep(self, seconds: float) -> None:
        self.sleep(seconds)


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> None:
    for name in list(os.environ):
        if name.startswith("AGENTPLATFORM_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("AGENTPLATFORM_CONFIG_FILE", str(tmp_path / "absent.toml"))


@pytest.fixture(autouse=True)
def fake_time(monkeypatch: pytest.MonkeyPatch) -> FakeTime:
    fake = FakeTime()
    monkeypatch.setattr(_transport, "sleep", fake.sleep)
    monkeypatch.setattr(_transport, "async_sleep", fake.async_sleep)
    monkeypatch.setattr(_progress, "clock", fake.clock)
    return fake


mode = _modes.mode  # sync, async-httpx, async-aiohttp


@pytest.fixture
async def client(mode: str, httpserver: HTTPServer) -> AsyncIterator[Any]:
    options: dict[str, Any] = {
        "api_key": API_KEY,
        "base_url": httpserver.url_for("/").rstrip("/"),
        "max_retries": 0,
    }
    if mode == "sync":
        with ap.Client(**options) as sync_client:
            yield sync_client
    else:
        async with ap.AsyncClient(**options) as async_client:
            yield async_client


async def run(value: Any) -> Any:
    return await value if inspect.isawaitable(value) else value


def serve(httpserver: HTTPServer, *states: dict[str, Any], status: int = 200) -> Jobs:
    jobs = Jobs(*states, status=status)
    httpserver.expect_request(JOB_PATH, method="GET").respond_with_handler(jobs)
    return jobs


async def test_wait_polls_with_backoff_until_succeeded(
    httpserver: HTTPServer, client: Any, fake_time: FakeTime
) -> None:
    jobs = serve(httpserver, QUEUED, RUNNING, RUNNING, SUCCEEDED)
    done = await run(client.research.wait("job_1"))
    assert isinstance(done, ResearchJob)
    assert done.status == "succeeded"
    assert done.result is not None and done.result.summary == RESULT["summary"]
    assert len(jobs.requests) == 4
    assert fake_time.sleeps == [0.5, 1.0, 2.0]


async def test_the_interval_is_capped_by_max_interval(
    httpserver: HTTPServer, client: Any, fake_time: FakeTime
) -> None:
    serve(httpserver, *([RUNNING] * 7), SUCCEEDED)
    await run(client.research.wait("job_1", poll_interval=1, max_interval=3))
    assert fake_time.sleeps == [1, 2, 3, 3, 3, 3, 3]


async def test_a_finished_job_returns_at_once(
    httpserver: HTTPServer, client: Any, fake_time: FakeTime
) -> None:
    jobs = serve(httpserver, SUCCEEDED)
    done = await run(client.research.wait("job_1"))
    assert done.progress == 1.0
    assert len(jobs.requests) == 1
    assert fake_time.sleeps == []


async def test_a_failed_job_raises_research_failed_error(
    httpserver: HTTPServer, client: Any
) -> None:
    serve(httpserver, RUNNING, FAILED)
    with pytest.raises(ResearchFailedError, match="sources could not be reached") as caught:
        await run(client.research.wait("job_1"))
    assert isinstance(caught.value, ap.AgentPlatformError)
    assert caught.value.job.status == "failed"
    assert isinstance(caught.value.problem, Problem)
    assert caught.value.problem.code == "research_failed"
    assert "job_1" in str(caught.value)


async def test_a_failed_job_without_a_problem_still_raises(
    httpserver: HTTPServer, client: Any
) -> None:
    serve(httpserver, job("failed", 0.2))
    with pytest.raises(ResearchFailedError, match="no reason given") as caught:
        await run(client.research.wait("job_1"))
    assert caught.value.problem is None


async def test_waiting_past_the_timeout_raises_wait_timeout_error(
    httpserver: HTTPServer, client: Any, fake_time: FakeTime
) -> None:
    jobs = serve(httpserver, RUNNING)
    with pytest.raises(WaitTimeoutError) as caught:
        await run(client.research.wait("job_1", timeout=5.0))
    error = caught.value
    assert isinstance(error, TimeoutError)
    assert isinstance(error, ap.AgentPlatformError)
    assert not isinstance(error, ap.APITimeoutError)
    assert error.timeout == 5.0
    assert isinstance(error.last, ResearchJob) and error.last.status == "running"
    assert "still running after 5 s" in str(error)
    assert "client.research.get('job_1')" in str(error)
    # 0.5 + 1 + 2 = 3.5 s, then only the 1.5 s left, then one last poll.
    assert fake_time.sleeps == [0.5, 1.0, 2.0, 1.5]
    assert len(jobs.requests) == 5


async def test_timeout_zero_polls_once(
    httpserver: HTTPServer, client: Any, fake_time: FakeTime
) -> None:
    jobs = serve(httpserver, QUEUED)
    with pytest.raises(WaitTimeoutError, match="still queued"):
        await run(client.research.wait("job_1", timeout=0))
    assert len(jobs.requests) == 1
    assert fake_time.sleeps == []


async def test_no_timeout_waits_as_long_as_it_takes(
    httpserver: HTTPServer, client: Any, fake_time: FakeTime
) -> None:
    serve(httpserver, *([RUNNING] * 200), SUCCEEDED)
    done = await run(client.research.wait("job_1", timeout=None, max_interval=60))
    assert done.status == "succeeded"
    assert sum(fake_time.sleeps) > 300  # past the default timeout


async def test_an_unknown_status_keeps_polling(httpserver: HTTPServer, client: Any) -> None:
    jobs = serve(httpserver, job("paused", 0.3), job("resuming", 0.3), SUCCEEDED)
    done = await run(client.research.wait("job_1"))
    assert done.status == "succeeded"
    assert len(jobs.requests) == 3


async def test_errors_of_a_poll_are_raised(httpserver: HTTPServer, client: Any) -> None:
    problem = {"type": "about:blank", "title": "Not found", "status": 404, "detail": "No job."}
    serve(httpserver, problem, status=404)
    with pytest.raises(ap.NotFoundError, match="No job"):
        await run(client.research.wait("job_1"))


async def test_a_poll_that_breaks_the_spec_is_a_validation_error(
    httpserver: HTTPServer, client: Any
) -> None:
    serve(httpserver, {**RUNNING, "progress": "half"})
    with pytest.raises(ap.APIResponseValidationError, match="progress"):
        await run(client.research.wait("job_1"))


async def test_extra_headers_go_with_every_poll(httpserver: HTTPServer, client: Any) -> None:
    jobs = serve(httpserver, RUNNING, SUCCEEDED)
    await run(client.research.wait("job_1", extra_headers={"X-Trace": "t-1"}, max_retries=1))
    assert [r.headers.get("X-Trace") for r in jobs.requests] == ["t-1", "t-1"]


async def test_the_raw_client_returns_the_last_response(
    httpserver: HTTPServer, client: Any
) -> None:
    serve(httpserver, RUNNING, SUCCEEDED)
    raw = await run(client.with_raw_response.research.wait("job_1"))
    assert isinstance(raw, RawResponse)
    assert raw.parsed.status == "succeeded"
    assert raw.request_id == "req_2"


@pytest.mark.parametrize(
    ("kwargs", "parameter"),
    [
        ({"timeout": -1}, "timeout"),
        ({"timeout": "5"}, "timeout"),
        ({"poll_interval": 0}, "poll_interval"),
        ({"max_interval": 0}, "max_interval"),
        ({"poll_interval": 2, "max_interval": 1}, "max_interval"),
        ({"progress": "yes"}, "progress"),
    ],
)
async def test_bad_arguments_fail_before_any_poll(
    httpserver: HTTPServer, client: Any, kwargs: dict[str, Any], parameter: str
) -> None:
    jobs = serve(httpserver, SUCCEEDED)
    with pytest.raises(ap.InvalidParameterError) as caught:
        await run(client.research.wait("job_1", **kwargs))
    assert caught.value.parameter == parameter
    with pytest.raises(ap.InvalidParameterError):
        await run(client.research.wait("job/1"))
    assert jobs.requests == []


# --- progress display -----------------------------------------------------------------------


class Terminal(io.StringIO):
    """A text stream that says it is a terminal."""

    def isatty(self) -> bool:
        return True


class ClosedStream(io.StringIO):
    def isatty(self) -> bool:
        raise ValueError("I/O operation on closed file")


async def test_progress_off_prints_nothing(
    httpserver: HTTPServer, client: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    serve(httpserver, QUEUED, RUNNING, SUCCEEDED)
    await run(client.research.wait("job_1"))
    assert capsys.readouterr() == ("", "")


async def test_progress_prints_lines_when_not_a_terminal(
    httpserver: HTTPServer, client: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    serve(httpserver, QUEUED, RUNNING, RUNNING, SUCCEEDED)
    await run(client.research.wait("job_1", progress=True))
    out, err = capsys.readouterr()
    assert out == ""
    assert err.splitlines() == [
        "research job job_1: queued 0%",
        "research job job_1: running 50%",  # printed once, not for each poll
        "research job job_1: succeeded 100%",
    ]


async def test_progress_shows_a_rich_bar_on_a_terminal(
    httpserver: HTTPServer, client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    serve(httpserver, QUEUED, RUNNING, SUCCEEDED)
    await run(client.research.wait("job_1", progress=True))
    shown = terminal.getvalue()
    assert "research job job_1: succeeded" in shown
    assert "100%" in shown
    assert "━" in shown  # the bar
    assert "research job job_1: queued 0%\n" not in shown  # not the plain lines


async def test_progress_falls_back_to_lines_without_rich(
    httpserver: HTTPServer, client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("rich", "rich.console", "rich.progress"):
        monkeypatch.setitem(sys.modules, name, None)  # makes `import rich...` fail
    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    serve(httpserver, RUNNING, SUCCEEDED)
    await run(client.research.wait("job_1", progress=True))
    assert terminal.getvalue().splitlines() == [
        "research job job_1: running 50%",
        "research job job_1: succeeded 100%",
    ]


async def test_the_progress_display_ends_when_the_wait_fails(
    httpserver: HTTPServer, client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    serve(httpserver, RUNNING, FAILED)
    with pytest.raises(ResearchFailedError):
        await run(client.research.wait("job_1", progress=True))
    assert "research job job_1: failed" in terminal.getvalue()


def test_reporters_on_odd_streams() -> None:
    closed = ClosedStream()
    lines = _progress.reporter(True, "job", closed)
    lines.update("running", None)  # no fraction: no percentage
    lines.update("running", None)
    lines.update("running", 1.7)  # clamped
    lines.close()
    assert closed.getvalue().splitlines() == ["job: running", "job: running 100%"]
    bar = _progress.reporter(True, "job", Terminal())
    bar.update("queued", None)
    bar.update("running", 0.25)
    bar.close()
    silent = _progress.reporter(False, "job", Terminal())
    silent.update("running", 0.5)
    silent.close()


# --- against the sandbox ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def manual_clock() -> ManualClock:
    return ManualClock()


@pytest.fixture(scope="module")
def sandbox(manual_clock: ManualClock) -> Iterator[Sandbox]:
    with Sandbox(clock=manual_clock, research_step_s=1.0) as running:
        yield running


@pytest.fixture
async def sandbox_client(
    mode: str,
    sandbox: Sandbox,
    manual_clock: ManualClock,
    fake_time: FakeTime,
) -> AsyncIterator[Any]:
    """A client whose sleeps move the sandbox's clock: jobs progress exactly as polled."""
    fake_time.on_sleep = manual_clock.advance
    if mode == "sync":
        with ap.Client(api_key=sandbox.api_key, base_url=sandbox.url) as sync_client:
            yield sync_client
    else:
        async with ap.AsyncClient(api_key=sandbox.api_key, base_url=sandbox.url) as async_client:
            yield async_client


async def test_sandbox_job_is_waited_for_until_it_succeeds(
    sandbox_client: Any, fake_time: FakeTime, capsys: pytest.CaptureFixture[str]
) -> None:
    created = await run(sandbox_client.research.create("graph memory for agents", depth=1))
    assert created.status == "queued"
    done = await run(sandbox_client.research.wait(created.id, progress=True))
    assert done.id == created.id
    assert done.status == "succeeded"
    assert done.progress == 1.0
    assert done.result is not None and done.result.sources
    # depth 1 takes 3 steps of 1 s: polls at 0, 0.5, 1.5 and 3.5 s.
    assert fake_time.sleeps == [0.5, 1.0, 2.0]
    lines = capsys.readouterr().err.splitlines()
    assert lines[0] == f"research job {created.id}: queued 0%"
    assert lines[-1] == f"research job {created.id}: succeeded 100%"
    assert any(": running " in line for line in lines)


async def test_sandbox_failing_job_raises(sandbox_client: Any) -> None:
    created = await run(sandbox_client.research.create("please !fail this one"))
    with pytest.raises(ResearchFailedError) as caught:
        await run(sandbox_client.research.wait(created.id))
    assert caught.value.job.id == created.id
    assert caught.value.problem is not None
    assert caught.value.problem.code == "research_failed"


async def test_sandbox_slow_job_times_out_then_can_be_waited_for_again(
    sandbox_client: Any,
) -> None:
    created = await run(sandbox_client.research.create("a deep question", depth=5))
    with pytest.raises(WaitTimeoutError) as caught:
        await run(sandbox_client.research.wait(created.id, timeout=2))
    assert caught.value.last.status in ("queued", "running")
    polled = await run(sandbox_client.research.get(created.id))
    assert polled.status in ("queued", "running")
    done = await run(sandbox_client.research.wait(created.id))
    assert done.status == "succeeded"


async def test_sandbox_unknown_job_is_not_found(sandbox_client: Any) -> None:
    with pytest.raises(ap.NotFoundError):
        await run(sandbox_client.research.wait("job_does_not_exist"))
