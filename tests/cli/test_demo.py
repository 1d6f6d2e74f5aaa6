"""`agentplatform demo`: the guided tour runs every step and stops its sandbox."""

from __future__ import annotations

import io
import sys
import threading
from typing import Any

import agentplatform as ap
import pytest
from agentplatform.cli.demo import steps, tour
from agentplatform.cli.demo.present import PlainPresenter, RichPresenter
from rich.console import Console

from .conftest import Cli

STEP_OUTPUT = [
    "status=ok version=",
    "subtypes of Person: ['Engineer']",
    "people: ['Ada', 'Grace']",
    "rejected by the ontology: [('properties.name', 'is required')]",
    "Ada    score=",
    "You said: What is graph memory?.",
    "finish_reason=stop)",
    "enqueued=2 sent=2 batches=",
    "succeeded: Research on 'How do agents use graph memory?'",
    "critical latency_spike: latency_ms of gpt-4o-mini is",
    "verified EntityDeletedEvent: Engineer ent_",
    "All 9 steps ran.",
]


KAFKA_NOTE = (
    "Skipped the Kafka step: it needs the kafka extra (confluent_kafka is not installed): "
    "pip install 'agentplatform[kafka]'"
)


@pytest.fixture(autouse=True)
def _without_kafka(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """The tour's Kafka step is left out (confluent_kafka hidden) unless a test asks for it."""
    if "with_kafka" not in request.fixturenames:
        monkeypatch.setitem(sys.modules, "confluent_kafka", None)


@pytest.fixture
def with_kafka() -> None:
    """Run the tour's Kafka step (the dev extra installs the kafka extra's packages)."""


def sandbox_threads() -> set[str]:
    return {t.name for t in threading.enumerate() if t.name.startswith("sandbox")}


def test_the_tour_in_plain_text(cli: Cli) -> None:
    before = sandbox_threads()
    result = cli("demo", "--plain", "--research-step-s", "0")
    assert result.code == 0, result.err
    for number, step in enumerate(tour.STEPS, start=1):
        assert f"[{number}/9] {step.title}\n" in result.out
        assert step.why in result.out
        for line in step.code.splitlines():
            assert f"    {line}".rstrip() in result.out
    for fragment in STEP_OUTPUT:
        assert fragment in result.out
    assert "sk_test_sandbox_0000" not in result.out
    assert "\x1b[" not in result.out
    assert f"All 9 steps ran.\n{KAFKA_NOTE}\n" in result.out  # one line names the extra
    assert "[10/" not in result.out
    assert "run `agentplatform demo --keep-running`: the sandbox then" in result.out
    assert sandbox_threads() <= before  # the tour's sandbox is stopped


def test_the_kafka_step_finds_a_spike_sent_through_a_broker(cli: Cli, with_kafka: None) -> None:
    before = sandbox_threads()
    result = cli("demo", "--plain", "--research-step-s", "0")
    assert result.code == 0, result.err
    assert "[10/10] Telemetry through Kafka\n" in result.out
    assert tour.KAFKA_STEP.why in result.out
    assert "    config = TelemetryConfig(kafka=KafkaConfig(" in result.out
    assert "\n300 records consumed from 127.0.0.1:" in result.out
    kafka_part = result.out.split("[10/10]", 1)[1]
    assert "critical latency_spike: latency_ms of gpt-4o-mini is" in kafka_part
    assert "All 10 steps ran.\n" in result.out
    assert "Skipped the Kafka step" not in result.out
    assert sandbox_threads() <= before  # both sandboxes and the consumer are stopped


def test_the_kafka_step_fails_when_the_platform_consumes_too_little(
    cli: Cli, with_kafka: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    from agentplatform_sandbox.kafka_ingest import KafkaIngest, KafkaIngestStats

    monkeypatch.setattr(KafkaIngest, "wait_for", lambda self, n, timeout: KafkaIngestStats())
    result = cli("demo", "--plain", "--research-step-s", "0")
    assert result.code == 1
    assert result.err.splitlines()[-1] == (
        "agentplatform: error: Step 10 (Telemetry through Kafka) failed: "
        "the platform consumed 0 of 300 records"
    )


def test_the_tour_as_rich_panels_on_a_terminal(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tour, "is_terminal", lambda: True)
    result = cli("demo", "--research-step-s", "0")
    assert result.code == 0, result.err
    assert "Step 3/9 · Entities and relations" in result.out
    assert "╭" in result.out
    assert "Agent Platform SDK: a guided tour" in result.out
    for fragment in STEP_OUTPUT:
        assert fragment in result.out


def test_the_tour_against_a_given_server(cli: Cli, sandbox: Any, monkeypatch: Any) -> None:
    monkeypatch.setenv("AGENTPLATFORM_API_KEY", sandbox.api_key)
    result = cli("demo", "--plain", "--base-url", sandbox.url)
    assert result.code == 0, result.err
    assert f"Server:  {sandbox.url} (the tour writes demo data there)" in result.out
    assert sandbox.state.entities()  # the data went to that server


def test_the_tour_against_a_profile(cli: Cli, sandbox: Any, config_file: Any) -> None:
    config_file.parent.mkdir(parents=True)
    config_file.write_text(
        f'[profiles.sb]\napi_key = "{sandbox.api_key}"\nbase_url = "{sandbox.url}"\n'
    )
    result = cli("demo", "--plain", "--profile", "sb")
    assert result.code == 0, result.err
    assert f"Server:  {sandbox.url} (the tour writes demo data there)" in result.out


def test_pause_waits_for_enter_before_each_step(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    prompts: list[str] = []

    def enter(prompt: str) -> str:
        prompts.append(prompt)
        if len(prompts) == 9:
            raise EOFError
        return ""

    monkeypatch.setattr("builtins.input", enter)
    result = cli("demo", "--plain", "--pause", "--research-step-s", "0")
    assert result.code == 0, result.err
    assert prompts[0] == "\nPress Enter for step 1 (Health) "
    assert len(prompts) == 9


def test_a_failing_step_stops_the_tour_with_exit_1(
    cli: Cli, sandbox: Any, monkeypatch: Any
) -> None:
    monkeypatch.setenv("AGENTPLATFORM_API_KEY", "sk_test_wrong")
    result = cli("demo", "--plain", "--base-url", sandbox.url)
    assert result.code == 1
    assert "[1/9] Health" in result.out  # health needs no key
    assert "[2/9] Ontology upload" in result.out
    assert "[3/9]" not in result.out
    assert result.err.startswith(
        "agentplatform: error: Step 2 (Ontology upload) failed: 401 Unauthorized"
    )
    assert len(result.err.splitlines()) == 1


def test_a_configuration_error_exits_2(cli: Cli) -> None:
    result = cli("demo", "--plain", "--base-url", "http://127.0.0.1:9")
    assert result.code == 2
    assert "No API key" in result.err


def test_a_missing_webhook_delivery_fails_the_step(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_delivery(self: Any, timeout: float = 10.0) -> Any:
        raise TimeoutError("no webhook delivery arrived within 0 s")

    monkeypatch.setattr(steps.WebhookReceiver, "next_delivery", no_delivery)
    result = cli("demo", "--plain", "--research-step-s", "0")
    assert result.code == 1
    assert result.err.splitlines()[-1] == (
        "agentplatform: error: Step 9 (Webhook delivery, verified) failed: "
        "no webhook delivery arrived within 0 s"
    )


def test_without_the_sandbox_extra(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(__import__("sys").modules, "agentplatform_sandbox", None)
    result = cli("demo", "--plain")
    assert result.code == 2
    assert "pip install 'agentplatform[sandbox]'" in result.err


def test_step_code_is_the_body_without_signature_or_docstring() -> None:
    code = tour.STEPS[0].code
    assert code.splitlines()[0] == "health = client.health()"
    assert "def " not in code
    assert '"""' not in code
    assert tour.STEPS[0].why.startswith("Is the service up?")


def one_liner(client: Any, tour: Any) -> None:
    print("no docstring")


def documented_one_liner(client: Any, tour: Any) -> None:
    """Only a docstring."""


def test_body_source_edge_cases() -> None:
    assert steps.body_source(one_liner) == 'print("no docstring")'
    assert steps.body_source(documented_one_liner) == '"""Only a docstring."""'
    assert steps.Step("x", one_liner).why == ""


def test_presenters_write_where_told() -> None:
    out = io.StringIO()
    PlainPresenter(out).intro("Title", ["line"])
    assert out.getvalue() == "Title\n=====\nline\n"
    console = Console(file=io.StringIO(), width=60)
    presenter = RichPresenter(console)
    presenter.step(1, 2, "A step", "Why it matters.", "x = 1")
    presenter.outro(["bye"])
    text = console.file.getvalue()  # type: ignore[attr-defined]
    assert "Step 1/2 · A step" in text
    assert "Why it matters." in text
    assert "bye" in text


def prefill(client: Any) -> None:
    """Another team's data: its own ontology (with a Person that has no name) and entities."""
    client.ontology.put_schema(
        entity_types=[
            {"id": "Product", "properties": {"sku": {"type": "string"}}, "required": ["sku"]},
            {"id": "Person", "properties": {"email": {"type": "string"}}},
            {"id": "Manager", "parent": "Person"},
        ],
        relation_types=[{"id": "MANAGES", "from_types": ["Manager"], "to_types": ["Person"]}],
    )
    client.entities.create(type="Product", properties={"sku": "X-1"}, embedding=[1.0, 0, 0])
    client.entities.create(type="Product", properties={"sku": "X-2"}, embedding=[1.0, 0.1])
    client.entities.create(type="Manager", properties={"email": "m@example.com"})


def test_the_tour_works_on_a_server_that_holds_other_data_twice_in_a_row(
    cli: Cli, sandbox: Any, monkeypatch: Any
) -> None:
    client = ap.Client(api_key=sandbox.api_key, base_url=sandbox.url)
    prefill(client)
    monkeypatch.setenv("AGENTPLATFORM_API_KEY", sandbox.api_key)
    for _ in range(2):
        result = cli("demo", "--plain", "--base-url", sandbox.url)
        assert result.code == 0, result.err
        assert "All 9 steps ran." in result.out
        assert "verified EntityDeletedEvent: Engineer ent_" in result.out
        assert " latency_spike: latency_ms of gpt-4o-mini is " in result.out
    schema = client.ontology.get_schema()
    kept = {"Product", "Person", "Manager", "Engineer", "Company"}
    assert {t.id for t in schema.entity_types} == kept  # the server's own types are kept
    assert {t.id for t in schema.relation_types} == {"MANAGES", "WORKS_AT"}
    client.close()
