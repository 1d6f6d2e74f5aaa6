"""A missing optional extra raises an error naming the `pip install` to run."""

from __future__ import annotations

import importlib
import importlib.util
import os
import subprocess
import sys

import agentplatform as ap
import pytest

BLOCKER = """
import sys

class Hide:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in {hidden!r}:
            raise ModuleNotFoundError(f"No module named {{name!r}}", name=name)

sys.meta_path.insert(0, Hide())
"""


def run_hidden(hidden: set[str], code: str) -> subprocess.CompletedProcess[str]:
    """Run `code` in a fresh interpreter in which the `hidden` packages cannot be imported."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AGENTPLATFORM_")}
    env["AGENTPLATFORM_CONFIG_FILE"] = os.devnull
    return subprocess.run(
        [sys.executable, "-c", BLOCKER.format(hidden=hidden) + code],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )


CATCH = """
try:
    {statement}
except ImportError as exc:
    print(type(exc).__name__, exc.name, sep="|")
    print(exc)
"""


def test_otel_without_the_otel_extra() -> None:
    result = run_hidden({"opentelemetry"}, CATCH.format(statement="import agentplatform.otel"))
    assert result.returncode == 0, result.stderr
    kind, message = result.stdout.splitlines()
    assert kind == "MissingExtraError|opentelemetry"
    assert message == (
        "agentplatform.otel needs the otel extra (opentelemetry is not installed): "
        "pip install 'agentplatform[otel]'"
    )


@pytest.mark.parametrize("hidden", ["starlette", "uvicorn", "yaml"])
def test_the_sandbox_without_the_sandbox_extra(hidden: str) -> None:
    result = run_hidden({hidden}, CATCH.format(statement="import agentplatform_sandbox"))
    assert result.returncode == 0, result.stderr
    kind, message = result.stdout.splitlines()
    assert kind == f"ModuleNotFoundError|{hidden}"
    assert message == (
        f"agentplatform_sandbox needs the sandbox extra ({hidden} is not installed): "
        "pip install 'agentplatform[sandbox]'"
    )


@pytest.mark.parametrize("hidden", ["click", "rich"])
def test_the_command_line_without_the_cli_extra(hidden: str) -> None:
    # httpx imports click and rich when they are installed, so both are hidden together
    result = run_hidden(
        {"click", "rich"} if hidden == "click" else {"rich"},
        "from agentplatform.cli import main\nmain()\n",
    )
    assert result.returncode == 2
    assert result.stderr.startswith("agentplatform: error: the command line needs the cli extra")
    assert "pip install 'agentplatform[cli]'" in result.stderr
    assert "Traceback" not in result.stderr


def test_the_sdk_itself_needs_no_extra() -> None:
    code = (
        "import agentplatform as ap\n"
        "client = ap.Client(api_key='sk_test', base_url='http://127.0.0.1:9')\n"
        "client.close()\nprint('ok')\n"
    )
    result = run_hidden({"opentelemetry", "starlette", "uvicorn", "click", "rich"}, code)
    assert (result.returncode, result.stdout) == (0, "ok\n"), result.stderr


def test_aiohttp_is_loaded_only_by_an_async_client_that_picks_it() -> None:
    code = (
        "import sys, agentplatform as ap\n"
        "ap.Client(api_key='k', base_url='http://h.test')\n"
        "print('aiohttp' in sys.modules)\n"
        "ap.AsyncClient(api_key='k', base_url='http://h.test', http_backend='httpx')\n"
        "print('aiohttp' in sys.modules)\n"
        "ap.AsyncClient(api_key='k', base_url='http://h.test')\n"
        "print('aiohttp' in sys.modules)\n"
    )
    result = run_hidden(set(), code)
    assert result.stdout.split() == ["False", "False", "True"], result.stderr


def test_async_client_without_the_aiohttp_extra() -> None:
    code = (
        "import agentplatform as ap\n"
        "client = ap.AsyncClient(api_key='k', base_url='http://h.test')\n"
        "print(type(client._http._transport.inner).__name__)\n"
        + CATCH.format(statement="ap.AsyncClient(api_key='k', http_backend='aiohttp')")
    )
    result = run_hidden({"aiohttp"}, code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "AsyncHTTPTransport",  # the default without aiohttp
        "MissingExtraError|aiohttp",
        "http_backend='aiohttp' needs the aiohttp extra (aiohttp is not installed): "
        "pip install 'agentplatform[aiohttp]'",
    ]


def test_missing_extra_error_in_process(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delitem(sys.modules, "agentplatform.otel", raising=False)
    monkeypatch.setitem(sys.modules, "opentelemetry", None)
    with pytest.raises(ap.MissingExtraError) as info:
        importlib.import_module("agentplatform.otel")
    error = info.value
    assert isinstance(error, ImportError)
    assert isinstance(error, ap.ConfigurationError)
    assert (error.extra, error.name) == ("otel", "opentelemetry")


def test_sandbox_extra_check_in_process(monkeypatch: pytest.MonkeyPatch) -> None:
    from agentplatform_sandbox import _extra

    assert _extra.missing() is None
    monkeypatch.setitem(sys.modules, "referencing", None)
    assert _extra.missing() == "referencing"

    def broken(name: str) -> None:
        raise ValueError(f"{name}.__spec__ is None")

    with monkeypatch.context() as patch:
        patch.setattr(importlib.util, "find_spec", broken)
        assert _extra.missing() == "starlette"
    with pytest.raises(ModuleNotFoundError, match=r"pip install 'agentplatform\[sandbox\]'"):
        importlib.reload(_extra)
