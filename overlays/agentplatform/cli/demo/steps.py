"""The tour's steps. Each one's docstring explains it; its body is the code shown and run.

Steps share a `Tour` object for what one step makes and a later one uses.
"""

from __future__ import annotations

import ast
import inspect
import textwrap
from collections.abc import Callable
from typing import Any

import attrs

import agentplatform as ap
from agentplatform import webhooks
from agentplatform.telemetry import TelemetryEventBuilder
from agentplatform.types import EntityDeletedEvent, ResearchResult

from .receiver import WebhookReceiver


@attrs.define
class Tour:
    """What the steps share: entities made in one step and used in another."""

    ada: Any = None
    grace: Any = None
    acme: Any = None
    webhook_timeout: float = 10.0
    kafka_timeout: float = 30.0


StepFn = Callable[[ap.Client, Tour], None]


@attrs.frozen
class Step:
    """One step: a title, and the function whose docstring and body are shown."""

    title: str
    run: StepFn

    @property
    def why(self) -> str:
        """The one-line explanation (the function's docstring)."""
        return inspect.cleandoc(self.run.__doc__ or "")

    @property
    def code(self) -> str:
        """The function's body, without its signature and docstring."""
        return body_source(self.run)


def body_source(fn: Callable[..., Any]) -> str:
    """The source of `fn`'s body after its docstring, dedented."""
    source = textwrap.dedent(inspect.getsource(fn))
    func = ast.parse(source).body[0]
    assert isinstance(func, ast.FunctionDef)
    body = func.body
    start = body[0].lineno - 1
    if isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        start = (body[0].end_lineno or body[0].lineno) if len(body) > 1 else start
    lines = source.splitlines()[start : func.end_lineno]
    return textwrap.dedent("\n".join(lines)).strip("\n")


def health(client: ap.Client, tour: Tour) -> None:
    """Is the service up? `health()` needs no permissions; every call is typed."""
    health = client.health()
    print(f"status={health.status} version={health.version}")


def ontology(client: ap.Client, tour: Tour) -> None:
    """The ontology says which entity and relation types exist; Engineer is a kind of Person."""
    ours = [
        {"id": "Person", "properties": {"name": {"type": "string"}}, "required": ["name"]},
        {"id": "Engineer", "parent": "Person", "properties": {"language": {"type": "string"}}},
        {"id": "Company", "properties": {"name": {"type": "string"}}, "required": ["name"]},
    ]
    works_at = {"id": "WORKS_AT", "from_types": ["Person"], "to_types": ["Company"]}
    current = client.ontology.get_schema()  # put_schema replaces it all, so keep the others
    theirs = [t for t in current.entity_types if t.id not in ("Person", "Engineer", "Company")]
    schema = client.ontology.put_schema(
        entity_types=[*theirs, *ours],
        relation_types=[*(t for t in current.relation_types if t.id != "WORKS_AT"), works_at],
    )
    subtypes = client.ontology.list_subtypes("Person").subtypes
    print(f"schema version {schema.version}; subtypes of Person: {[t.id for t in subtypes]}")


def entities(client: ap.Client, tour: Tour) -> None:
    """Entities are typed graph nodes, checked against the ontology; relations link them."""
    tour.ada = client.entities.create(
        type="Engineer", properties={"name": "Ada", "language": "Python"}, embedding=[0.9, 0.1, 0]
    )
    tour.grace = client.entities.create(
        type="Engineer", properties={"name": "Grace", "language": "COBOL"}, embedding=[0.6, 0.4, 0]
    )
    tour.acme = client.entities.create(
        type="Company", properties={"name": "Acme"}, embedding=[0.1, 0.9, 0]
    )
    client.relations.create(type="WORKS_AT", from_entity_id=tour.ada.id, to_entity_id=tour.acme.id)
    people = client.entities.list(type="Person", max_items=5)  # subtypes included
    print("people:", [p.properties.to_dict().get("name", p.id) for p in people])
    try:
        client.entities.create(type="Person", properties={"age": 36})
    except ap.UnprocessableEntityError as error:
        print("rejected by the ontology:", error.field_errors)


def hybrid_query(client: ap.Client, tour: Tour) -> None:
    """A hybrid query joins vector similarity with a walk along the graph's relations."""
    result = client.queries.hybrid(
        vector_query={"embedding": [1.0, 0.0, 0.0], "top_k": 2},
        graph_query={"start_entity_ids": [tour.ada.id], "depth": 1},
        merge_strategy="union",
    )
    for hit in result.results:
        name = hit.entity.properties.to_dict().get("name", hit.entity.id)
        print(f"{name:<6} score={hit.score:.3f}")


