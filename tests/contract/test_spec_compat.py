"""No breaking change of openapi.yaml against the newest released spec, unless major moves.

`scripts/spec_compat.py` runs Optic's breaking-change rules. These tests run it as CI
does, on the real files and on temporary copies of the spec with one change each, to
show that it catches a breaking change and lets a compatible one through.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from copy import deepcopy
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml

pytestmark = pytest.mark.contract

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "spec_compat.py"
SPEC = ROOT / "openapi.yaml"
RELEASED = ROOT / "spec" / "released"


def _load_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("spec_compat", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["spec_compat"] = module
    spec.loader.exec_module(module)
    return module


spec_compat = _load_script()


def _response_field_made_optional(spec: dict[str, Any]) -> None:
    spec["components"]["schemas"]["Health"]["required"].remove("version")


def _request_field_made_required(spec: dict[str, Any]) -> None:
    memory = spec["components"]["schemas"]["MemoryCreate"]
    memory["properties"]["scope"] = {"type": "string", "minLength": 1}
    memory["required"].append("scope")


def _operation_renamed_and_one_removed(spec: dict[str, Any]) -> None:
    spec["paths"]["/v1/health"]["get"]["operationId"] = "checkHealth"
    del spec["paths"]["/v1/memories"]["get"]


def _compatible_additions(spec: dict[str, Any]) -> None:
    schemas = spec["components"]["schemas"]
    schemas["MemoryCreate"]["properties"]["note"] = {"type": "string"}
    schemas["Health"]["properties"]["region"] = {"type": "string"}
    schemas["Health"]["required"].append("region")


CHANGES = {
    "response_field_made_optional": _response_field_made_optional,
    "request_field_made_required": _request_field_made_required,
    "operations_renamed_and_removed": _operation_renamed_and_one_removed,
    "compatible_additions": _compatible_additions,
}
# Optic's run time grows with the number of operations, so the changed copies keep only
# the operations the changes touch (and every component); the real check diffs it all.
TOUCHED_PATHS = ("/v1/health", "/v1/memories")


def _pruned(spec: dict[str, Any]) -> dict[str, Any]:
    pruned = deepcopy(spec)
    pruned["paths"] = {path: pruned["paths"][path] for path in TOUCHED_PATHS}
    pruned.pop("webhooks", None)
    return pruned


@dataclass(frozen=True)
class Run:
    returncode: int
    stdout: str
    stderr: str


def _dump(spec: dict[str, Any], path: Path) -> Path:
    path.write_text(yaml.safe_dump(spec, sort_keys=False, allow_unicode=True))
    return path


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Run]:
    """The check run as CI runs it: on the real files, and on each changed copy (v1.0.0)
    against the unchanged one as the release.

    The runs are started together; each is one Optic process.
    """
    work = tmp_path_factory.mktemp("spec_compat")
    pyproject = work / "pyproject.toml"
    pyproject.write_text('[project]\nname = "agentplatform"\nversion = "1.0.0"\n')
    released = work / "released"
    released.mkdir()
    base = _pruned(yaml.safe_load(SPEC.read_text()))
    _dump(base, released / "openapi-1.0.0.yaml")
    commands = {"real": [sys.executable, str(SCRIPT)]}
    for name, change in CHANGES.items():
        changed = deepcopy(base)
        change(changed)
        path = _dump(changed, work / f"{name}.yaml")
        commands[name] = [sys.executable, str(SCRIPT), "--spec", str(path)]
        commands[name] += ["--released", str(released), "--pyproject", str(pyproject)]
    processes = {
        name: subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT
        )
        for name, command in commands.items()
    }
    results = {}
    for name, process in processes.items():
        stdout, stderr = process.communicate(timeout=600)
        results[name] = Run(process.returncode, stdout, stderr)
    return results


def test_openapi_yaml_is_compatible_with_the_newest_release(runs: dict[str, Run]) -> None:
    run = runs["real"]
    assert run.returncode == 0, run.stdout + run.stderr
    assert "No breaking change against the released" in run.stdout


def test_a_response_field_made_optional_is_caught(runs: dict[str, Run]) -> None:
    run = runs["response_field_made_optional"]
    assert run.returncode == 1, run.stdout + run.stderr
    assert "GET /v1/health" in run.stderr
    assert "version" in run.stderr
    assert "move the major version" in run.stderr


def test_a_new_required_request_field_is_caught(runs: dict[str, Run]) -> None:
    run = runs["request_field_made_required"]
    assert run.returncode == 1, run.stdout + run.stderr
    assert "POST /v1/memories" in run.stderr
    assert "required" in run.stderr


def test_a_renamed_operation_id_is_caught_and_a_removal_is_one_line(
    runs: dict[str, Run],
) -> None:
    """Optic sees no change in the rename, but `agentplatform_api.api.health.get_health`
    would vanish; a removed operation is one line, not one per response and field."""
    run = runs["operations_renamed_and_removed"]
    assert run.returncode == 1, run.stdout + run.stderr
    removal, rename = _listed(run)
    assert removal.startswith("GET /v1/memories: [prevent operation removal] cannot remove")
    assert rename == (
        "GET /v1/health: [keep generated function names] operationId getHealth renamed to "
        "checkHealth: `import agentplatform_api.api.health.get_health` fails"
    )
    assert "2 breaking change(s)" in run.stderr


def _listed(run: Run) -> list[str]:
    return [line[4:] for line in run.stderr.splitlines() if line.startswith("  - ")]


def test_compatible_additions_pass(runs: dict[str, Run]) -> None:
    run = runs["compatible_additions"]
    assert run.returncode == 0, run.stdout + run.stderr


def test_a_breaking_change_passes_only_with_a_major_bump() -> None:
    changes = ["GET /v1/health: [prevent making response property optional] ..."]
    assert not spec_compat.verdict(changes, (1, 0, 0), (1, 0, 0)).ok
    assert not spec_compat.verdict(changes, (1, 9, 9), (1, 0, 0)).ok
    allowed = spec_compat.verdict(changes, (2, 0, 0), (1, 0, 0))
    assert allowed.ok
    assert "allowed by the major version 2.0.0" in allowed.message
    assert spec_compat.verdict([], (1, 0, 1), (1, 0, 0)).ok


def test_the_newest_release_is_the_highest_version(tmp_path: Path) -> None:
    for name in ("openapi-1.9.0.yaml", "openapi-1.10.0.yaml", "openapi-0.99.0.yaml", "notes.md"):
        (tmp_path / name).write_text("openapi: 3.1.0\n")
    newest = spec_compat.newest_release(tmp_path)
    assert newest.path.name == "openapi-1.10.0.yaml"
    assert newest.label == "1.10.0"
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(spec_compat.CheckError):
        spec_compat.newest_release(empty)


def test_a_released_spec_exists_for_the_current_major() -> None:
    newest = spec_compat.newest_release(RELEASED)
    version = spec_compat.project_version(ROOT / "pyproject.toml")
    assert newest.version <= version
    assert yaml.safe_load(newest.path.read_text())["info"]["version"] == newest.label


# An excerpt of Optic's report: a removed operation with its removed responses and
# fields, a field removed with its own fields, and a shared schema's field made
# optional at two operations.
OPTIC_REPORT = """\
x Agent Platform API openapi-1.0.0.yaml
Operations: 3 operations changed, 1 removed

