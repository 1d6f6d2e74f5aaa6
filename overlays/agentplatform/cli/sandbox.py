"""`agentplatform sandbox`: serve the API on a local port, from memory or a data dir."""

from __future__ import annotations

from collections.abc import Sequence

from . import EXIT_OK, EXIT_USAGE
from ._failures import Failure


def sandbox_argv(
    *,
    host: str,
    port: int,
    api_key: str | None,
    latency_ms: float,
    error_rate: float,
    rate_429: float,
    drop_rate: float,
    cut_stream_after: int | None,
    research_step_s: float,
    rate_limit: int,
    seed: int | None,
    allow_external_webhooks: bool,
    log_level: str,
    kafka: str | None = None,
    console: bool = False,
    open_console: bool = False,
    data_dir: str | None = None,
) -> list[str]:
    """The `python -m agentplatform_sandbox` arguments for these options."""
    argv = ["--host", host, "--port", str(port), "--log-level", log_level]
    for flag, value in (
        ("--api-key", api_key),
        ("--latency-ms", latency_ms or None),
        ("--error-rate", error_rate or None),
        ("--rate-429", rate_429 or None),
        ("--drop-rate", drop_rate or None),
        ("--cut-stream-after", cut_stream_after),
        ("--research-step-s", research_step_s),
        ("--rate-limit", rate_limit),
        ("--seed", seed),
        ("--kafka", kafka),
        ("--data-dir", data_dir),
    ):
        if value is not None:
            argv += [flag, str(value)]
    for flag, wanted in (
        ("--allow-external-webhooks", allow_external_webhooks),
        ("--console", console),
        ("--open", open_console),
    ):
        if wanted:
            argv.append(flag)
    return argv


def serve(argv: Sequence[str]) -> int:
    """Run the sandbox in the foreground until Ctrl-C."""
    try:
        from agentplatform_sandbox import cli as sandbox_cli
    except ImportError as exc:
        raise Failure(
            f"The sandbox needs the sandbox extra ({exc.name} is missing): "
            "pip install 'agentplatform[sandbox]'",
            EXIT_USAGE,
        ) from None
    from agentplatform_sandbox.datadir import DataDirError

    try:
        sandbox_cli.main(list(argv))
    except KeyboardInterrupt:
        pass
    except DataDirError as exc:
        raise Failure(f"Cannot use the data dir: {exc}.", EXIT_USAGE) from None
    except OSError as exc:
        raise Failure(f"Cannot serve the sandbox: {exc.strerror or exc}.", EXIT_USAGE) from None
    return EXIT_OK