def streamed_chat(client: ap.Client, tour: Tour) -> None:
    """The assistant streams its reply token by token; a dropped stream resumes by itself."""
    with client.chat.stream("What is graph memory?") as stream:
        for text in stream.text_deltas():
            print(text, end="", flush=True)
        reply = stream.final_response()
    print(f"\n({reply.usage.completion_tokens} tokens, finish_reason={reply.finish_reason})")


def telemetry(client: ap.Client, tour: Tour) -> None:
    """`track` queues an LLM event and returns at once; a background thread sends batches."""
    event = (
        TelemetryEventBuilder(service="support-bot", model="gpt-4o-mini")
        .prompt("What is our refund policy?", tokens=7)
        .response("Refunds are accepted within 30 days.", tokens=8, finish_reason="stop")
        .latency(412.5)
        .cost(0.00021)
        .build()
    )
    client.telemetry.track(event)
    client.telemetry.log_model_call(model_name="fraud-scorer", latency_ms=12.5)
    client.telemetry.flush()  # wait until what is queued is sent, e.g. before exiting
    stats = client.telemetry.stats()
    print(f"enqueued={stats.enqueued} sent={stats.sent} batches={stats.batches}")


def research(client: ap.Client, tour: Tour) -> None:
    """Research jobs run in the background; `wait` polls with backoff and shows progress."""
    job = client.research.create("How do agents use graph memory?", depth=2)
    done = client.research.wait(job.id, progress=True)
    if isinstance(done.result, ResearchResult):
        print(f"{done.status}: {done.result.summary}")


def anomalies(client: ap.Client, tour: Tour) -> None:
    """The service watches telemetry: steady latencies, then one spike, make an anomaly."""
    for latency in [400, 410, 420, 430, 440] * 4 + [5000]:
        client.telemetry.track(
            TelemetryEventBuilder(service="search-bot", model="gpt-4o-mini").latency(latency)
        )
    client.telemetry.flush()
    newest = client.anomalies.list(
        anomaly_type="latency_spike", service_name="search-bot", max_items=1
    )
    for anomaly in newest:
        print(f"{anomaly.severity} {anomaly.anomaly_type}: {anomaly.description}")


def webhook(client: ap.Client, tour: Tour) -> None:
    """Deliveries are signed (Standard Webhooks); `verify` checks one and returns a typed event."""
    with WebhookReceiver() as receiver:  # a tiny HTTP server on a local port
        endpoint = client.webhooks.create(url=receiver.url, events=["entity.deleted"])
        client.entities.delete(tour.grace.id)  # this emits entity.deleted
        delivery = receiver.next_delivery(timeout=tour.webhook_timeout)
        event = webhooks.verify(delivery.body, delivery.headers, endpoint.secret)
        if isinstance(event, EntityDeletedEvent):
            print(f"verified {type(event).__name__}: {event.data.type_} {event.data.entity_id}")
        client.webhooks.delete(endpoint.id)


def kafka_telemetry(client: ap.Client, tour: Tour) -> None:
    """With `TelemetryConfig(kafka=...)` the same `track` goes through Apache Kafka; the
    platform consumes the topic. Here: a local broker and a second sandbox that reads it."""
    from agentplatform_sandbox import Sandbox
    from agentplatform_sandbox.broker import KafkaBroker

    from agentplatform.telemetry import KafkaConfig, TelemetryConfig

    with (
        KafkaBroker() as broker,
        Sandbox(
            kafka_bootstrap=broker.bootstrap_servers, kafka_options={"session_timeout_ms": 2000}
        ) as platform,
    ):
        config = TelemetryConfig(kafka=KafkaConfig(bootstrap_servers=broker.bootstrap_servers))
        with ap.Client(base_url=platform.url, api_key=platform.api_key, telemetry=config) as kc:
            for n in range(300):  # steady latencies, then one spike
                kc.telemetry.track(
                    TelemetryEventBuilder(service="kafka-bot", model="gpt-4o-mini").latency(
                        5000 if n == 299 else 400 + n % 5 * 10
                    )
                )
            kc.telemetry.flush()  # every record acknowledged by the broker
            assert platform.kafka is not None
            consumed = platform.kafka.wait_for(300, timeout=tour.kafka_timeout)
            if consumed.ingested < 300:
                raise TimeoutError(f"the platform consumed {consumed.ingested} of 300 records")
            print(f"{consumed.ingested} records consumed from {broker.bootstrap_servers}")
            for anomaly in kc.anomalies.list(anomaly_type="latency_spike", max_items=1):
                print(f"{anomaly.severity} {anomaly.anomaly_type}: {anomaly.description}")
