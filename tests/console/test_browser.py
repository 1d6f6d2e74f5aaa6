"""The console in Chromium: the demo's data on each page, anomalies marked, live updates,
and nothing of another tenant. One browser run (the `browser_report` fixture) serves all."""

from __future__ import annotations

from typing import Any

from agentplatform_sandbox import DEFAULT_API_KEY, OTHER_API_KEY, OTHER_TENANT, Sandbox

from .conftest import SHOTS
from .seed import B_MARKER, B_TYPE, SPIKE_SERVICE

PAGES = ("overview", "graph", "events", "telemetry", "research", "webhooks", "requests")


def test_signing_in_sets_an_http_only_strict_cookie(browser_report: dict[str, Any]) -> None:
    login = browser_report["login"]
    assert login["redirected_to"] == "/console/login"
    assert login["cookie"] == {"httpOnly": True, "sameSite": "Strict", "path": "/console"}
    assert login["script_sees_cookie"] == ""
    assert login["code_first"] == {"status": 200, "path": "/console/"}
    assert login["code_second"]["status"] == 401
    assert not any(DEFAULT_API_KEY in url for url in login["urls"])


def test_every_page_shows_the_demo_data(browser_report: dict[str, Any]) -> None:
    pages = browser_report["pages"]
    assert browser_report["errors"] == []
    assert "tenant_default" in pages["overview"]["text"]
    assert "entities" in pages["overview"]["text"]
    assert "HTTP 503" in pages["requests"]["text"]  # the injected fault
    graph = pages["graph"]
    assert {"Ada", "Acme"} <= set(graph["nodes"])
    assert "Grace" not in graph["nodes"]  # the demo deletes her
    assert "WORKS_AT" in graph["edges"]
    assert "Engineer" in graph["text"] and "Person" in graph["text"]
    assert "language" in graph["details"] and "Python" in graph["details"]
    events = pages["events"]
    assert events["rows"] == 8
    assert events["rows_in_session"] == 4
    assert events["rows_in_session_of_type"] == 1
    assert "How do agents use graph memory?" in pages["research"]["text"]
    assert "succeeded" in pages["research"]["text"]
    webhooks = pages["webhooks"]["text"]
    assert "entity.deleted" in webhooks and "webhook-signature: v1," in webhooks
    assert "delivered" in webhooks
    requests = pages["requests"]["text"]
    assert "req_" in requests and "POST" in requests


def test_a_telemetry_spike_is_marked_on_the_chart_and_listed(
    browser_report: dict[str, Any],
) -> None:
    telemetry = browser_report["pages"]["telemetry"]
    latency_marks = telemetry["marked"]["latency_ms"]
    assert {"y": 4000, "service": SPIKE_SERVICE, "severity": "critical"} in latency_marks
    assert any(mark["service"] == "search-bot" for mark in latency_marks)  # the demo's spike
    assert f"{SPIKE_SERVICE} / gpt-4o" in telemetry["series"]
    listed = telemetry["text"]
    assert "latency_spike" in listed and "zscore" in listed and "critical" in listed
    assert "marked" in listed


def test_a_new_entity_appears_without_a_reload(browser_report: dict[str, Any]) -> None:
    live = browser_report["live"]
    assert live == {"appeared": True, "reloaded": False, "live_badge": "live"}


def test_no_page_shows_another_tenant_or_a_full_key(
    browser_report: dict[str, Any], seeded: Sandbox
) -> None:
    assert B_MARKER in str(seeded.state.entities(OTHER_TENANT))  # B's data is there
    seen = [page["html"] + page["text"] for page in browser_report["pages"].values()]
    seen += browser_report["api_from_page"].values()
    for text in seen:
        for forbidden in (B_MARKER, B_TYPE, OTHER_TENANT, DEFAULT_API_KEY, OTHER_API_KEY):
            assert forbidden not in text
    assert "••••0000" in browser_report["pages"]["overview"]["text"]


def test_screenshots_of_every_page(browser_report: dict[str, Any]) -> None:
    for name in (*PAGES, "login", "graph-live"):
        shot = SHOTS / f"{name}.png"
        assert shot.stat().st_size > 5000, shot
