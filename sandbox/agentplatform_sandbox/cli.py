"""Command line: `python -m agentplatform_sandbox --port 8080`."""

from __future__ import annotations

import argparse
import signal
import webbrowser
from collections.abc import Sequence
from types import FrameType

import uvicorn

from .app import SandboxApp
from .auth import DEFAULT_API_KEY, DEFAULT_TENANT, OTHER_API_KEY, OTHER_TENANT
from .config import SandboxConfig
from .console import is_loopback_host, off_reason
from .faults import FaultInjector, Faults
from .server import bind_socket, uvicorn_config
from .state import SandboxState


def parser() -> argparse.ArgumentParser:
    """The command's options."""
    p = argparse.ArgumentParser(
        prog="python -m agentplatform_sandbox",
        description="Serve the Agent Platform API from memory (or from --data-dir), "
        "for tests and demos.",
    )
    p.add_argument("--host", default="127.0.0.1", help="interface (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8080, help="port (default 8080; 0 = any)")
    p.add_argument("--api-key", default=DEFAULT_API_KEY, help="the API key of tenant_default")
    p.add_argument("--latency-ms", type=float, default=0, help="delay every response")
    p.add_argument("--error-rate", type=float, default=0.0, help="share of random 5xx")
    p.add_argument("--rate-429", type=float, default=0.0, help="share of random 429")
    p.add_argument("--drop-rate", type=float, default=0.0, help="share of dropped connections")
    p.add_argument("--cut-stream-after", type=int, default=None, help="cut streams after N events")
    p.add_argument("--research-step-s", type=float, default=1.0, help="seconds per research step")
    p.add_argument("--rate-limit", type=int, default=10_000, help="requests per key per minute")
    p.add_argument("--seed", type=int, default=None, help="seed of the fault dice")
    p.add_argument(
        "--allow-external-webhooks",
        action="store_true",
        help="deliver webhooks to non-loopback hosts too",
    )
    p.add_argument(
        "--kafka",
        metavar="HOST:PORT",
        default=None,
        help="also consume telemetry and agent events from these Kafka brokers",
    )
    p.add_argument(
        "--console",
        action="store_true",
        help="serve the console at /console even on a non-loopback host",
    )
    p.add_argument(
        "--open",
        action="store_true",
        help="open the console in a browser, signed in with a one-time code",
    )
    p.add_argument(
        "--data-dir",
        metavar="DIR",
        default=None,
        help="keep the state in SQLite in DIR (created if missing) across restarts",
    )
    p.add_argument("--log-level", default="info", help="uvicorn log level")
    return p


def build_app(args: argparse.Namespace) -> SandboxApp:
    """The application the options describe.

    Raises:
        DataDirError: `--data-dir` names a directory that cannot be used.
    """
    state = SandboxState(
        api_keys={args.api_key: DEFAULT_TENANT, OTHER_API_KEY: OTHER_TENANT},
        data_dir=args.data_dir,
    )
    config = SandboxConfig(
        rate_limit_per_min=args.rate_limit,
        research_step_s=args.research_step_s,
        allow_external_webhooks=args.allow_external_webhooks,
        console=args.console or is_loopback_host(args.host),
        console_off_reason=off_reason(args.host),
    )
    faults = Faults(
        latency_ms=args.latency_ms,
        error_rate=args.error_rate,
        rate_429=args.rate_429,
        drop_rate=args.drop_rate,
        cut_stream_after=args.cut_stream_after,
        seed=args.seed,
    )
    return SandboxApp(state, config, FaultInjector(faults))


def _exit_quietly(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(0)


def main(argv: Sequence[str] | None = None) -> None:
    """Serve until Ctrl-C or SIGTERM, then exit with status 0.

    Raises:
        DataDirError: `--data-dir` names a directory that cannot be used.
    """
    args = parser().parse_args(argv)
    app = build_app(args)
    try:
        sock = bind_socket(args.host, args.port)
    except BaseException:
        app.state.close()
        raise
    host, port = sock.getsockname()[:2]
    shown = f"[{host}]" if ":" in host else host
    print(f"Agent Platform sandbox at http://{shown}:{port}", flush=True)
    print(f"API key: {args.api_key} (tenant {DEFAULT_TENANT})", flush=True)
    if args.data_dir is not None:
        print(f"Data dir: {args.data_dir} (state kept in SQLite)", flush=True)
    if app.config.console:
        print(f"Console: http://{shown}:{port}/console/", flush=True)
        if args.open:
            webbrowser.open(f"http://{shown}:{port}{app.console.login_path(args.api_key)}")
    else:
        print(f"Console: off ({app.config.console_off_reason})", flush=True)
    kafka = None
    if args.kafka:
        from .kafka_ingest import KafkaIngest

        kafka = KafkaIngest(app.state, args.kafka).start()
        print(
            f"Consuming {kafka.telemetry_topic} and {kafka.events_topic} from {args.kafka}",
            flush=True,
        )
    print("Press Ctrl-C to stop.", flush=True)
    # uvicorn shuts down gracefully, then raises the signal again for the previous handler.
    signal.signal(signal.SIGTERM, _exit_quietly)
    try:
        uvicorn.Server(uvicorn_config(app, args.log_level)).run(sockets=[sock])
    except KeyboardInterrupt:
        pass
    finally:
        if kafka is not None:
            kafka.stop()
        sock.close()
        app.state.close()
