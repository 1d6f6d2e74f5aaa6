"""Run Prism (the pinned `@stoplight/prism-cli`) as a validating mock server of openapi.yaml.

Prism checks every request against the spec: an invalid one is answered 4xx with an
`sl-violations` header. With `--errors` a response Prism itself cannot make valid is an
error too, so everything the SDK receives from it is valid for the spec.
"""

from __future__ import annotations

import json
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from typing import IO, Any

import httpx

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "openapi.yaml"
PRISM = ROOT / "node_modules" / ".bin" / "prism"
STARTUP_TIMEOUT_S = 120.0


def free_port() -> int:
    """A TCP port on the loopback interface that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


DYNAMIC_MAX_SIZE = 20


def _clamp_sizes(node: Any) -> None:
    """Lower every `maxItems` above `DYNAMIC_MAX_SIZE` to it, and drop `maxProperties`
    (in place).

    json-schema-faker fills a free-form object up to its `maxProperties` (1000 here, so
    bodies take seconds to make), and past a lower bound it overshoots it. Without the
    bound it makes a few properties, as before the spec had one; the contract's
    requests stay far below every bound.
    """
    if isinstance(node, dict):
        if isinstance(node.get("maxItems"), int) and node["maxItems"] > DYNAMIC_MAX_SIZE:
            node["maxItems"] = DYNAMIC_MAX_SIZE
        node.pop("maxProperties", None)
        for value in node.values():
            _clamp_sizes(value)
    elif isinstance(node, list):
        for value in node:
            _clamp_sizes(value)


class Prism:
    """One Prism mock server process: static (spec examples) or dynamic (generated bodies)."""

    def __init__(self, *, dynamic: bool, spec: Path = SPEC) -> None:
        self.dynamic = dynamic
        self.spec = spec
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._log: IO[bytes] | None = None
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def mode(self) -> str:
        return "dynamic" if self.dynamic else "static"

    def start(self) -> None:
        """Start the process (returns at once; `wait_ready` waits for it to answer)."""
        if not PRISM.exists():
            raise RuntimeError(f"{PRISM} is missing: run `make node` (npm ci) first.")
        command = [str(PRISM), "mock", str(self._spec_to_serve()), "--errors"]
        command += ["--host", "127.0.0.1", "--port", str(self.port)]
        if self.dynamic:
            command.append("--dynamic")
        self._log = tempfile.TemporaryFile()  # noqa: SIM115 - closed in stop()
        self._process = subprocess.Popen(
            command, cwd=ROOT, stdout=self._log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
        )

    def _spec_to_serve(self) -> Path:
        """The spec; in dynamic mode a copy that tells json-schema-faker to keep arrays and
        maps small, since the spec's `maxItems`/`maxProperties` (1000) would otherwise
        have it generate bodies of nested thousands of items and time out (see
        `_clamp_sizes`)."""
        if not self.dynamic:
            return self.spec
        import yaml

        document = yaml.safe_load(self.spec.read_text(encoding="utf-8"))
        _clamp_sizes(document)
        document["x-json-schema-faker"] = {"maxItems": 3, "maxLength": 40, "fillProperties": False}
        copy = Path(tempfile.mkdtemp(prefix="prism-")) / "openapi.yaml"
        copy.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
        return copy

    def wait_ready(self, timeout: float = STARTUP_TIMEOUT_S) -> None:
        """Poll the health endpoint until Prism answers; fail with its log if it dies."""
        assert self._process is not None
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise RuntimeError(f"Prism ({self.mode}) exited early:\n{self.log_tail()}")
            try:
                if httpx.get(f"{self.url}/v1/health", timeout=2.0).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"Prism ({self.mode}) did not answer in {timeout}s:\n{self.log_tail()}")

    def log_tail(self, lines: int = 40) -> str:
        """The last lines Prism logged (it logs each request and its violations)."""
        if self._log is None:
            return ""
        self._log.flush()
        self._log.seek(0)
        text = self._log.read().decode("utf-8", "replace")
        return "\n".join(text.splitlines()[-lines:])

    def stop(self) -> None:
        """Terminate the process (kill it if it lingers) and drop its log."""
        if self._process is not None and self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait(timeout=10)
        if self._log is not None:
            self._log.close()
            self._log = None


def violations(headers: Any) -> list[dict[str, Any]]:
    """The parsed `sl-violations` header of a Prism response (empty when absent)."""
    raw = headers.get("sl-violations") if headers is not None else None
    if not raw:
        return []
    try:
        parsed = json.loads(raw)
    except ValueError:
        return [{"message": raw}]
    return parsed if isinstance(parsed, list) else [parsed]
