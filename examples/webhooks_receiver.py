"""A webhook receiver: verify every delivery, then act on its typed event.

It starts a small HTTP server (standard library only), registers it as a webhook
endpoint, makes the service emit `entity.deleted` and `research.completed`, handles
both deliveries, shows that a forged delivery is refused, and cleans up.

In a web framework the handler is the same three lines: read the raw body, call
`webhooks.verify(body, request.headers, secret)`, answer 2xx (or 400 when it raises).
"""

from __future__ import annotations

import http.client
import json
import queue
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import agentplatform as ap
from agentplatform import webhooks
from agentplatform.types import AnomalyDetectedEvent, EntityDeletedEvent, ResearchCompletedEvent


class Receiver(ThreadingHTTPServer):
    """Holds the endpoint's signing secret and the verified events."""

    secret = ""
    events: queue.Queue[webhooks.WebhookEvent] = queue.Queue()


class Handler(BaseHTTPRequestHandler):
    server: Receiver

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("content-length") or 0))  # the raw bytes
        try:
            event = webhooks.verify(body, self.headers, self.server.secret)
        except ap.WebhookVerificationError as error:
            print(f"refused a delivery: {error}")
            self.send_response(400)
            self.end_headers()
            return
        self.send_response(204)  # answer fast; do slow work elsewhere
        self.end_headers()
        self.server.events.put(event)

    def log_message(self, format: str, *args: object) -> None:
        pass


def handle(event: webhooks.WebhookEvent) -> str:
    """Act on one verified event; returns its type."""
    match event:
        case EntityDeletedEvent():
            print(f"entity.deleted: {event.data.type_} {event.data.entity_id}")
        case ResearchCompletedEvent():
            print(f"research.completed: {event.data.id} is {event.data.status}")
        case AnomalyDetectedEvent():
            print(f"anomaly.detected: {event.data.severity} {event.data.anomaly_type}")
        case webhooks.UnknownWebhookEvent():
            print(f"an event type this SDK does not know yet: {event.type_}")
    return event.type_


def send_forged(host: str, port: int) -> int:
    """Post a delivery signed with the wrong secret; the receiver must refuse it."""
    body = json.dumps({"id": "evt_1", "type": "entity.deleted", "data": {}}).encode()
    headers = webhooks.sign(body, "whsec_" + "A" * 32)
    connection = http.client.HTTPConnection(host, port, timeout=10)
    connection.request("POST", "/webhooks", body=body, headers=headers)
    status = connection.getresponse().status
    connection.close()
    return status


def main() -> None:
    server = Receiver(("127.0.0.1", 0), Handler)
    host, port = server.server_address[:2]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    with ap.Client() as client:
        endpoint = client.webhooks.create(
            url=f"http://{host!s}:{port}/webhooks",
            events=["entity.deleted", "research.completed", "anomaly.detected"],
        )
        server.secret = endpoint.secret  # shown once, at creation: keep it safe
        print(f"registered {endpoint.id} for {endpoint.events}")

        client.ontology.put_schema(entity_types=[{"id": "Draft"}], relation_types=[])
        draft = client.entities.create(type="Draft", properties={})
        client.entities.delete(draft.id)
        client.research.create("webhook signatures", depth=1)

        seen = set()
        while seen != {"entity.deleted", "research.completed"}:
            seen.add(handle(server.events.get(timeout=30)))

        print(f"forged delivery answered {send_forged(str(host), port)}")
        client.webhooks.delete(endpoint.id)
    server.shutdown()
    server.server_close()


if __name__ == "__main__":
    main()
