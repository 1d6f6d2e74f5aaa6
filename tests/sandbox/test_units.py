"""Small pieces tested directly: time, vectors, cursors, ontology edge cases, detector."""

from __future__ import annotations

import datetime as dt

import pytest
from agentplatform_sandbox.anomaly_detector import quality_severity, z_severity, zscore
from agentplatform_sandbox.clock import ManualClock, SystemClock
from agentplatform_sandbox.ontology import Ontology
from agentplatform_sandbox.pagination import decode_cursor, encode_cursor
from agentplatform_sandbox.problems import ApiError
from agentplatform_sandbox.ratelimit import RateLimiter
from agentplatform_sandbox.signing import sign
from agentplatform_sandbox.spec import spec_text
from agentplatform_sandbox.stats import RollingStats
from agentplatform_sandbox.timeutil import instant_us, iso, parse_datetime
from agentplatform_sandbox.vectors import as_floats, cosine
from agentplatform_sandbox.worker import is_loopback_url


def test_clocks() -> None:
    clock = ManualClock(start=10)
    clock.advance(5)
    assert clock.now() == 15
    clock.set(1)
    assert clock.now() == 1
    assert SystemClock().now() > 1_700_000_000


def test_time_parsing_and_ordering() -> None:
    assert iso(0) == "1970-01-01T00:00:00.000Z"
    assert iso(1e20) == "9999-12-31T23:59:59.000Z"
    leap = parse_datetime("2016-12-31T23:59:60Z")
    assert leap == dt.datetime(2016, 12, 31, 23, 59, 59, tzinfo=dt.UTC)
    assert parse_datetime("2026-01-01t00:00:00.123456789z") is not None
    for bad in ("2026-01-01", "2026-02-30T00:00:00Z", "2026-01-01T00:00:00+24:00", "x"):
        assert parse_datetime(bad) is None
    early = parse_datetime("0001-01-01T00:00:00+14:00")
    late = parse_datetime("0001-01-01T00:00:00-14:00")
    assert early is not None and late is not None
    assert instant_us(early) < instant_us(late)


def test_vectors() -> None:
    assert as_floats([1, 2.5]) == [1.0, 2.5]
    assert as_floats([True]) is None
    assert as_floats(["1"]) is None
    assert as_floats([10**400]) is None
    assert cosine([1, 0], [0, 1]) == 0.0
    assert cosine([1, 0], [1]) is None
    assert cosine([1e-300, 0], [1e300, 0]) == 1.0


def test_cursor_round_trip_and_rejections() -> None:
    assert decode_cursor(encode_cursor((3, "a"))) == (3, "a")
    for bad in ("%%%", encode_cursor((True,)), "e30"):
        with pytest.raises(ApiError):
            decode_cursor(bad)


def test_ontology_edge_cases() -> None:
    ontology = Ontology(
        entity_types={
            "T": {
                "id": "T",
                "properties": {
                    "n": {"type": "number"},
                    "b": {"type": "boolean"},
                    "l": {"type": "array"},
                    "o": {"type": "object"},
                    "i": {"type": "integer"},
                },
            }
        }
    )
    assert ontology.check_entity("T", {"n": 1, "b": True, "l": [], "o": {}, "i": 2.0}) == []
    errors = ontology.check_entity("T", {"n": True, "b": 1, "l": {}, "o": [], "i": 1.5})
    assert [e.field for e in errors] == [f"properties.{k}" for k in "nbloi"]
    assert ontology.is_a("Unknown", "Unknown")
    assert Ontology().check_relation("R", "A", "B") == []


def test_detector_helpers() -> None:
    seven, eight = RollingStats(), RollingStats()
    for _ in range(7):
        seven.add(1.0)
    for _ in range(8):
        eight.add(100.0)
    assert zscore(seven, 100.0) is None
    assert zscore(eight, 100.0) == (0.0, 100.0)
    assert zscore(eight, 110.0) == (2.0, 100.0)
    assert [z_severity(z) for z in (3.5, -5, 7, 11)] == ["low", "medium", "high", "critical"]
    assert [quality_severity(s) for s in (0.85, 0.92, 0.99)] == ["medium", "high", "critical"]


def test_signature_matches_the_standard_webhooks_example() -> None:
    # The example of the Standard Webhooks specification.
    secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    body = b'{"test": 2432232314}'
    assert sign(secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body) == (
        "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
    )


def test_loopback_detection() -> None:
    assert is_loopback_url("http://127.0.0.5:1/x")
    assert is_loopback_url("http://[::1]:80/")
    assert is_loopback_url("http://api.localhost/")
    assert not is_loopback_url("http://10.0.0.1/")
    assert not is_loopback_url("http://example.com/")
    assert not is_loopback_url("http://[bad/")


def test_spec_text_is_the_repository_file() -> None:
    assert spec_text().startswith("openapi: 3.1.0")


def test_rate_limiter_refills_over_time() -> None:
    now = [0.0]
    limiter = RateLimiter(60, now=lambda: now[0])
    assert all(limiter.acquire("k") is None for _ in range(60))
    assert limiter.acquire("k") == 1
    now[0] += 1.0
    assert limiter.acquire("k") is None
    assert limiter.acquire("other") is None


def test_rolling_stats_match_a_direct_computation() -> None:
    stats = RollingStats(size=4)
    for value in (1.0, 2.0, 3.0, 4.0, 10.0, 20.0):
        stats.add(value)
    window = [3.0, 4.0, 10.0, 20.0]
    mean = sum(window) / 4
    assert list(stats.values) == window
    assert stats.mean == pytest.approx(mean)
    assert stats.std == pytest.approx((sum((x - mean) ** 2 for x in window) / 4) ** 0.5)
    assert RollingStats().std == 0.0
