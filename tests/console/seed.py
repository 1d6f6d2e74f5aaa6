"""Data for the console tests: the demo tour's data for tenant A, marked data for tenant B."""

from __future__ import annotations

import contextlib
import io
import os
from pathlib import Path

import agentplatform as ap
from agentplatform.cli.demo import steps, tour
from agentplatform.telemetry import TelemetryEventBuilder
from agentplatform_sandbox import OTHER_API_KEY, Sandbox

B_MARKER = "tenant-b-marker"
"""Every name of tenant B's data contains this; tenant A's pages must never show it."""
B_TYPE = "SecretThing"
SPIKE_SERVICE = "spike-check"
SESSIONS = ("session-alpha", "session-beta")


def client(sandbox: Sandbox, api_key: str | None = None) -> ap.Client:
    """An SDK client of the sandbox that reads no configuration file."""
    return ap.Client(
        base_url=sandbox.url, api_key=api_key or sandbox.api_key, config_file=Path(os.devnull)
    )


def spike(api: ap.Client, service: str = SPIKE_SERVICE) -> None:
    """Steady latencies, then one spike: one latency anomaly for `service`."""
    for latency in [200, 205, 210, 215, 220] * 3 + [4000]:
        api.telemetry.track(
            TelemetryEventBuilder(service=service, model="gpt-4o").latency(latency).cost(0.001)
        )
    api.telemetry.flush()


def agent_events(api: ap.Client, prefix: str = "") -> None:
    """A few agent events in two sessions."""
    for session in SESSIONS:
        for kind in ("task_started", "tool_call", "llm_call", "task_completed"):
            api.events.ingest(
                agent_id=f"{prefix}planner",
                session_id=f"{prefix}{session}",
                type=kind,
                attributes={"step": kind, "tool": "search" if kind == "tool_call" else None},
            )


def seed_demo(sandbox: Sandbox) -> None:
    """Run the demo tour's steps (its output hidden), agent events, a spike, one fault."""
    with client(sandbox) as api:
        shared = steps.Tour()
        with contextlib.redirect_stdout(io.StringIO()):
            for step in tour.STEPS:
                step.run(api, shared)
        agent_events(api)
        spike(api)
        sandbox.fail_next(1, 503, path="/v1/entities")
        api.entities.create(type="Company", properties={"name": "Retried Ltd"})


def seed_other_tenant(sandbox: Sandbox) -> None:
    """Tenant B's data, every name marked with `B_MARKER`."""
    with client(sandbox, OTHER_API_KEY) as api:
        api.ontology.put_schema(
            entity_types=[{"id": B_TYPE, "properties": {"name": {"type": "string"}}}],
            relation_types=[],
        )
        api.webhooks.create(url=f"http://127.0.0.1:9/{B_MARKER}", events=["anomaly.detected"])
        api.entities.create(type=B_TYPE, properties={"name": f"{B_MARKER}-entity"})
        api.research.create(f"{B_MARKER} research", depth=1)
        agent_events(api, prefix=f"{B_MARKER}-")
        spike(api, service=f"{B_MARKER}-service")
