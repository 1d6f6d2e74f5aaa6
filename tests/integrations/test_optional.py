"""The integrations stay optional: nothing is imported eagerly, a missing library names
its extra, and instrumented streams finishing inside the garbage collector are safe."""

from __future__ import annotations

import gc
import importlib
import subprocess
import sys
import textwrap

import agentplatform as ap
import pytest
from agentplatform.integrations import MissingExtraError, _sink
from agentplatform.telemetry import TelemetryEventBuilder


def test_importing_agentplatform_imports_no_llm_library() -> None:
    code = textwrap.dedent(
        """
        import sys
        import agentplatform, agentplatform.integrations
        import agentplatform as ap
        ap.Client  # the lazy client too
        loaded = {"openai", "anthropic", "langchain_core"} & set(sys.modules)
        print(sorted(loaded))
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stdout.strip() == "[]"


@pytest.mark.parametrize(
    ("module", "library", "extra"),
    [
        ("openai", "openai", "openai"),
        ("anthropic", "anthropic", "anthropic"),
        ("langchain", "langchain_core.callbacks", "langchain"),
    ],
)
def test_a_missing_library_names_its_extra(
    module: str, library: str, extra: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    name = f"agentplatform.integrations.{module}"
    monkeypatch.setitem(sys.modules, library, None)
    monkeypatch.delitem(sys.modules, name, raising=False)
    with pytest.raises(
        MissingExtraError, match=rf"pip install 'agentplatform\[{extra}\]'"
    ) as error:
        importlib.import_module(name)
    assert isinstance(error.value, ImportError)
    assert (error.value.extra, error.value.name) == (extra, library)
    monkeypatch.delitem(sys.modules, name, raising=False)


def test_the_integrations_raise_the_public_missing_extra_error() -> None:
    assert MissingExtraError is ap.MissingExtraError
    assert issubclass(MissingExtraError, ap.ConfigurationError)


def test_events_finished_inside_a_collection_are_enqueued_by_the_thread() -> None:
    seen: list[object] = []
    sink = _sink.Sink.__new__(_sink.Sink)
    sink._put = seen.append
    event = TelemetryEventBuilder(service="s", model="m").build()
    _sink.prepare_deferred()

    class Finishes:
        def __del__(self) -> None:
            sink.emit(event)

    holder = Finishes()
    holder.cycle = holder  # type: ignore[attr-defined]
    del holder
    gc.collect()
    for _ in range(500):
        if seen:
            break
        import time

        time.sleep(0.01)
    assert seen == [event]
    assert not _sink._collector.running
