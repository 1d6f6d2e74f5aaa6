"""`ap.Severity`, `ap.AnomalyType`, `ap.DetectionMethod` and `anomalies.list(min_severity=)`."""

from __future__ import annotations

import copy
import json
import pickle
from typing import Any

import agentplatform as ap
import pytest
from agentplatform_api.models.anomaly_type import ANOMALY_TYPE_VALUES
from agentplatform_api.models.detection_method import DETECTION_METHOD_VALUES
from agentplatform_api.models.severity import SEVERITY_VALUES
from pytest_httpserver import HTTPServer

from ._support import ANOMALY, collect, run


def test_the_enums_hold_exactly_the_values_of_the_spec() -> None:
    assert {m.value for m in ap.Severity} == SEVERITY_VALUES
    assert {m.value for m in ap.AnomalyType} == ANOMALY_TYPE_VALUES
    assert {m.value for m in ap.DetectionMethod} == DETECTION_METHOD_VALUES


def test_severity_is_ordered_and_compares_with_strings() -> None:
    assert ap.Severity("high") is ap.Severity.HIGH
    assert ap.Severity("HIGH") is ap.Severity.HIGH
    assert ap.Severity.LOW < ap.Severity.MEDIUM < ap.Severity.HIGH < ap.Severity.CRITICAL
    assert ap.Severity.HIGH >= "medium" and ap.Severity.HIGH <= "high"
    assert "medium" < ap.Severity.HIGH  # noqa: SIM300 - the reflected comparison
    assert not ap.Severity.HIGH > "critical"
    shuffled = [ap.Severity.CRITICAL, ap.Severity.LOW, ap.Severity.HIGH, ap.Severity.MEDIUM]
    assert [s.value for s in sorted(shuffled)] == ["low", "medium", "high", "critical"]
    assert max(shuffled) is ap.Severity.CRITICAL
    assert [s.rank for s in ap.Severity] == [0, 1, 2, 3]
    assert ap.Severity.HIGH == "high" and {"high": 1}[ap.Severity.HIGH] == 1
    with pytest.raises(TypeError):
        _ = ap.Severity.HIGH < 3  # type: ignore[operator]


def test_unknown_values_are_kept_not_raised() -> None:
    fatal = ap.Severity("fatal")
    assert isinstance(fatal, ap.Severity) and isinstance(fatal, str)
    assert fatal == "fatal" and str(fatal) == "fatal" and f"{fatal}" == "fatal"
    assert not fatal.known and fatal.rank is None and ap.Severity.LOW.known
    assert repr(fatal) == "Severity('fatal')"
    assert repr(ap.Severity.LOW) == "<Severity.LOW: 'low'>"
    assert list(ap.Severity) == [ap.Severity.LOW, ap.Severity.MEDIUM, ap.Severity.HIGH, "critical"]
    assert pickle.loads(pickle.dumps(fatal)) == fatal and copy.deepcopy(fatal) == "fatal"
    assert pickle.loads(pickle.dumps(ap.Severity.LOW)) is ap.Severity.LOW
    assert json.dumps([fatal, ap.Severity.HIGH]) == '["fatal", "high"]'
    assert ap.AnomalyType("queue_depth") == "queue_depth"
    assert ap.DetectionMethod("ks").value == "ks" and not ap.DetectionMethod("ks").known
    assert ap.DetectionMethod("zscore") is ap.DetectionMethod.ZSCORE


def test_an_unknown_severity_has_no_order() -> None:
    with pytest.raises(ap.InvalidParameterError, match="'fatal' is not a severity this SDK"):
        _ = ap.Severity.HIGH < ap.Severity("fatal")  # noqa: SIM300
    with pytest.raises(ap.InvalidParameterError):
        _ = ap.Severity("fatal") >= "low"


@pytest.mark.parametrize("value", ["", "  ", 3, None])
def test_anything_but_a_non_empty_string_is_refused(value: Any) -> None:
    with pytest.raises(ap.InvalidParameterError) as error:
        ap.Severity(value)
    assert isinstance(error.value, ValueError)


def _anomaly(ident: str, severity: str) -> dict[str, Any]:
    return {**ANOMALY, "id": ident, "severity": severity}


def _page(*items: dict[str, Any], cursor: str | None = None) -> dict[str, Any]:
    return {"data": list(items), "next_cursor": cursor, "has_more": cursor is not None}


async def test_min_severity_keeps_that_severity_and_worse_on_every_page(
    client: Any, server: HTTPServer
) -> None:
    pages = [
        ({}, _page(_anomaly("a1", "low"), _anomaly("a2", "critical"), cursor="c2")),
        ({"cursor": "c2"}, _page(_anomaly("a3", "medium"), _anomaly("a4", "fatal"), cursor="c3")),
        ({"cursor": "c3"}, _page(_anomaly("a5", "high"), _anomaly("a6", "low"))),
    ]
    for query, body in pages:  # the second page keeps nothing, yet the walk goes on
        server.expect_ordered_request(
            "/v1/anomalies", query_string={"limit": "20", **query}
        ).respond_with_json(body)
    found = await collect(client.anomalies.list(min_severity="high"))
    assert [(a.id, a.severity) for a in found] == [("a2", "critical"), ("a5", "high")]
    server.check_assertions()


async def test_min_severity_low_drops_only_unknown_severities(
    client: Any, server: HTTPServer
) -> None:
    server.expect_request("/v1/anomalies").respond_with_json(
        _page(_anomaly("a1", "low"), _anomaly("a2", "fatal"), _anomaly("a3", "medium"))
    )
    found = await collect(client.anomalies.list(min_severity=ap.Severity.LOW, max_items=5))
    assert [a.id for a in found] == ["a1", "a3"]


async def test_min_severity_critical_asks_the_api_for_critical(
    client: Any, server: HTTPServer
) -> None:
    server.expect_request(
        "/v1/anomalies", query_string={"limit": "20", "severity": "critical"}
    ).respond_with_json(_page(_anomaly("a1", "critical")))
    found = await collect(client.anomalies.list(min_severity="critical"))
    assert [a.id for a in found] == ["a1"]


async def test_the_raw_response_of_a_filtered_list_is_filtered_too(
    client: Any, server: HTTPServer
) -> None:
    server.expect_request("/v1/anomalies").respond_with_json(
        _page(_anomaly("a1", "low"), _anomaly("a2", "high"))
    )
    raw = await run(client.with_raw_response.anomalies.list(min_severity="medium"))
    assert raw.status_code == 200
    assert [a.id for a in raw.parsed.data] == ["a2"]


def test_min_severity_arguments_are_checked(client: Any) -> None:
    with pytest.raises(ap.InvalidParameterError, match="not both"):
        client.anomalies.list(severity="high", min_severity="low")
    with pytest.raises(ap.InvalidParameterError, match="min_severity: must be one of"):
        client.anomalies.list(min_severity="fatal")
