"""Checks on caller arguments, so bad input fails before any network call."""

from __future__ import annotations

import datetime
import json
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, TypeVar

from ._validation import checker_for, json_checker_for
from .errors import InvalidParameterError

# RFC 9110 token characters.
_HEADER_NAME = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")


def text(name: str, value: object, *, max_length: int | None = None) -> str:
    """A required non-empty string."""
    if not isinstance(value, str):
        raise InvalidParameterError(name, f"expected a string, got {type(value).__name__}.")
    if not value.strip():
        raise InvalidParameterError(name, "must not be empty.")
    if max_length is not None and len(value) > max_length:
        raise InvalidParameterError(name, f"must be at most {max_length} characters.")
    return value


def identifier(name: str, value: object) -> str:
    """A required id used in a URL path: non-empty, no slashes, whitespace or dot segments."""
    ident = text(name, value)
    if "/" in ident or ident in (".", "..") or any(c.isspace() for c in ident):
        raise InvalidParameterError(name, f"{ident!r} is not a valid id.")
    return ident


def integer(
    name: str, value: object, *, minimum: int | None = None, maximum: int | None = None
) -> int:
    """A whole number within bounds."""
    if not isinstance(value, int) or isinstance(value, bool):
        raise InvalidParameterError(name, f"expected an integer, got {type(value).__name__}.")
    if minimum is not None and value < minimum:
        raise InvalidParameterError(name, f"must be >= {minimum}, got {value}.")
    if maximum is not None and value > maximum:
        raise InvalidParameterError(name, f"must be <= {maximum}, got {value}.")
    return value


def number(name: str, value: object, *, minimum: float | None = None) -> float:
    """A finite real number, at least `minimum`."""
    if not isinstance(value, (int, float)) or isinstance(value, bool) or not math.isfinite(value):
        raise InvalidParameterError(name, f"expected a finite number, got {value!r}.")
    if minimum is not None and value < minimum:
        raise InvalidParameterError(name, f"must be >= {minimum}, got {value}.")
    return float(value)


def boolean(name: str, value: object) -> bool:
    """A bool (not a truthy stand-in)."""
    if not isinstance(value, bool):
        raise InvalidParameterError(name, f"expected True or False, got {value!r}.")
    return value


def mapping(name: str, value: object) -> dict[str, Any]:
    """A JSON object with string keys whose values JSON can carry (no NaN, no sets)."""
    if not isinstance(value, Mapping):
        raise InvalidParameterError(name, f"expected a mapping, got {type(value).__name__}.")
    for key in value:
        if not isinstance(key, str):
            raise InvalidParameterError(name, f"keys must be strings, got {key!r}.")
    result = dict(value)
    json_value(name, result)
    return result


def json_value(name: str, value: object) -> None:
    """Refuse a value JSON cannot carry: NaN or infinity, or an object JSON has no form for."""
    try:
        json.dumps(value, allow_nan=False)
    except (TypeError, ValueError, RecursionError) as exc:
        raise InvalidParameterError(name, f"must be JSON-serialisable: {exc}.") from None


def headers(name: str, value: object, *, protected: frozenset[str]) -> dict[str, str]:
    """HTTP headers: token names, ASCII values without line breaks, none of `protected`."""
    if not isinstance(value, Mapping):
        raise InvalidParameterError(name, f"must be a mapping, got {type(value).__name__}.")
    result: dict[str, str] = {}
    for key, item in value.items():
        if not isinstance(key, str) or not _HEADER_NAME.fullmatch(key):
            raise InvalidParameterError(name, f"{key!r} is not a valid header name.")
        if key.lower() in protected:
            raise InvalidParameterError(name, f"may not set {key!r}; configure it on the client.")
        if not isinstance(item, str) or not item.isascii() or any(c in item for c in "\r\n\0"):
            raise InvalidParameterError(
                name, f"the value of {key!r} must be an ASCII string without line breaks."
            )
        result[key] = item
    return result


def strings(name: str, value: object, *, non_empty: bool = False) -> list[str]:
    """A list of non-empty strings (a lone string is refused, not split into letters)."""
    if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
        raise InvalidParameterError(name, "expected a list of strings.")
    items = list(value)
    for index, item in enumerate(items):
        text(f"{name}[{index}]", item)
    if non_empty and not items:
        raise InvalidParameterError(name, "must not be empty.")
    return items


def choices(name: str, value: object, allowed: Sequence[str]) -> str:
    """One of a fixed set of strings."""
    if value not in allowed:
        raise InvalidParameterError(name, f"must be one of {', '.join(allowed)}; got {value!r}.")
    return str(value)


def vector(name: str, value: object) -> list[float]:
    """A non-empty list of finite numbers (an embedding)."""
    if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
        raise InvalidParameterError(name, "expected a list of numbers.")
    items = list(value)
    if not items:
        raise InvalidParameterError(name, "must not be empty.")
    for index, item in enumerate(items):
        number(f"{name}[{index}]", item)
    return [float(x) for x in items]


ModelT = TypeVar("ModelT")


def model(name: str, cls: type[ModelT], value: object) -> ModelT:
    """A generated model instance, from the instance itself or from a plain mapping.

    Either way every field is checked against the model's types (the generated
    `from_dict` keeps a string where a list belongs), so the error names the field.
    """
    if isinstance(value, cls):
        problem = checker_for(cls)(value, name)
        if problem is not None:
            raise InvalidParameterError(name, f"field {problem[0]!r} should be {problem[1]}.")
        json_value(name, value.to_dict())  # type: ignore[attr-defined]
        return value
    if not isinstance(value, Mapping):
        raise InvalidParameterError(
            name, f"expected a {cls.__name__} or a mapping, got {type(value).__name__}."
        )
    data = dict(value)
    problem = json_checker_for(cls)(data, name)
    if problem is not None:
        raise InvalidParameterError(name, f"field {problem[0]!r} {problem[1]}.")
    json_value(name, data)
    try:
        return cls.from_dict(data)  # type: ignore[attr-defined, no-any-return]
    except (KeyError, TypeError, ValueError, AttributeError) as exc:  # pragma: no cover
        # Defensive: the check above refuses what `from_dict` cannot parse.
        raise InvalidParameterError(name, f"not a valid {cls.__name__}: {exc}") from None


def models(name: str, cls: type[ModelT], value: object) -> list[ModelT]:
    """A list of generated model instances (or mappings)."""
    if isinstance(value, (str, bytes, Mapping)) or not isinstance(value, Iterable):
        raise InvalidParameterError(name, f"expected a list of {cls.__name__}.")
    return [model(f"{name}[{i}]", cls, item) for i, item in enumerate(value)]


def instant(name: str, value: object) -> datetime.datetime:
    """A timezone-aware datetime (a naive one is ambiguous and refused)."""
    if not isinstance(value, datetime.datetime):
        raise InvalidParameterError(name, f"expected a datetime, got {type(value).__name__}.")
    if value.tzinfo is None:
        raise InvalidParameterError(name, "must be timezone-aware, e.g. datetime.now(UTC).")
    return value
