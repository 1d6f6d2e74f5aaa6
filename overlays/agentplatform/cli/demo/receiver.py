"""A tiny local HTTP server that collects webhook deliveries, for the tour and tests."""

from __future__ import annotations

import queue
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Self

import attrs


@attrs.frozen
class Delivery:
    """One received request: its raw body and headers (names in lower case)."""

    body: bytes
    headers: dict[str, str]
    path: str


class WebhookReceiver:
    """Listens on a loopback port and queues every POST it receives, answering 204.

    ```python
    with WebhookReceiver() as receiver:
        ...  # register receiver.url as a webhook endpoint
        delivery = receiver.next_delivery(timeout=10)
    ```
    """

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self._deliveries: queue.Queue[Delivery] = queue.Queue()
        deliveries = self._deliveries

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                body = self.rfile.read(length)
                headers = {name.lower(): value for name, value in self.headers.items()}
                deliveries.put(Delivery(body=body, headers=headers, path=self.path))
                self.send_response(204)
                self.end_headers()

            def log_message(self, format: str, *args: object) -> None:
                """Stay quiet: the tour prints what matters."""

        self._server = ThreadingHTTPServer((host, port), Handler)
        self._server.daemon_threads = True
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        """Where to send deliveries, e.g. `http://127.0.0.1:54321/webhooks`."""
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}/webhooks"

    def start(self) -> Self:
        """Serve on a background thread."""
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._server.serve_forever, name="webhook-receiver", daemon=True
            )
            self._thread.start()
        return self

    def next_delivery(self, timeout: float = 10.0) -> Delivery:
        """The next delivery received; `TimeoutError` when none comes within `timeout`."""
        try:
            return self._deliveries.get(timeout=timeout)
        except queue.Empty:
            raise TimeoutError(f"no webhook delivery arrived within {timeout:g} s") from None

    def stop(self) -> None:
        """Stop serving and free the port."""
        if self._thread is not None:
            self._server.shutdown()
            self._thread.join()
            self._thread = None
        self._server.server_close()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
