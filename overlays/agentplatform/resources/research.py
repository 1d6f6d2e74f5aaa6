"""`client.research`: long-running research jobs."""

from __future__ import annotations

from typing import TypedDict, Unpack

from agentplatform_api.api.research import create_research, get_research
from agentplatform_api.models import Problem, ResearchJob, ResearchRequest
from agentplatform_api.types import UNSET

from .. import _params
from .._operation import Call, M, RequestOptions, Resource, operation, polled
from .._progress import PollCall, WaitTimeoutError
from ..errors import AgentPlatformError, InvalidParameterError

__all__ = ["Research", "ResearchFailedError", "WaitOptions", "WaitTimeoutError"]


class ResearchFailedError(AgentPlatformError):
    """A research job ended with status `failed`.

    Attributes:
        job: the failed `ResearchJob`.
        problem: the job's `error` problem document, when it has one.
    """

    def __init__(self, message: str, *, job: ResearchJob) -> None:
        super().__init__(message)
        self.job = job
        self.problem: Problem | None = job.error if isinstance(job.error, Problem) else None


class WaitOptions(TypedDict, total=False):
    """Per-request options of each poll made by `wait`."""

    extra_headers: dict[str, str]
    """Headers added to each poll."""
    max_retries: int
    """Retries for each poll instead of the client's `max_retries`."""


def _job_done(job: ResearchJob) -> bool:
    """True once the job succeeded; raises `ResearchFailedError` when it failed."""
    if job.status == "succeeded":
        return True
    if job.status == "failed":
        problem = job.error if isinstance(job.error, Problem) else None
        detail = "no reason given"
        if problem is not None:
            detail = (problem.detail if isinstance(problem.detail, str) else "") or problem.title
        raise ResearchFailedError(
            f"Research job {job.id} failed: {detail.rstrip('.')}. "
            "See `problem` for details; start a new job to try again.",
            job=job,
        )
    return False  # queued, running, or a status this version does not know


def _job_progress(job: ResearchJob) -> tuple[str, float | None]:
    return str(job.status), job.progress


def _seconds(name: str, value: object, *, allow_zero: bool) -> float:
    number = _params.number(name, value, minimum=0)
    if number == 0 and not allow_zero:
        raise InvalidParameterError(name, "must be > 0.")
    return number


class Research(Resource[M]):
    """Research jobs: start one, poll it, or wait for it to finish."""

    @operation
    def create(
        self, query: str, *, depth: int | None = None, **options: Unpack[RequestOptions]
    ) -> Call[ResearchJob]:
        """Start a research job; it begins `queued`."""
        body = ResearchRequest(
            query=_params.text("query", query),
            depth=UNSET if depth is None else _params.integer("depth", depth, minimum=1, maximum=5),
        )
        return Call(create_research, {"body": body}, options)

    @operation
    def get(self, job_id: str, **options: Unpack[RequestOptions]) -> Call[ResearchJob]:
        """A job's current status, progress and result."""
        return Call(get_research, {"job_id": _params.identifier("job_id", job_id)}, options)

    @polled
    def wait(
        self,
        job_id: str,
        *,
        timeout: float | None = 300.0,
        poll_interval: float = 0.5,
        max_interval: float = 5.0,
        progress: bool = False,
        **options: Unpack[WaitOptions],
    ) -> PollCall[ResearchJob]:
        """Poll a job until it succeeds and return it (with its `result`).

        Polls every `poll_interval` seconds at first, twice as long each time up to
        `max_interval`. `progress=True` shows a progress bar on standard error (plain
        lines when it is not a terminal or `rich` is not installed).

        Raises:
            ResearchFailedError: the job failed (`problem` says why).
            WaitTimeoutError: the job was not done within `timeout` seconds (None waits
                for ever); it is also a `TimeoutError`, and the job goes on.
        """
        ident = _params.identifier("job_id", job_id)
        wait_timeout = None if timeout is None else _seconds("timeout", timeout, allow_zero=True)
        first = _seconds("poll_interval", poll_interval, allow_zero=False)
        cap = _seconds("max_interval", max_interval, allow_zero=False)
        if cap < first:
            raise InvalidParameterError("max_interval", "must be >= poll_interval.")
        request: RequestOptions = {}
        if "extra_headers" in options:
            request["extra_headers"] = options["extra_headers"]
        if "max_retries" in options:
            request["max_retries"] = options["max_retries"]
        return PollCall(
            Call(get_research, {"job_id": ident}, request),
            is_done=_job_done,
            describe=_job_progress,
            label=f"research job {ident}",
            later=f"client.research.get({ident!r})",
            timeout=wait_timeout,
            poll_interval=first,
            max_interval=cap,
            progress=_params.boolean("progress", progress),
        )