x GET /v1/entities: removed

  x [prevent operation removal] cannot remove an operation. This is a breaking change.
  at openapi-1.0.0.yaml:236:7273

  - response 200:
    x [prevent response status code removal] must not remove response status code 200. \
This is a breaking change.
    at openapi-1.0.0.yaml:255:7855

    - body application/json:
      - property /schema/properties/data:

        x [prevent removing response property] cannot remove response property 'data'. \
This is a breaking change.
        at openapi-1.0.0.yaml:920:25394

✔ POST /v1/entities:
  - request:
    - body application/json:
      - property /schema/properties/embedding: changed
x GET /v1/memories:
  - response 200:
    - body application/json:
      - property /schema/properties/data: removed

        x [prevent removing response property] cannot remove response property 'data'. \
This is a breaking change.
        at openapi-1.0.0.yaml:1300:40000

      - property /schema/properties/data/items/properties/key: removed

        x [prevent removing response property] cannot remove response property 'key'. \
This is a breaking change.
        at openapi-1.0.0.yaml:1310:40100

  - response 400:
    - body application/problem+json:
      - property /schema/properties/code: changed

        x [prevent making response property optional] cannot make required response \
property 'code' optional. This is a breaking change.
        at openapi.yaml:592:16908
        x [prevent changing response property type] cannot change the type of 'code'. \
