"""`monitor_job`: one monitored run of code that runs Spark jobs, as agent events.

A run puts its Spark jobs in a job group of its own (the previous group comes back at
the end), and at the end asks Spark's status tracker for the group's jobs, their
stages and failed tasks. Row counts come from the frames the run observes
(`DataFrame.observe`). It records `task_started`, then `task_completed` (or `error`,
when the code raises) on `client.events.buffered`, inside a `traced()` block, so model
and LLM calls made during the run share its trace.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import logging
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from types import TracebackType
from typing import Any, ParamSpec, TypeVar

from .. import _params
from ..errors import InvalidParameterError
from ._context import traced
from ._requires import require

_sql = require("pyspark.sql", "spark")
_functions = require("pyspark.sql.functions", "spark")

logger = logging.getLogger("agentplatform.integrations")
P = ParamSpec("P")
R = TypeVar("R")

_GROUP_PROPERTIES = ("spark.jobGroup.id", "spark.job.description", "spark.job.interruptOnCancel")
_SETTLE_S = 2.0
_current: contextvars.ContextVar[JobRun | None] = contextvars.ContextVar(
    "agentplatform_spark_run", default=None
)


class JobRun:
    """One run of a monitored block. `observe(df, label)` counts the rows that flow through
    `df` in its first action; after the block, `attributes` holds what was recorded."""

    def __init__(self, monitor: JobMonitor, spark: Any) -> None:
        self.name = monitor.name
        self.run_id = uuid.uuid4().hex
        self.group = f"agentplatform-{self.name}-{self.run_id[:12]}"
        self.attributes: dict[str, Any] = {}
        self._monitor = monitor
        self._spark = spark
        self._observations: dict[str, Any] = {}
        self._extra_jobs: set[int] = set()
        self._saved: dict[str, str | None] = {}
        self._started = 0.0
        self._trace: contextlib.ExitStack | None = None

    def observe(self, df: Any, label: str) -> Any:
        """`df`, counting its rows under `label` (e.g. `"read"`, `"written"`) when an action
        runs on it during the run; use the returned frame."""
        _params.text("label", label)
        if label in self._observations:
            raise InvalidParameterError("label", f"{label!r} is observed already in this run.")
        observation = _sql.Observation(f"{self.group}-{label}")
        observed = df.observe(observation, _functions.count(_functions.lit(1)).alias("rows"))
        self._observations[label] = observation
        return observed

    def _start(self) -> None:
        context = self._spark.sparkContext
        self._saved = {key: context.getLocalProperty(key) for key in _GROUP_PROPERTIES}
        context.setJobGroup(self.group, f"{self.name} (agentplatform run {self.run_id})")
        self._trace = contextlib.ExitStack()
        self._context = self._trace.enter_context(traced())
        self._started = time.monotonic()
        self._emit("task_started", {"job": self.name, "run_id": self.run_id})

    def _finish(self, error: BaseException | None) -> None:
        duration_ms = (time.monotonic() - self._started) * 1000.0
        context = self._spark.sparkContext
        try:
            jobs = self._jobs(context)
            self.attributes = {
                "job": self.name,
                "run_id": self.run_id,
                "duration_ms": round(duration_ms, 3),
                "application_id": context.applicationId,
                "job_group": self.group,
                **self._counts(context, jobs),
            }
            rows = self._rows()
            if rows:
                self.attributes["rows"] = rows
            if error is not None:
                self.attributes["error_type"] = type(error).__name__
                self.attributes["error_message"] = str(error)[:2000]
            self._emit("error" if error is not None else "task_completed", self.attributes)
        finally:
            for key, value in self._saved.items():
                context.setLocalProperty(key, value)
            if self._trace is not None:
                self._trace.close()

    def _jobs(self, context: Any) -> list[int]:
        tracker = context.statusTracker()
        deadline = time.monotonic() + _SETTLE_S
        while True:  # the tracker learns of a job's end a moment after the action returns
            jobs = sorted({*tracker.getJobIdsForGroup(self.group), *self._extra_jobs})
            infos = [tracker.getJobInfo(job) for job in jobs]
            running = [i for i in infos if i is not None and i.status == "RUNNING"]
            if not running or time.monotonic() > deadline:
                return jobs
            time.sleep(0.02)

    def _counts(self, context: Any, jobs: list[int]) -> dict[str, Any]:
        tracker = context.statusTracker()
        stages: set[int] = set()
        failed_jobs = 0
        for job in jobs:
            info = tracker.getJobInfo(job)
            if info is not None:
                stages.update(info.stageIds)
                failed_jobs += info.status == "FAILED"
        failed_tasks = 0
        for stage in stages:
            found = tracker.getStageInfo(stage)
            if found is not None:
                failed_tasks += found.numFailedTasks
        return {
            "spark_jobs": len(jobs),
            "failed_jobs": failed_jobs,
            "stages": len(stages),
            "failed_tasks": failed_tasks,
        }

    def _rows(self) -> dict[str, int]:
        rows: dict[str, int] = {}
        for label, observation in self._observations.items():
            try:  # only an observation whose action finished; `get` would wait for one
                java = observation._jo
                if java is None or not java.future().isCompleted():
                    continue
                rows[label] = int(observation.get["rows"])
            except Exception:  # an action that failed, or an API this Spark lacks
                logger.debug("no row count for %r", label, exc_info=True)
        return rows

    def _emit(self, kind: str, attributes: Mapping[str, Any]) -> None:
        monitor = self._monitor
        try:
            monitor.client.events.buffered.ingest(
                agent_id=monitor.agent_id,
                session_id=monitor.session_id or self.run_id,
                type=kind,
                trace_id=self._context.trace_id,
                span_id=self._context.span_id,
                attributes={**monitor.attributes, **attributes},
            )
        except Exception:
            logger.exception("could not record %s of Spark run %r", kind, self.name)


class JobMonitor:
    """Returned by `monitor_job`: a decorator (each call is a run) and a context manager
    (`with monitor_job(...) as run:` gives the `JobRun`)."""

    def __init__(
        self,
        name: str,
        *,
        client: Any,
        spark: Any | None,
        agent_id: str | None,
        session_id: str | None,
        attributes: Mapping[str, Any],
    ) -> None:
        self.name = name
        self.client = client
        self.agent_id = agent_id or name
        self.session_id = session_id
        self.attributes = dict(attributes)
        self._spark = spark
        self._local = threading.local()  # the `with` blocks open in each thread

    def _session(self) -> Any:
        if self._spark is not None:
            return self._spark
        active = _sql.SparkSession.getActiveSession()
        if active is None:
            raise InvalidParameterError(
                "spark", "no active SparkSession: create one first or pass spark=."
            )
        return active

    @contextlib.contextmanager
    def run(self) -> Iterator[JobRun]:
        """One run: `with monitor.run() as run:` (what `with monitor:` does)."""
        run = JobRun(self, self._session())
        run._start()
        token = _current.set(run)
        error: BaseException | None = None
        try:
            yield run
        except BaseException as exc:
            error = exc
            raise
        finally:
            _current.reset(token)
            run._finish(error)
            outer = _current.get()
            if outer is not None:  # jobs of a nested run count in the enclosing run too
                tracker = run._spark.sparkContext.statusTracker()
                outer._extra_jobs.update(tracker.getJobIdsForGroup(run.group), run._extra_jobs)

    def __enter__(self) -> JobRun:
        manager = self.run()
        run = manager.__enter__()
        self._open().append(manager)
        return run

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> bool | None:
        return self._open().pop().__exit__(exc_type, exc, tb)

    def _open(self) -> list[contextlib.AbstractContextManager[JobRun]]:
        found: list[contextlib.AbstractContextManager[JobRun]] | None = getattr(
            self._local, "open", None
        )
        if found is None:
            found = self._local.open = []
        return found

    def __call__(self, fn: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(fn)
        def monitored(*args: P.args, **kwargs: P.kwargs) -> R:
            with self.run():
                return fn(*args, **kwargs)

        return monitored

    def __repr__(self) -> str:
        return f"<JobMonitor {self.name!r} agent_id={self.agent_id!r}>"


def current_run() -> JobRun | None:
    """The innermost `monitor_job` run of this context, if any."""
    return _current.get()


def observe(df: Any, label: str) -> Any:
    """`current_run().observe(df, label)` inside a monitored run; `df` unchanged outside."""
    run = _current.get()
    return df if run is None else run.observe(df, label)
