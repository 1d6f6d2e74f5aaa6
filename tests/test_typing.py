"""Lazy loading keeps every public name typed: mypy sees the classes, resources and models."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SNIPPET = """\
from typing import assert_type

import agentplatform
import agentplatform.types
from agentplatform._client import AsyncClient, Client
from agentplatform._operation import Async, Sync
from agentplatform.resources.entities import Entities
from agentplatform.telemetry import AsyncTelemetry, Telemetry
from agentplatform_api import models
from agentplatform_api.models.entity import Entity
from agentplatform_api.models.health import Health

assert_type(agentplatform.Client, type[Client])
assert_type(agentplatform.AsyncClient, type[AsyncClient])
client = agentplatform.Client()
assert_type(client.entities, Entities[Sync])
assert_type(client.telemetry, Telemetry)
assert_type(client.health(), Health)
aclient = agentplatform.AsyncClient()
assert_type(aclient.entities, Entities[Async])
assert_type(aclient.telemetry, AsyncTelemetry)
assert_type(agentplatform.types.Entity, type[Entity])
assert_type(models.Entity, type[Entity])
agentplatform.types.NoSuchModel  # error: attr-defined
models.NoSuchModel  # error: attr-defined
client.no_such_resource  # error: attr-defined
"""


def test_public_names_keep_their_types(tmp_path: Path) -> None:
    snippet = tmp_path / "snippet.py"
    snippet.write_text(SNIPPET, encoding="utf-8")
    env = {**os.environ, "MYPYPATH": f"{ROOT / 'generated'}{os.pathsep}{ROOT / 'overlays'}"}
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-error-summary", str(snippet)],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=600,
        check=False,
    )
    found = {
        (int(line), code)
        for line, code in re.findall(r"snippet\.py:(\d+): error: .*\[([a-z-]+)\]", done.stdout)
    }
    expected = {
        (number, "attr-defined")
        for number, text in enumerate(SNIPPET.splitlines(), start=1)
        if text.endswith("# error: attr-defined")
    }
    assert len(expected) == 3
    assert found == expected, done.stdout
