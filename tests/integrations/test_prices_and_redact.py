"""The shipped price table, price overrides, and the built-in redactor."""

from __future__ import annotations

import datetime
import math

import pytest
from agentplatform.errors import InvalidParameterError
from agentplatform.integrations import (
    ModelPrice,
    PriceTable,
    Usage,
    default_prices,
    luhn_valid,
    redact_pii,
)
from agentplatform.integrations._prices import resolve_prices


def test_the_shipped_table_is_dated_and_covers_both_vendors() -> None:
    table = default_prices()
    taken = datetime.date.fromisoformat(table.taken)
    assert datetime.date(2026, 1, 1) <= taken <= datetime.date.today()
    assert sum(m.startswith(("gpt-", "o")) for m in table.models) >= 5
    assert sum(m.startswith("claude-") for m in table.models) >= 5
    assert all(p.input > 0 and p.output >= p.input for p in table.models.values())


def test_dated_model_names_match_and_unknown_models_have_no_cost() -> None:
    table = default_prices()
    usage = Usage(input_tokens=1_000_000, output_tokens=0)
    assert table.cost("gpt-4o-mini-2024-07-18", usage) == pytest.approx(0.15)
    assert table.cost("claude-haiku-4-5-20251001", usage) == pytest.approx(1.0)
    assert table.cost("gpt-4o-audio-preview", usage) is None  # a prefix is never a match
    assert table.cost("my-finetune", usage) is None


def test_cached_and_cache_write_tokens_have_their_prices() -> None:
    table = default_prices()
    usage = Usage(
        input_tokens=1_000_000,
        output_tokens=1_000_000,
        cached_input_tokens=1_000_000,
        cache_write_tokens=1_000_000,
    )
    assert usage.prompt_tokens == 3_000_000
    assert table.cost("claude-sonnet-4-6", usage) == pytest.approx(3.0 + 15.0 + 0.3 + 3.75)
    plain = PriceTable({"m": ModelPrice(1.0, 2.0)}, "2026-01-01")
    assert plain.cost("m", usage) == pytest.approx(1.0 * 3 + 2.0)


def test_overrides_add_and_replace_prices() -> None:
    table = resolve_prices(
        {
            "my-finetune": (1.0, 4.0),
            "gpt-4o": {"input": 9.0, "output": 9.0, "cached_input": 1.0},
            "x": ModelPrice(0.5, 0.5),
        }
    )
    usage = Usage(input_tokens=500_000, output_tokens=500_000)
    assert table.cost("my-finetune", usage) == pytest.approx(2.5)
    assert table.price("gpt-4o") == ModelPrice(9.0, 9.0, cached_input=1.0)
    assert table.price("gpt-4o-mini") == default_prices().price("gpt-4o-mini")
    assert resolve_prices(None) is default_prices()
    assert resolve_prices(table) is table


@pytest.mark.parametrize(
    ("prices", "match"),
    [
        ([("m", 1)], "mapping"),
        ({"": (1.0, 1.0)}, "model names"),
        ({"m": (1.0, math.inf)}, "finite"),
        ({"m": (True, 1.0)}, "finite"),
        ({"m": {"input": 1.0}}, "keys"),
        ({"m": {"input": 1.0, "output": 1.0, "extra": 1}}, "keys"),
        ({"m": "cheap"}, "ModelPrice"),
    ],
)
def test_bad_prices_name_the_model(prices: object, match: str) -> None:
    with pytest.raises(InvalidParameterError, match=match):
        resolve_prices(prices)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("write to ann.lee+ai@mail.example.co.uk today", "write to [EMAIL] today"),
        ("card 4111 1111 1111 1111 and 4012-8888-8888-1881", "card [CARD] and [CARD]"),
        ("order 4111 1111 1111 1112 is not a card", "order 4111 1111 1111 1112 is not a card"),
        ("call +44 20 7946 0958 or (415) 555-0199", "call [PHONE] or [PHONE]"),
        ("key sk-proj-Abc123def456ghi789jkl", "key [API_KEY]"),
        ("aws AKIAIOSFODNN7EXAMPLE", "aws [API_KEY]"),
        ("Authorization: Bearer abc.def-ghijklmnopqrstu", "Authorization: Bearer [API_KEY]"),
        ("password = 'hunter2hunter2'", "password = [API_KEY]"),
        ("token xoxb-1234567890-abcdef", "token [API_KEY]"),
        ("AbCdEfGhIjKlMnOpQrStUvWxYz0123456789", "[API_KEY]"),
        (
            "trace 4bf92f3577b34da6a3ce929d0e0e4736 on 2026-06-01, v1.2.3, 12345 items",
            "trace 4bf92f3577b34da6a3ce929d0e0e4736 on 2026-06-01, v1.2.3, 12345 items",
        ),
    ],
)
def test_redact_pii(text: str, expected: str) -> None:
    assert redact_pii(text) == expected


def test_luhn() -> None:
    assert luhn_valid("79927398713")
    assert not luhn_valid("79927398710")
