"""The command tree: help everywhere, exit codes, one-line errors, lazy imports."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import click
import pytest
from agentplatform import cli as cli_package
from agentplatform._version import __version__
from agentplatform.cli import _app

from .conftest import Cli

COMMANDS = ["configure", "test-connection", "validate-config", "chat", "sandbox", "demo"]


def test_no_arguments_prints_the_help(cli: Cli) -> None:
    result = cli()
    assert result.code == 0
    for command in COMMANDS:
        assert command in result.out
    assert "Exit codes" in result.out


@pytest.mark.parametrize("command", ["", *COMMANDS])
@pytest.mark.parametrize("flag", ["--help", "-h"])
def test_every_command_has_help(cli: Cli, command: str, flag: str) -> None:
    result = cli(*([command] if command else []), flag)
    assert result.code == 0
    assert result.out.startswith(f"Usage: agentplatform {command}".rstrip())
    assert result.err == ""


@pytest.mark.parametrize(
    ("command", "flags"),
    [
        ("test-connection", ["--profile", "--base-url", "--json"]),
        ("validate-config", ["--profile", "--base-url", "--json"]),
        ("chat", ["--profile", "--base-url", "--json", "--conversation-id"]),
        ("configure", ["--profile", "--base-url", "--api-key-stdin", "--timeout"]),
        ("sandbox", ["--port", "--error-rate", "--rate-429", "--latency-ms", "--seed"]),
        ("demo", ["--base-url", "--profile", "--plain"]),
    ],
)
def test_help_lists_the_options(cli: Cli, command: str, flags: list[str]) -> None:
    out = cli(command, "--help").out
    for flag in flags:
        assert flag in out


def test_version(cli: Cli) -> None:
    result = cli("--version")
    assert (result.code, result.out.strip()) == (0, f"agentplatform {__version__}")


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["bogus"], "No such command 'bogus'"),
        (["chat"], "Missing argument 'MESSAGE'"),
        (["sandbox", "--error-rate", "3"], "--error-rate"),
        (["sandbox", "--port", "-1"], "--port"),
        (["configure", "--timeout", "0"], "--timeout"),
        (["test-connection", "--nope"], "--nope"),
    ],
)
def test_usage_errors_exit_2_with_one_line(cli: Cli, args: list[str], fragment: str) -> None:
    result = cli(*args)
    assert result.code == 2
    assert result.out == ""
    lines = result.err.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("agentplatform: error: ")
    assert fragment in lines[0]
    assert "--help" in lines[0]


def test_configuration_errors_exit_2(cli: Cli) -> None:
    result = cli("validate-config")
    assert result.code == 2
    assert result.err.startswith("agentplatform: error: No API key")
    assert len(result.err.splitlines()) == 1


def _raise(exc: BaseException) -> Any:
    def command(**kwargs: Any) -> int:
        raise exc

    return command


@pytest.mark.parametrize(
    ("exc", "code", "message"),
    [
        (RuntimeError("boom\nsecond line"), 1, "unexpected RuntimeError: boom second line"),
        (PermissionError(13, "Permission denied", "/x"), 1, "Permission denied: /x"),
        (click.ClickException("click says no"), 1, "click says no"),
        (click.Abort(), 130, "aborted"),
    ],
)
def test_unexpected_failures_are_one_line_without_traceback(
    cli: Cli, monkeypatch: pytest.MonkeyPatch, exc: BaseException, code: int, message: str
) -> None:
    monkeypatch.setattr("agentplatform.cli.diagnose.validate_config", _raise(exc))
    result = cli("validate-config")
    assert result.code == code
    assert result.err == f"agentplatform: error: {message}\n"
    assert "Traceback" not in result.out + result.err


BLOCK_CLI_LIBRARIES = """
import sys

class Block:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in ("click", "rich", "typer"):
            raise ImportError(f"blocked {name}")

sys.meta_path.insert(0, Block())
"""


def test_importing_the_sdk_needs_no_cli_library() -> None:
    # httpx itself imports click and rich when they are installed, so they are blocked:
    # the SDK must import without them and must not load its own command line.
    code = BLOCK_CLI_LIBRARIES + (
        "import agentplatform, agentplatform.types, agentplatform.webhooks\n"
        "client = agentplatform.Client(api_key='sk_test', base_url='http://127.0.0.1:9')\n"
        "print('agentplatform.cli' in sys.modules)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "False"


def test_the_blocker_really_blocks() -> None:
    code = BLOCK_CLI_LIBRARIES + "import agentplatform.cli._app\n"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert result.returncode == 1
    assert "blocked click" in result.stderr


def test_console_script_entry_point_exits_with_the_code() -> None:
    result = subprocess.run(
        [sys.executable, "-c", "from agentplatform.cli import main; main()", "bogus"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert result.stderr.startswith("agentplatform: error: No such command")


def test_missing_cli_extra_is_a_usage_error(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delitem(sys.modules, "agentplatform.cli._app")
    monkeypatch.setitem(sys.modules, "click", None)
    assert cli_package.run(["--help"]) == 2
    err = capsys.readouterr().err
    assert "pip install 'agentplatform[cli]'" in err
    assert "click" in err


def test_run_defaults_to_sys_argv(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "argv", ["agentplatform", "--version"])
    assert cli_package.run() == 0
    assert capsys.readouterr().out.startswith("agentplatform ")


def test_a_usage_error_without_context_names_the_program(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def fail(**kwargs: Any) -> None:
        raise click.UsageError("odd")

    monkeypatch.setattr(_app.cli, "main", fail)
    assert _app.run_app([]) == 2
    assert capsys.readouterr().err == "agentplatform: error: odd (see 'agentplatform --help')\n"
