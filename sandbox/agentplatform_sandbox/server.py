"""`Sandbox`: the sandbox served by uvicorn on a background thread."""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Mapping
from types import TracebackType
from typing import TYPE_CHECKING, Any

import httpx
import uvicorn

from .app import SandboxApp
from .auth import DEFAULT_API_KEYS
from .clock import Clock
from .config import SandboxConfig
from .console import is_loopback_host, off_reason
from .faults import FaultInjector, Faults
from .state import SandboxState

if TYPE_CHECKING:
    from .kafka_ingest import KafkaIngest

_START_TIMEOUT_S = 10.0


def bind_socket(host: str, port: int) -> socket.socket:
    """A listening TCP socket on `host:port` (port 0: any free port), reusable at once."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    # Accepted sockets inherit this: no Nagle delay between a response's header and body.
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.bind((host, port))
    sock.listen(128)
    return sock


def uvicorn_config(app: SandboxApp, log_level: str) -> uvicorn.Config:
    """The uvicorn settings the sandbox runs with."""
    return uvicorn.Config(
        app,
        lifespan="on",
        log_level=log_level,
        access_log=False,
        http="h11",
        ws="none",
        loop="asyncio",
        timeout_graceful_shutdown=2,
    )


class Sandbox:
    """A running sandbox on a loopback port, for tests and demos.

    ```python
    with Sandbox() as sandbox:
        httpx.get(sandbox.url + "/v1/entities", headers={"X-API-Key": sandbox.api_key})
    ```

    The state lives in memory unless `data_dir` is given: then it is kept in SQLite
    in that directory (see `persistence`), every acknowledged write survives a crash,
    and a later `Sandbox(data_dir=...)` on the same directory serves it again (a
    second sandbox on a directory in use is refused with `DataDirError`).

    Args:
        host: interface to listen on (loopback by default).
        port: port to listen on; 0 picks a free one (kept across `stop`/`start`).
        api_keys: initial keys, secret -> tenant (default: `DEFAULT_API_KEYS`); the
            first one is `api_key`. Only when `state` is not given.
        clock: the state's clock (e.g. `ManualClock`). Only when `state` is not given.
        data_dir: keep the state in SQLite in this directory (created if missing) and
            load what it holds; leaving the `with` block or `close()` releases it.
            Only when `state` is not given.
        state: a `SandboxState` to serve (e.g. one kept from an earlier sandbox).
        faults: the initial `Faults`.
        rate_limit_per_min: see `SandboxConfig`.
        research_step_s: see `SandboxConfig`.
        allow_external_webhooks: see `SandboxConfig`.
        validate_responses: see `SandboxConfig`.
        webhook_retry_delays_s: see `SandboxConfig`.
        stream_token_delay_s: see `SandboxConfig`.
        log_level: uvicorn's log level.
        kafka_bootstrap: brokers (`host:port`) to consume telemetry and agent events
            from while running (`pip install 'agentplatform[kafka]'`); see `kafka_ingest`.
        kafka_options: more `KafkaIngest` arguments (topics, group id, session timeout).
        console: serve the console at `/console`; None (the default) serves it only
            when `host` is a loopback address.
    """

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        api_keys: Mapping[str, str] | None = None,
        clock: Clock | None = None,
        data_dir: str | os.PathLike[str] | None = None,
        state: SandboxState | None = None,
        faults: Faults | None = None,
        rate_limit_per_min: int = 10_000,
        research_step_s: float = 1.0,
        allow_external_webhooks: bool = False,
        validate_responses: bool = False,
        webhook_retry_delays_s: tuple[float, ...] = (0.2, 0.5, 1.0),
        stream_token_delay_s: float = 0.0,
        log_level: str = "warning",
        kafka_bootstrap: str | None = None,
        kafka_options: Mapping[str, Any] | None = None,
        console: bool | None = None,
    ) -> None:
        if state is not None and (api_keys, clock, data_dir) != (None, None, None):
            raise ValueError(
                "pass api_keys, clock and data_dir to the SandboxState, not with state="
            )
        self.host = host
        self.port = port
        self._owns_state = state is None
        self.state = state or SandboxState(clock=clock, api_keys=api_keys, data_dir=data_dir)
        self.config = SandboxConfig(
            rate_limit_per_min=rate_limit_per_min,
            research_step_s=research_step_s,
            allow_external_webhooks=allow_external_webhooks,
            validate_responses=validate_responses,
            webhook_retry_delays_s=tuple(webhook_retry_delays_s),
            stream_token_delay_s=stream_token_delay_s,
            console=is_loopback_host(host) if console is None else console,
            console_off_reason=off_reason(host),
        )
        self.injector = FaultInjector(faults)
        self.app = SandboxApp(self.state, self.config, self.injector)
        self.log_level = log_level
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._socket: socket.socket | None = None
        self.kafka: KafkaIngest | None = None
        if kafka_bootstrap is not None:
            from .kafka_ingest import KafkaIngest

            self.kafka = KafkaIngest(self.state, kafka_bootstrap, **(kafka_options or {}))

    @property
    def api_key(self) -> str:
        """The first initial API key (default `sk_test_sandbox_0000`)."""
        return next(iter(self.state.initial_api_keys), "")

    @property
    def url(self) -> str:
        """The base URL, e.g. `http://127.0.0.1:54321`."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    @property
    def console_url(self) -> str:
        """The console's address, e.g. `http://127.0.0.1:54321/console/`."""
        return self.url + "/console/"

    def console_login_url(self, api_key: str | None = None) -> str:
        """A one-time sign-in link to the console as `api_key` (default: `api_key`).

        The link holds a random code, not the key; it signs in once, within 5 minutes.
        """
        return self.url + self.app.console.login_path(api_key or self.api_key)

    @property
    def headers(self) -> dict[str, str]:
        """Headers that authenticate as `api_key`."""
        return {"X-API-Key": self.api_key}

    @property
    def faults(self) -> Faults:
        """The faults in force."""
        return self.injector.faults

    @property
    def running(self) -> bool:
        """Whether the server thread is serving."""
        return self._thread is not None and self._thread.is_alive()

    def set_faults(self, faults: Faults | None = None, **changes: Any) -> Faults:
        """Replace the faults, change some fields (`set_faults(error_rate=0.5)`), or clear
        them all (`set_faults()`)."""
        return self.injector.set(faults, **changes)

    def fail_next(self, count: int = 1, status: int = 503, path: str | None = None) -> None:
        """Answer the next `count` requests (under `path`, if given) with `status`."""
        self.injector.fail_next(count, status, path)

    def reset(self) -> None:
        """Forget all data, faults and rate-limit use (the server keeps running)."""
        self.state.reset()
        self.injector.reset()
        self.app.rate_limiter.reset()

    def client(self, **kwargs: Any) -> httpx.Client:
        """An `httpx.Client` for this sandbox, authenticated as `api_key`."""
        headers = {**self.headers, **kwargs.pop("headers", {})}
        return httpx.Client(base_url=self.url, headers=headers, **kwargs)

    def start(self) -> Sandbox:
        """Serve on a background thread; returns once the port accepts connections."""
        if self.running:
            return self
        self._socket = bind_socket(self.host, self.port)
        self.port = self._socket.getsockname()[1]
        server = uvicorn.Server(uvicorn_config(self.app, self.log_level))
        thread = threading.Thread(
            target=server.run,
            kwargs={"sockets": [self._socket]},
            name="sandbox-server",
            daemon=True,
        )
        self._server, self._thread = server, thread
        thread.start()
        deadline = time.monotonic() + _START_TIMEOUT_S
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("the sandbox server did not start")
            time.sleep(0.01)
        if self.kafka is not None:
            try:
                self.kafka.start()
            except BaseException:
                self.stop()
                raise
        return self

    def stop(self) -> None:
        """Stop serving; the state is kept, so `start()` serves it again on the same port."""
        if self.kafka is not None:
            self.kafka.stop()
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=_START_TIMEOUT_S)
        if self._socket is not None:
            self._socket.close()
        self._server = self._thread = self._socket = None

    def close(self) -> None:
        """Stop serving and, for a state this sandbox made, release its data dir."""
        self.stop()
        if self._owns_state:
            self.state.close()

    def restart(self, *, reset_state: bool = False) -> None:
        """Stop and start again on the same port, optionally with a fresh state."""
        self.stop()
        if reset_state:
            self.state.reset()
        self.start()

    def __enter__(self) -> Sandbox:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Sandbox(url={self.url!r}, running={self.running})"


__all__ = ["DEFAULT_API_KEYS", "Sandbox", "bind_socket", "uvicorn_config"]
