"""The command tree (click) and the one place exceptions become exit codes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

from .._version import __version__
from . import EXIT_OK, EXIT_USAGE
from ._failures import exit_code_of, message_of
from ._output import PROG, error

F = TypeVar("F", bound=Callable[..., Any])

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


def profile_option(fn: F) -> F:
    """`--profile/-p`: which profile of the config file to use."""
    return click.option(
        "--profile",
        "-p",
        default=None,
        metavar="NAME",
        help="Profile of the config file (default: $AGENTPLATFORM_PROFILE, else 'default').",
    )(fn)


def base_url_option(fn: F) -> F:
    """`--base-url`: the API's root URL."""
    return click.option(
        "--base-url",
        default=None,
        metavar="URL",
        help="The API's root URL (default: $AGENTPLATFORM_BASE_URL, else the profile's).",
    )(fn)


def json_option(help_text: str = "Print JSON for scripts.") -> Callable[[F], F]:
    """`--json`: machine-readable output."""
    return click.option("--json", "json_output", is_flag=True, help=help_text)


@click.group(
    name=PROG,
    context_settings=CONTEXT,
    epilog="Exit codes: 0 success, 1 API or network error, 2 usage or configuration error.",
)
@click.version_option(__version__, "--version", prog_name=PROG, message="%(prog)s %(version)s")
def cli() -> None:
    """The Agent Platform command line: configure a profile, check the connection, chat,
    run the local sandbox, or take the guided tour."""


@cli.command(context_settings=CONTEXT)
@profile_option
@base_url_option
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True), help="Seconds per request.")
@click.option("--max-retries", type=click.IntRange(min=0), help="Retries per request.")
@click.option("--tenant-id", metavar="ID", help="Sent as X-Tenant-ID on every request.")
@click.option("--workspace-id", metavar="ID", help="Sent as X-Workspace-ID on every request.")
@click.option("--api-key-stdin", is_flag=True, help="Read the API key from stdin's first line.")
@click.option(
    "--api-key",
    metavar="KEY",
    help="The API key itself (it lands in your shell history: prefer the prompt or stdin).",
)
def configure(
    *,
    profile: str | None,
    base_url: str | None,
    timeout: float | None,
    max_retries: int | None,
    tenant_id: str | None,
    workspace_id: str | None,
    api_key_stdin: bool,
    api_key: str | None,
) -> int:
    """Store an API key and settings in a profile of the config file.

    The file is private to you (mode 0600). The key is asked for with a hidden prompt,
    read with --api-key-stdin, or given with --api-key (with a warning: it lands in your
    shell history), and never printed back: only its first characters, masked. Settings
    not given keep their current values.
    """
    from .configure import configure as run

    return run(
        profile=profile,
        base_url=base_url,
        timeout=timeout,
        max_retries=max_retries,
        tenant_id=tenant_id,
        workspace_id=workspace_id,
        api_key_stdin=api_key_stdin,
        api_key=api_key,
    )


@cli.command("test-connection", context_settings=CONTEXT)
@profile_option
@base_url_option
@json_option()
def test_connection(profile: str | None, base_url: str | None, json_output: bool) -> int:
    """Check that the server answers and accepts the key.

    Calls the health endpoint, then one authenticated read, and prints a verdict:
    OK, SERVER UNREACHABLE, KEY REJECTED, KEY NOT ALLOWED or SERVER ERROR.
    """
    from .diagnose import check_connection

    return check_connection(profile=profile, base_url=base_url, json_output=json_output)


@cli.command("validate-config", context_settings=CONTEXT)
@profile_option
@base_url_option
@json_option()
def validate_config(profile: str | None, base_url: str | None, json_output: bool) -> int:
    """Resolve the settings like the client does and show where each came from.

    Sources, strongest first: command-line flag, environment variable, profile,
    default. The API key is shown masked. Every bad value is reported with its source
    (flag, environment variable, or profile and file), after the values that resolved,
    and the exit code is then 2.
    """
    from .diagnose import validate_config as run

    return run(profile=profile, base_url=base_url, json_output=json_output)


@cli.command(context_settings=CONTEXT)
@click.argument("message")
@click.option("--conversation-id", metavar="ID", help="Continue this conversation.")
@click.option("--model", help="The model to use.")
@click.option("--user-id", metavar="ID", help="Whose memories to use.")
@profile_option
@base_url_option
@json_option("Print only the final reply, as JSON.")
def chat(
    *,
    message: str,
    conversation_id: str | None,
    model: str | None,
    user_id: str | None,
    profile: str | None,
    base_url: str | None,
    json_output: bool,
) -> int:
    """Ask the assistant MESSAGE; the reply streams to the terminal token by token."""
    from .chat import chat as run

    return run(
        message,
        conversation_id=conversation_id,
        model=model,
        user_id=user_id,
        profile=profile,
        base_url=base_url,
        json_output=json_output,
    )


