"""`agentplatform demo --keep-running` and `--data-dir`: seeing the tour in the console."""

from __future__ import annotations

import re
import sys
import threading
from pathlib import Path

import httpx
import pytest
from agentplatform.cli.demo import tour
from agentplatform_sandbox import Sandbox

from .conftest import Cli


def servers() -> int:
    return sum(1 for thread in threading.enumerate() if thread.name == "sandbox-server")


def test_keep_running_prints_a_console_link_that_works_while_it_waits(
    cli: Cli, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "confluent_kafka", None)  # no Kafka step
    before = servers()
    seen: dict[str, object] = {}

    def look() -> None:
        printed = capsys.readouterr().out
        print(printed, end="")  # keep it for the Result
        link = re.search(r"Console: (http://127\.0\.0\.1:\d+/console/login\?code=\S+)", printed)
        assert link, printed
        with httpx.Client() as browser:
            signed_in = browser.get(link.group(1), follow_redirects=True)
            seen["page"] = signed_in.status_code
            seen["graph"] = browser.get(link.group(1).split("/login")[0] + "/api/graph").json()
        seen["servers"] = servers()

    monkeypatch.setattr(tour, "wait_for_ctrl_c", look)
    result = cli("demo", "--plain", "--research-step-s", "0", "--keep-running")
    assert result.code == 0, result.err
    assert "(an in-process sandbox, until Ctrl-C)" in result.out
    assert "The sandbox keeps serving until Ctrl-C." in result.out
    assert seen["page"] == 200
    graph = seen["graph"]
    assert isinstance(graph, dict)
    assert {"Ada", "Acme"} <= {node["label"] for node in graph["nodes"]}
    assert seen["servers"] == before + 1  # serving while it waits
    assert servers() == before  # stopped after


def test_wait_for_ctrl_c_returns_on_ctrl_c(monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupted(self: threading.Event, timeout: float | None = None) -> bool:
        raise KeyboardInterrupt

    monkeypatch.setattr(threading.Event, "wait", interrupted)
    tour.wait_for_ctrl_c()


def test_a_data_dir_keeps_the_tour_for_the_console(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "confluent_kafka", None)  # no Kafka step
    data_dir = tmp_path / "demo-data"
    result = cli("demo", "--plain", "--research-step-s", "0", "--data-dir", str(data_dir))
    assert result.code == 0, result.err
    assert f"agentplatform sandbox --data-dir {data_dir} --open" in result.out
    with Sandbox(data_dir=data_dir) as again:
        graph = httpx.get(f"{again.url}/console/api/graph", headers=again.headers).json()
    assert {"Ada", "Acme"} <= {node["label"] for node in graph["nodes"]}


def test_an_unusable_data_dir_is_a_usage_error(cli: Cli, tmp_path: Path) -> None:
    taken = tmp_path / "file"
    taken.write_text("not a directory")
    result = cli("demo", "--plain", "--data-dir", str(taken))
    assert result.code == 2
    assert "Cannot use the data dir" in result.err
