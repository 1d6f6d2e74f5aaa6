"""What each import loads: models, resources and telemetry are imported on first use."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import typing
from typing import Any

import agentplatform_api.models
import pytest

MODELS = "agentplatform_api.models."


def loaded_after(code: str) -> dict[str, Any]:
    """Run `code` in a fresh interpreter; its `out` dict, plus the modules it loaded."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AGENTPLATFORM_")}
    env["AGENTPLATFORM_CONFIG_FILE"] = os.devnull + ".absent.toml"
    script = (
        "import json, sys\nout = {}\n"
        + code
        + "\nout['modules'] = sorted(sys.modules)\nprint(json.dumps(out))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    out: dict[str, Any] = json.loads(result.stdout)
    return out


def models_in(modules: list[str]) -> set[str]:
    return {name.removeprefix(MODELS) for name in modules if name.startswith(MODELS)}


def test_the_models_package_imports_no_model() -> None:
    out = loaded_after("import agentplatform_api.models")
    assert models_in(out["modules"]) == set()


def test_a_model_loads_only_its_own_module_and_what_it_uses() -> None:
    out = loaded_after(
        "from agentplatform_api.models import Health\nout['name'] = Health.__qualname__"
    )
    assert out["name"] == "Health"
    assert models_in(out["modules"]) == {"health", "health_status"}


def test_every_listed_model_resolves_to_its_class() -> None:
    models = agentplatform_api.models
    assert len(models.__all__) > 50
    for name in models.__all__:
        value = getattr(models, name)
        if isinstance(value, type):
            assert value.__name__ == name
        else:  # an enum of the spec: a Literal alias
            assert typing.get_origin(value) is typing.Literal
    assert set(models.__all__) <= set(dir(models))


def test_star_import_of_the_models_gets_every_name() -> None:
    namespace: dict[str, Any] = {}
    exec("from agentplatform_api.models import *", namespace)
    assert set(agentplatform_api.models.__all__) <= set(namespace)


def test_an_unknown_model_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="has no attribute 'NoSuchModel'"):
        _ = agentplatform_api.models.NoSuchModel  # type: ignore[attr-defined]


def test_agentplatform_types_loads_a_model_when_named() -> None:
    out = loaded_after(
        "import agentplatform.types as t\n"
        "out['before'] = [m for m in sys.modules if m.startswith('agentplatform_api.models.')]\n"
        "out['entity'] = t.Entity.__name__\n"
        "out['listed'] = 'Entity' in dir(t) and 'UNSET' in t.__all__"
    )
    assert out["before"] == []
    assert out["entity"] == "Entity"
    assert out["listed"] is True
    assert "entity" in models_in(out["modules"])
    assert len(models_in(out["modules"])) < len(agentplatform_api.models.__all__) / 2


def test_agentplatform_types_star_import_and_unknown_names() -> None:
    import agentplatform.types

    namespace: dict[str, Any] = {}
    exec("from agentplatform.types import *", namespace)
    assert {*agentplatform_api.models.__all__, "UNSET", "Unset"} <= set(namespace)
    assert namespace["Health"] is agentplatform_api.models.Health
    with pytest.raises(AttributeError, match=r"agentplatform\.types"):
        _ = agentplatform.types.NoSuchModel  # type: ignore[attr-defined]


CLIENT = "from agentplatform import Client\n"
BUILT = CLIENT + "client = Client(api_key='k', base_url='http://127.0.0.1:9')\n"


def overlay_parts(modules: list[str]) -> set[str]:
    """The resource and telemetry modules among `modules`."""
    return {
        name
        for name in modules
        if name.startswith(("agentplatform.resources.", "agentplatform.telemetry"))
    }


@pytest.mark.parametrize("code", [CLIENT, BUILT], ids=["client class", "client built"])
def test_a_client_loads_no_resource_no_telemetry_and_few_models(code: str) -> None:
    out = loaded_after(code)
    assert overlay_parts(out["modules"]) == set()
    assert models_in(out["modules"]) <= {"health", "health_status", "problem", "field_error"}
    unused = {"asyncio", "tomllib", "agentplatform._progress", "agentplatform.pagination"}
    assert not {*unused, "agentplatform.raw_response"} & set(out["modules"])


def test_a_resource_loads_its_own_module_on_first_use() -> None:
    out = loaded_after(
        BUILT + "out['same'] = client.entities is client.entities\n"
        "out['type'] = type(client.entities).__name__\n"
    )
    assert out["same"] is True
    assert out["type"] == "Entities"
    assert overlay_parts(out["modules"]) == {"agentplatform.resources.entities"}
    assert "entity" in models_in(out["modules"])


def test_telemetry_loads_on_first_use() -> None:
    out = loaded_after(BUILT + "out['kind'] = type(client.telemetry).__name__\n")
    assert out["kind"] == "Telemetry"
    assert "agentplatform.telemetry._telemetry" in out["modules"]


def test_a_wrong_telemetry_option_fails_at_construction_without_loading_telemetry() -> None:
    out = loaded_after(
        CLIENT + "import agentplatform as ap\n"
        "try:\n"
        "    Client(api_key='k', base_url='http://127.0.0.1:9', telemetry={'batch_size': 5})\n"
        "except ap.ConfigurationError as exc:\n"
        "    out['error'] = str(exc)\n"
    )
    assert out["error"] == "telemetry= takes a TelemetryConfig, got dict."
    assert overlay_parts(out["modules"]) == set()
