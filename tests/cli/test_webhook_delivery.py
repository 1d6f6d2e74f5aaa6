"""End to end: the sandbox delivers a signed webhook to a local server, and `verify` accepts it."""

from __future__ import annotations

from typing import Any

import agentplatform as ap
import pytest
from agentplatform import webhooks
from agentplatform.cli.demo.receiver import WebhookReceiver
from agentplatform.types import EntityDeletedEvent, ResearchCompletedEvent
from pytest_httpserver import HTTPServer


@pytest.fixture
def client(sandbox: Any) -> Any:
    with ap.Client(base_url=sandbox.url, api_key=sandbox.api_key) as client:
        yield client


def make_entity(client: ap.Client) -> Any:
    client.ontology.put_schema(entity_types=[{"id": "Note"}], relation_types=[])
    return client.entities.create(type="Note", properties={})


def test_entity_deleted_reaches_a_local_server_and_verifies(
    client: ap.Client, sandbox: Any, httpserver: HTTPServer
) -> None:
    httpserver.expect_request("/hooks", method="POST").respond_with_data("", status=204)
    endpoint = client.webhooks.create(url=httpserver.url_for("/hooks"), events=["entity.deleted"])
    note = make_entity(client)
    client.entities.delete(note.id)
    sandbox.state.wait_for_deliveries(1, event_type="entity.deleted")

    assert len(httpserver.log) == 1
    request, _ = httpserver.log[0]
    event = webhooks.verify(request.get_data(), request.headers, endpoint.secret)
    assert isinstance(event, EntityDeletedEvent)
    assert (event.type_, event.data.entity_id, event.data.type_) == (
        "entity.deleted",
        note.id,
        "Note",
    )
    with pytest.raises(ap.WebhookVerificationError):
        webhooks.verify(request.get_data() + b" ", request.headers, endpoint.secret)
    other = client.webhooks.create(url=httpserver.url_for("/other"), events=["entity.deleted"])
    with pytest.raises(ap.WebhookVerificationError, match="secret is wrong"):
        webhooks.verify(request.get_data(), request.headers, other.secret)


def test_research_completed_reaches_the_demo_receiver(client: ap.Client, sandbox: Any) -> None:
    with WebhookReceiver() as receiver:
        endpoint = client.webhooks.create(url=receiver.url, events=["research.completed"])
        job = client.research.create("graph memory")
        client.research.get(job.id)
        delivery = receiver.next_delivery(timeout=10)
    assert delivery.path == "/webhooks"
    event = webhooks.verify(delivery.body, delivery.headers, endpoint.secret)
    assert isinstance(event, ResearchCompletedEvent)
    assert event.data.id == job.id


def test_the_receiver_times_out_when_nothing_arrives() -> None:
    with WebhookReceiver() as receiver, pytest.raises(TimeoutError, match=r"within 0\.01 s"):
        receiver.next_delivery(timeout=0.01)


def test_the_receiver_can_stop_without_starting() -> None:
    receiver = WebhookReceiver()
    assert receiver.url.startswith("http://127.0.0.1:")
    receiver.stop()
