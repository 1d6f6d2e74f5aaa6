"""Waiting for long-running jobs: polling with backoff, a deadline and a progress display.

A resource method decorated with `_operation.polled` returns a `PollCall`: the request
to repeat, how to tell that its result is final, and how to describe its progress. The
runners repeat it with `wait_sync` / `wait_async`, sleeping `poll_interval` seconds at
first and twice as long each time up to `max_interval`, until the result is final or
the `timeout` has passed (then `WaitTimeoutError`).

With `progress=True` the progress is shown on standard error: a `rich` progress bar on
a terminal (rich comes with the `cli` extra), plain text lines otherwise.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Awaitable, Callable
from typing import Any, Generic, Protocol, TextIO, TypeVar

import attrs

from . import _transport
from ._operation import Call
from .errors import AgentPlatformError

T = TypeVar("T")
R = TypeVar("R")

# Patched by tests, together with `_transport.sleep`, so that no test waits for real.
clock = time.monotonic


class WaitTimeoutError(AgentPlatformError, TimeoutError):
    """Waiting for a job took longer than `timeout`; the job itself goes on.

    It is also a `TimeoutError`.

    Attributes:
        last: the last state seen (for example the `ResearchJob`).
        timeout: the timeout in seconds.
    """

    def __init__(self, message: str, *, last: Any = None, timeout: float | None = None) -> None:
        super().__init__(message)
        self.last = last
        self.timeout = timeout

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


@attrs.frozen
class PollCall(Generic[T]):
    """A call to repeat until its result is final.

    Attributes:
        call: the request to repeat.
        is_done: True when a result is final; it raises when the result is a failure.
        describe: a result's status text and progress fraction (0..1, or None).
        label: what is waited for, e.g. ``"research job_01"``.
        later: how to look at it again after a timeout, e.g. a call to make.
    """

    call: Call[T]
    is_done: Callable[[T], bool]
    describe: Callable[[T], tuple[str, float | None]]
    label: str
    later: str
    timeout: float | None = 300.0
    poll_interval: float = 0.5
    max_interval: float = 5.0
    progress: bool = False


class Reporter(Protocol):
    """Shows the progress of a wait."""

    def update(self, status: str, fraction: float | None) -> None:
        """Show the latest state."""

    def close(self) -> None:
        """End the display."""


class _Silent:
    def update(self, status: str, fraction: float | None) -> None:
        pass

    def close(self) -> None:
        pass


class _Lines:
    """One text line per change, e.g. ``research job_01: running 40%``."""

    def __init__(self, label: str, out: TextIO) -> None:
        self._label = label
        self._out = out
        self._last: tuple[str, int | None] | None = None

    def update(self, status: str, fraction: float | None) -> None:
        percent = None if fraction is None else round(_clamp(fraction) * 100)
        if (status, percent) == self._last:
            return
        self._last = (status, percent)
        suffix = "" if percent is None else f" {percent}%"
        self._out.write(f"{self._label}: {status}{suffix}\n")
        self._out.flush()

    def close(self) -> None:
        pass


class _Bar:
    """A rich progress bar (needs `rich`, from the `cli` extra)."""

    def __init__(self, label: str, out: TextIO) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn

        self._label = label
        self._progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            TaskProgressColumn(),
            console=Console(file=out),
            auto_refresh=False,
        )
        self._task = self._progress.add_task(label, total=100)
        self._progress.start()

    def update(self, status: str, fraction: float | None) -> None:
        description = f"{self._label}: {status}"
        if fraction is None:
            self._progress.update(self._task, description=description)
        else:
            self._progress.update(
                self._task, description=description, completed=_clamp(fraction) * 100
            )
        self._progress.refresh()

    def close(self) -> None:
        self._progress.stop()


def _clamp(fraction: float) -> float:
    return min(max(float(fraction), 0.0), 1.0)


def reporter(enabled: bool, label: str, out: TextIO | None = None) -> Reporter:
    """The display for a wait: none, a rich bar on a terminal, or text lines."""
    if not enabled:
        return _Silent()
    stream = sys.stderr if out is None else out
    if _is_terminal(stream):
        try:
            return _Bar(label, stream)
        except ImportError:
            pass
    return _Lines(label, stream)


def _is_terminal(stream: TextIO) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


class _Waiter(Generic[T]):
    """The state of one wait: deadline, next interval and display."""

    def __init__(self, poll: PollCall[T]) -> None:
        self.poll = poll
        self.deadline = None if poll.timeout is None else clock() + poll.timeout
        self.interval = poll.poll_interval
        self.reporter = reporter(poll.progress, poll.label)

    def delay_after(self, value: T) -> float | None:
        """Seconds to sleep before the next poll, or None when `value` is final."""
        poll = self.poll
        status, fraction = poll.describe(value)
        self.reporter.update(status, fraction)
        if poll.is_done(value):
            return None
        delay = self.interval
        if self.deadline is not None:
            left = self.deadline - clock()
            if left <= 0:
                raise WaitTimeoutError(
                    f"The {poll.label} is still {status} after {poll.timeout:g} s; "
                    f"wait again with a longer timeout=, or check it later with {poll.later}.",
                    last=value,
                    timeout=poll.timeout,
                )
            delay = min(delay, left)
        self.interval = min(self.interval * 2, poll.max_interval)
        return delay


def wait_sync(fetch: Callable[[Call[T]], R], poll: PollCall[T], value: Callable[[R], T]) -> R:
    """Repeat `poll.call` through `fetch` until its value (`value(result)`) is final."""
    waiter = _Waiter(poll)
    try:
        while True:
            result = fetch(poll.call)
            delay = waiter.delay_after(value(result))
            if delay is None:
                return result
            _transport.sleep(delay)
    finally:
        waiter.reporter.close()


async def wait_async(
    fetch: Callable[[Call[T]], Awaitable[R]], poll: PollCall[T], value: Callable[[R], T]
) -> R:
    """The async twin of `wait_sync` (`fetch` returns awaitables)."""
    waiter = _Waiter(poll)
    try:
        while True:
            result = await fetch(poll.call)
            delay = waiter.delay_after(value(result))
            if delay is None:
                return result
            await _transport.async_sleep(delay)
    finally:
        waiter.reporter.close()