This is a breaking change.
        at openapi.yaml:593:16950

x GET /v1/health:
  - response 400:
    - body application/problem+json:
      - property /schema/properties/code: changed

        x [prevent making response property optional] cannot make required response \
property 'code' optional. This is a breaking change.
        at openapi.yaml:592:16908
"""


def test_optic_output_is_one_line_per_distinct_break() -> None:
    assert spec_compat.parse_optic("Operations: No operations changed\n") == []
    assert spec_compat.summarize(spec_compat.parse_optic(OPTIC_REPORT)) == [
        "GET /v1/entities: [prevent operation removal] cannot remove an operation. "
        "(openapi-1.0.0.yaml:236)",
        "GET /v1/memories: [prevent removing response property] cannot remove response "
        "property 'data'. (openapi-1.0.0.yaml:1300)",
        "GET /v1/memories, GET /v1/health: [prevent making response property optional] "
        "cannot make required response property 'code' optional. (openapi.yaml:592)",
        "GET /v1/memories: [prevent changing response property type] cannot change the "
        "type of 'code'. (openapi.yaml:593)",
    ]


def test_a_break_at_many_operations_names_a_few() -> None:
    breaks = [
        spec_compat.Break(f"GET /v1/p{n}", "rule", "message", "openapi.yaml:9") for n in range(5)
    ]
    breaks.append(spec_compat.Break("", "rule", "elsewhere"))
    assert spec_compat.summarize(breaks) == [
        "GET /v1/p0, GET /v1/p1, GET /v1/p2 and 2 more: [rule] message (openapi.yaml:9)",
        "[rule] elsewhere",
    ]


def _spec_with(**operations: dict[str, Any]) -> dict[str, Any]:
    paths: dict[str, Any] = {}
    for name, operation in operations.items():
        paths.setdefault(f"/v1/{name}", {})["get"] = operation
    return {"paths": paths}


def test_generated_names_must_not_move_or_vanish() -> None:
    health = {"operationId": "getHealth", "tags": ["health"]}
    memories = {"operationId": "listMemories", "tags": ["memory"]}
    released = _spec_with(health=health, memories=memories, gone={"operationId": "goneOp"})
    same = _spec_with(health=dict(health, summary="changed"), memories=memories)
    assert spec_compat.name_breaks(released, same) == []  # `gone` is Optic's to report
    changed = _spec_with(
        health={"tags": ["health"]}, memories=dict(memories, tags=["memories", "memory"])
    )
    assert [(b.where, b.message) for b in spec_compat.name_breaks(released, changed)] == [
        (
            "GET /v1/health",
            "operationId getHealth removed: `import agentplatform_api.api.health.get_health` fails",
        ),
        (
            "GET /v1/memories",
            "first tag changed: `import agentplatform_api.api.memory.list_memories` fails",
        ),
    ]
    assert spec_compat.generated_module({"operationId": "listApiKeys"}) == (
        "agentplatform_api.api.default.list_api_keys"
    )
    assert spec_compat.generated_module({"tags": ["api-keys"]}) is None


def test_every_operation_maps_to_its_generated_module() -> None:
    document = yaml.safe_load(SPEC.read_text())
    for where, operation in spec_compat._operations(document).items():
        module = spec_compat.generated_module(operation)
        assert module is not None, where
        relative = Path(*module.split(".")).with_suffix(".py")
        assert (ROOT / "generated" / relative).is_file(), (where, module)


@pytest.mark.parametrize(("exit_code", "output"), [(1, "Error: cannot parse"), (0, "x [r] m")])
def test_output_that_is_not_understood_is_an_error_not_a_pass(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, exit_code: int, output: str
) -> None:
    fake = tmp_path / "optic"
    fake.write_text(f"#!/bin/sh\necho '{output}'\nexit {exit_code}\n")
    fake.chmod(0o755)
    monkeypatch.setattr(spec_compat, "OPTIC", fake)
    with pytest.raises(spec_compat.CheckError, match=f"exited {exit_code}"):
        spec_compat.breaking_changes(SPEC, SPEC)
