"""Shared helpers of the client tests: spec-valid bodies and sync/async call helpers."""

from __future__ import annotations

import inspect
import json
import re
import socket
import struct
import threading
from collections.abc import AsyncIterable, Iterable
from typing import Any

from werkzeug import Request, Response

API_KEY = "sk-live-Zq9SECRETkey0123456789"
T0 = "2026-01-01T00:00:00Z"
REQUEST_ID = "req_0123456789abcdef"


async def run(value: Any) -> Any:
    """The result of a call: awaited on `AsyncClient`, as is on `Client`."""
    if inspect.isawaitable(value):
        return await value
    return value


async def collect(paginator: Iterable[Any] | AsyncIterable[Any]) -> list[Any]:
    """Every item of a sync or async paginator."""
    if isinstance(paginator, AsyncIterable):
        return [item async for item in paginator]
    return list(paginator)


def problem(status: int, detail: str = "It failed.", **extra: Any) -> dict[str, Any]:
    """An RFC 9457 problem body."""
    return {
        "type": "https://agentplatform.dev/problems/test",
        "title": "Test problem",
        "status": status,
        "detail": detail,
        **extra,
    }


def json_response(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    """A werkzeug JSON response with an X-Request-ID."""
    all_headers = {"X-Request-ID": REQUEST_ID}
    all_headers.update(headers or {})
    content_type = "application/problem+json" if status >= 400 else "application/json"
    return Response(json.dumps(body), status=status, headers=all_headers, content_type=content_type)


class Sequence:
    """A werkzeug handler answering with the next response (the last one, or all in a cycle).

    It records every request and its body.
    """

    def __init__(self, *responses: Response, cycle: bool = False) -> None:
        self.responses = list(responses)
        self.cycle = cycle
        self.requests: list[Request] = []
        self.bodies: list[bytes] = []

    def __call__(self, request: Request) -> Response:
        self.requests.append(request)
        self.bodies.append(request.get_data())
        if self.cycle:
            return self.responses[(len(self.requests) - 1) % len(self.responses)]
        index = min(len(self.requests), len(self.responses)) - 1
        return self.responses[index]

    def headers(self, name: str) -> list[str | None]:
        """The value of one header in every request seen."""
        return [request.headers.get(name) for request in self.requests]


HEALTH = {"status": "ok", "version": "1.0.0", "uptime_s": 12.5}

ENTITY = {
    "id": "ent_1",
    "type": "Person",
    "properties": {"name": "Ada"},
    "embedding": [0.1, 0.2],
    "created_at": T0,
    "updated_at": T0,
    "version": 1,
}

RELATION = {
    "id": "rel_1",
    "type": "WORKS_AT",
    "from_entity_id": "ent_1",
    "to_entity_id": "ent_2",
    "properties": {},
    "created_at": T0,
}

ENTITY_TYPE = {"id": "Person", "parent": None, "properties": {"name": {"type": "string"}}}
RELATION_TYPE = {"id": "WORKS_AT", "from_types": ["Person"], "to_types": ["Company"]}

ONTOLOGY = {
    "entity_types": [ENTITY_TYPE],
    "relation_types": [RELATION_TYPE],
    "version": 3,
    "updated_at": T0,
}

ANOMALY = {
    "id": "anom_1",
    "anomaly_type": "latency_spike",
    "severity": "high",
    "detection_method": "zscore",
    "service_name": "bot",
    "metric": "latency_ms",
    "observed_value": 9800,
    "expected_value": 420,
    "score": 6.2,
    "event_id": None,
    "detected_at": T0,
}

MEMORY = {
    "id": "mem_1",
    "user_id": "user_1",
    "key": "lang",
    "value": "Python",
    "tags": ["prefs"],
    "created_at": T0,
    "expires_at": None,
}

API_KEY_BODY = {
    "id": "key_1",
    "name": "ci",
    "prefix": "sk-live-ab",
    "scopes": ["read"],
    "created_at": T0,
    "expires_at": None,
}

WEBHOOK = {
    "id": "wh_1",
    "url": "https://example.com/hook",
    "events": ["anomaly.detected"],
    "created_at": T0,
}

RESEARCH_JOB = {
    "id": "job_1",
    "query": "q",
    "status": "running",
    "progress": 0.5,
    "result": None,
    "error": None,
    "created_at": T0,
    "updated_at": T0,
}


def page(*items: dict[str, Any], cursor: str | None = None) -> dict[str, Any]:
    """One page of a list."""
    return {"data": list(items), "next_cursor": cursor, "has_more": cursor is not None}


class RawServer:
    """A loopback TCP server that misbehaves on purpose; it counts the connections.

    `behaviour` is "close" (accept and close at once), "silent" (read the request and
    never answer), "partial" (answer half a status line, then close), "truncated" (send
    the headers and half the body, then close), "reset" (the same, then reset the
    connection) or "stall" (send the headers, then wait).
    """

    def __init__(self, behaviour: str, content_type: str = "application/json") -> None:
        self.behaviour = behaviour
        self.content_type = content_type
        self.accepted = 0
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(16)
        self._sock.settimeout(0.05)
        self._open: list[socket.socket] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        host, port = self._sock.getsockname()
        return f"http://{host}:{port}"

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except (TimeoutError, OSError):
                continue
            self.accepted += 1
            if self.behaviour == "close":
                conn.close()
            elif self.behaviour == "partial":
                _read_request(conn)
                conn.sendall(b"HTTP/1.1 2")
                conn.close()
            elif self.behaviour in ("truncated", "reset", "stall"):
                _read_request(conn)
                conn.sendall(
                    b"HTTP/1.1 200 OK\r\nContent-Type: "
                    + self.content_type.encode()
                    + b"\r\nContent-Length: 100\r\n\r\n"
                )
                if self.behaviour in ("truncated", "reset"):
                    conn.sendall(b'{"status": "o')
                    if self.behaviour == "reset":  # close with RST, not FIN
                        conn.setsockopt(
                            socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)
                        )
                    conn.close()
                else:
                    self._open.append(conn)
            else:
                self._open.append(conn)

    def close(self) -> None:
        self._stop.set()
        self._thread.join()
        for conn in self._open:
            conn.close()
        self._sock.close()


def _read_request(conn: socket.socket) -> None:
    """Read one whole request (head and Content-Length body).

    Closing a socket with unread bytes sends RST instead of FIN, so a server that
    read only the first segment would turn "partial" or "truncated" into "reset".
    """
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            return
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    match = re.search(rb"(?im)^content-length:\s*(\d+)", head)
    length = int(match.group(1)) if match else 0
    while len(body) < length:
        chunk = conn.recv(65536)
        if not chunk:
            return
        body += chunk


def closed_port_url() -> str:
    """The URL of a loopback port nothing listens on."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"
