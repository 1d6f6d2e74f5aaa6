"""The ML and data integrations stay optional: nothing of theirs loads with the SDK, and a
missing library names the extra to install."""

from __future__ import annotations

import importlib
import subprocess
import sys
import textwrap

import pytest
from agentplatform.integrations import MissingExtraError

HEAVY = {"numpy", "pandas", "torch", "sklearn", "scipy", "pyspark", "py4j"}


def test_the_sdk_and_its_client_import_none_of_the_ml_libraries() -> None:
    code = textwrap.dedent(
        f"""
        import sys
        import agentplatform as ap, agentplatform.integrations
        ap.Client, ap.Severity, ap.AnomalyType, ap.DetectionMethod
        with ap.Client(api_key="k", base_url="http://127.0.0.1:9") as client:
            client.anomalies, client.telemetry, client.events
        print(sorted(set({sorted(HEAVY)!r}) & {{m.split(".")[0] for m in sys.modules}}))
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stdout.strip() == "[]"


@pytest.mark.parametrize(
    ("module", "library", "extra"),
    [
        ("sklearn", "sklearn.base", "sklearn"),
        ("torch", "torch", "torch"),
        ("pandas", "pandas", "pandas"),
        ("spark", "pyspark.sql.functions", "spark"),
        ("_spark_jobs", "pyspark.sql", "spark"),
        ("_spark_quality", "pyspark.sql.functions", "spark"),
    ],
)
def test_a_missing_library_names_its_extra(
    module: str, library: str, extra: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    name = f"agentplatform.integrations.{module}"
    monkeypatch.setitem(sys.modules, library, None)
    for loaded in [m for m in sys.modules if m.startswith("agentplatform.integrations.")]:
        if loaded.rpartition(".")[2] in {module, "spark", "_spark_jobs", "_spark_quality"}:
            monkeypatch.delitem(sys.modules, loaded)
    with pytest.raises(MissingExtraError, match=rf"pip install 'agentplatform\[{extra}\]'"):
        importlib.import_module(name)
