"""An operation of openapi.yaml without a handler: the sandbox starts and answers 501."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import agentplatform_sandbox
import httpx
import pytest
import yaml
from agentplatform_sandbox import SandboxApp
from agentplatform_sandbox.app import unhandled_operations
from agentplatform_sandbox.domains import HANDLERS
from agentplatform_sandbox.spec import load_spec

from .helpers import assert_problem

NEW_PATH = "/v1/entities/{entity_id}/history"

_SCRIPT = textwrap.dedent(
    """
    import json, logging, sys
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    import agentplatform_sandbox
    from agentplatform_sandbox import Sandbox

    with Sandbox(validate_responses=True) as sandbox, sandbox.client(timeout=10) as http:
        new = http.get("/v1/entities/ent_1/history")
        other = http.post("/v1/memories", json={"user_id": "u", "key": "k", "value": "v"})
        print(json.dumps({
            "package": agentplatform_sandbox.__file__,
            "unhandled": list(sandbox.app.unhandled),
            "new": [new.status_code, new.headers["content-type"], new.json()],
            "other": other.status_code,
        }))
    """
)


def test_every_operation_of_the_spec_has_a_handler_today() -> None:
    assert unhandled_operations() == ()
    assert SandboxApp().unhandled == ()


def test_an_operation_whose_handler_is_missing_answers_501(
    client: httpx.Client, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.delitem(HANDLERS, "storeMemory")
    with caplog.at_level("WARNING", logger="agentplatform_sandbox"):
        assert SandboxApp().unhandled == ("storeMemory",)
    assert "without a handler answer 501: storeMemory" in caplog.text
    bad = client.post("/v1/memories", json={"user_id": "u"})
    assert_problem(bad, 422)  # the request is still checked against the spec first
    response = client.post("/v1/memories", json={"user_id": "u", "key": "k", "value": "v"})
    assert "storeMemory" in assert_problem(response, 501, "not_implemented")["detail"]
    assert client.get("/v1/memories").status_code == 200


def _spec_with_a_new_operation() -> str:
    spec = json.loads(json.dumps(load_spec()))  # a deep copy of the bundled spec
    problem = {"$ref": "#/components/responses/BadRequest"}
    spec["paths"][NEW_PATH] = {
        "get": {
            "operationId": "getEntityHistory",
            "tags": ["entities"],
            "summary": "List an entity's versions",
            "parameters": [
                {"name": "entity_id", "in": "path", "required": True, "schema": {"type": "string"}}
            ],
            "responses": {"200": {"description": "The versions."}, "400": problem},
        }
    }
    return yaml.safe_dump(spec, sort_keys=False)


def test_a_new_operation_in_the_spec_starts_and_answers_501(tmp_path: Path) -> None:
    package = tmp_path / "agentplatform_sandbox"
    source = Path(agentplatform_sandbox.__file__).parent
    shutil.copytree(source, package, ignore=shutil.ignore_patterns("__pycache__", "openapi.yaml"))
    (package / "openapi.yaml").write_text(_spec_with_a_new_operation(), encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-c", _SCRIPT],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["package"].startswith(str(tmp_path))  # the copy with the changed spec ran
    assert report["unhandled"] == ["getEntityHistory"]
    status, media_type, problem = report["new"]
    assert (status, media_type) == (501, "application/problem+json")
    assert problem["code"] == "not_implemented"
    assert problem["title"] == "Not implemented"
    assert "getEntityHistory" in problem["detail"]
    assert report["other"] == 201  # every other operation still works
    assert "without a handler answer 501: getEntityHistory" in result.stderr
