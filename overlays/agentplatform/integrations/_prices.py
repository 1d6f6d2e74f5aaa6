"""Cost in US dollars from token usage: a price table shipped as package data.

The table (`prices.json`, list prices per 1M tokens with the date they were taken) can be
extended or overridden per `instrument(prices=...)`. A model the table does not know
gets no cost at all, never a guess: only an exact name, or the name without a trailing
release date (`gpt-4o-mini-2024-07-18`, `claude-haiku-4-5-20251001`), matches.
"""

from __future__ import annotations

import functools
import json
import math
import re
from collections.abc import Mapping
from importlib import resources
from typing import Any

import attrs

from ..errors import InvalidParameterError

_DATE_SUFFIX = re.compile(r"-(?:\d{4}-\d{2}-\d{2}|\d{8})$")
_PER_TOKENS = 1_000_000


def _price(name: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise InvalidParameterError(name, f"expected a finite number >= 0, got {value!r}.")
    if value < 0:
        raise InvalidParameterError(name, f"must be >= 0, got {value!r}.")
    return float(value)


@attrs.frozen
class ModelPrice:
    """US dollars per 1M tokens of one model.

    Attributes:
        input: uncached input (prompt) tokens.
        output: output (completion) tokens, reasoning tokens included.
        cached_input: input tokens read from the prompt cache (default: `input`).
        cache_write: input tokens written to the prompt cache (default: `input`).
    """

    input: float
    output: float
    cached_input: float | None = None
    cache_write: float | None = None

    @classmethod
    def of(cls, model: str, value: object) -> ModelPrice:
        """A `ModelPrice` from itself, an `(input, output)` pair or a mapping of its fields."""
        if isinstance(value, ModelPrice):
            return value
        where = f"prices[{model!r}]"
        if isinstance(value, tuple) and len(value) == 2:
            return cls(_price(f"{where}.input", value[0]), _price(f"{where}.output", value[1]))
        if isinstance(value, Mapping):
            unknown = set(value) - {"input", "output", "cached_input", "cache_write"}
            if unknown or "input" not in value or "output" not in value:
                raise InvalidParameterError(
                    where,
                    "expected keys input and output (optionally cached_input, cache_write).",
                )
            optional = {
                key: _price(f"{where}.{key}", value[key])
                for key in ("cached_input", "cache_write")
                if value.get(key) is not None
            }
            return cls(
                _price(f"{where}.input", value["input"]),
                _price(f"{where}.output", value["output"]),
                **optional,
            )
        raise InvalidParameterError(
            where, f"expected a ModelPrice, an (input, output) pair or a mapping, got {value!r}."
        )


@attrs.frozen
class Usage:
    """Token counts of one call, as the API reported them.

    Attributes:
        input_tokens: input tokens neither read from nor written to the prompt cache.
        output_tokens: output tokens.
        cached_input_tokens: input tokens read from the prompt cache.
        cache_write_tokens: input tokens written to the prompt cache.
    """

    input_tokens: int
    output_tokens: int
    cached_input_tokens: int = 0
    cache_write_tokens: int = 0

    @property
    def prompt_tokens(self) -> int:
        """Every input token, cached or not."""
        return self.input_tokens + self.cached_input_tokens + self.cache_write_tokens


@attrs.frozen
class PriceTable:
    """Prices per model, and the date they were taken (`taken`, ISO 8601)."""

    models: Mapping[str, ModelPrice]
    taken: str

    def price(self, model: str) -> ModelPrice | None:
        """The price of `model` (exact name, else without a release date), or None."""
        found = self.models.get(model)
        if found is None:
            found = self.models.get(_DATE_SUFFIX.sub("", model))
        return found

    def cost(self, model: str, usage: Usage) -> float | None:
        """The cost of `usage` on `model` in US dollars, or None when the model is unknown."""
        price = self.price(model)
        if price is None:
            return None
        cached = price.input if price.cached_input is None else price.cached_input
        write = price.input if price.cache_write is None else price.cache_write
        dollars = (
            usage.input_tokens * price.input
            + usage.cached_input_tokens * cached
            + usage.cache_write_tokens * write
            + usage.output_tokens * price.output
        )
        return dollars / _PER_TOKENS

    def with_prices(self, prices: Mapping[str, object]) -> PriceTable:
        """A copy with `prices` (model -> `ModelPrice`, pair or mapping) added or replaced."""
        if not isinstance(prices, Mapping):
            raise InvalidParameterError(
                "prices", f"expected a mapping of model to price, got {type(prices).__name__}."
            )
        merged = dict(self.models)
        for model, value in prices.items():
            if not isinstance(model, str) or not model:
                raise InvalidParameterError("prices", f"model names are strings, got {model!r}.")
            merged[model] = ModelPrice.of(model, value)
        return PriceTable(merged, self.taken)


@functools.cache
def default_prices() -> PriceTable:
    """The shipped price table (see `PriceTable.taken` for its date)."""
    raw: dict[str, Any] = json.loads(
        resources.files("agentplatform.integrations")
        .joinpath("prices.json")
        .read_text(encoding="utf-8")
    )
    models = {name: ModelPrice.of(name, value) for name, value in raw["models"].items()}
    return PriceTable(models, str(raw["taken"]))


def resolve_prices(prices: PriceTable | Mapping[str, object] | None) -> PriceTable:
    """The table an `instrument(prices=...)` call uses."""
    if prices is None:
        return default_prices()
    if isinstance(prices, PriceTable):
        return prices
    return default_prices().with_prices(prices)