_RATE = click.FloatRange(0, 1)


@cli.command(context_settings=CONTEXT)
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8080,
    show_default=True,
    help="Port (0 picks a free one).",
)
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--api-key", metavar="KEY", help="The test API key [default: sk_test_sandbox_0000].")
@click.option("--latency-ms", type=click.FloatRange(min=0), default=0, help="Delay every response.")
@click.option("--error-rate", type=_RATE, default=0, help="Share of requests answered 5xx.")
@click.option("--rate-429", type=_RATE, default=0, help="Share of requests answered 429.")
@click.option("--drop-rate", type=_RATE, default=0, help="Share of connections dropped.")
@click.option(
    "--cut-stream-after",
    type=click.IntRange(min=1),
    metavar="N",
    help="Cut every event stream after N events.",
)
@click.option(
    "--research-step-s",
    type=click.FloatRange(min=0),
    default=1.0,
    show_default=True,
    help="Seconds per research job step.",
)
@click.option(
    "--rate-limit",
    type=click.IntRange(min=1),
    default=10_000,
    show_default=True,
    help="Requests per key per minute.",
)
@click.option("--seed", type=int, help="Seed of the fault dice, for reproducible runs.")
@click.option(
    "--allow-external-webhooks", is_flag=True, help="Deliver webhooks to non-loopback hosts too."
)
@click.option(
    "--kafka",
    metavar="HOST:PORT",
    help="Also consume telemetry and agent events from these Kafka brokers "
    "(needs pip install 'agentplatform[kafka]').",
)
@click.option(
    "--console",
    is_flag=True,
    help="Serve the console at /console even on a non-loopback host.",
)
@click.option(
    "--open",
    "open_console",
    is_flag=True,
    help="Open the console in a browser, signed in with a one-time code.",
)
@click.option(
    "--data-dir",
    metavar="DIR",
    help="Keep the state in SQLite in DIR (created if missing), so a restart keeps it.",
)
@click.option("--log-level", default="info", show_default=True, help="Server log level.")
def sandbox(**options: Any) -> int:
    """Serve the whole API from memory (or --data-dir) on a local port, with optional fault
    injection.

    Point a client at it with AGENTPLATFORM_BASE_URL=http://127.0.0.1:8080 and
    AGENTPLATFORM_API_KEY=sk_test_sandbox_0000. Stop it with Ctrl-C. The console at
    http://127.0.0.1:8080/console/ shows the data in a browser (--open opens it).
    """
    from .sandbox import sandbox_argv, serve

    return serve(sandbox_argv(**options))


@cli.command(context_settings=CONTEXT)
@click.option(
    "--base-url",
    default=None,
    metavar="URL",
    help="Tour this server instead of an in-process sandbox (writes demo data there; "
    "the webhook step needs a server that can reach this machine).",
)
@profile_option
@click.option("--plain", is_flag=True, help="Plain text even on a terminal.")
@click.option("--pause", is_flag=True, help="Wait for Enter before each step.")
@click.option(
    "--keep-running",
    is_flag=True,
    help="Keep the in-process sandbox serving after the tour (its console too), until Ctrl-C.",
)
@click.option(
    "--data-dir",
    metavar="DIR",
    help="Keep the in-process sandbox's state in SQLite in DIR, to serve it again later "
    "with 'agentplatform sandbox --data-dir DIR'.",
)
@click.option("--research-step-s", type=click.FloatRange(min=0), default=0.5, hidden=True)
def demo(
    *,
    base_url: str | None,
    profile: str | None,
    plain: bool,
    pause: bool,
    keep_running: bool,
    data_dir: str | None,
    research_step_s: float,
) -> int:
    """A guided tour of the SDK: each step explains itself, shows its code and runs it.

    Starts an in-process sandbox (stopped at the end, unless --keep-running; its state
    kept in --data-dir if given) unless --base-url or --profile names a server.
    """
    from .demo.tour import run_tour

    return run_tour(
        base_url=base_url,
        profile=profile,
        plain=plain,
        pause=pause,
        research_step_s=research_step_s,
        keep_running=keep_running,
        data_dir=data_dir,
    )


def run_app(argv: list[str]) -> int:
    """Run the command tree; every failure becomes one stderr line and an exit code."""
    try:
        result = cli.main(args=argv, prog_name=PROG, standalone_mode=False)
    except click.exceptions.NoArgsIsHelpError as exc:
        print(exc.format_message())
        return EXIT_OK
    except click.UsageError as exc:
        where = exc.ctx.command_path if exc.ctx is not None else PROG
        error(f"{exc.format_message()} (see '{where} --help')")
        return EXIT_USAGE
    except click.ClickException as exc:
        error(exc.format_message())
        return exc.exit_code
    except click.Abort:
        error("aborted")
        return 130
    except Exception as exc:
        error(message_of(exc))
        return exit_code_of(exc)
    return result if isinstance(result, int) else EXIT_OK
