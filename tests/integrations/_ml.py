"""Helpers of the ML integration tests: the records the sandbox stored, by kind."""

from __future__ import annotations

from typing import Any

import agentplatform as ap
from agentplatform_sandbox import Sandbox


def stored(client: ap.Client, sandbox: Sandbox, kind: str = "model_call") -> list[dict[str, Any]]:
    """Flush `client`'s telemetry; the sandbox's records of `kind`, in arrival order."""
    assert client.telemetry.flush(10.0)
    return [r for r in sandbox.state.telemetry_records() if r["kind"] == kind]
