"""Check parsed response models against their declared types.

The generated `from_dict` methods trust their input: a string where a number belongs is
kept as is, and a union member that fails to parse is passed through raw. This module
walks a parsed model with checkers compiled once per class from its type hints, so a
body that breaks the spec raises `APIResponseValidationError` naming the field.
"""

from __future__ import annotations

import datetime
import sys
import types
import typing
from collections.abc import Callable
from typing import Any

import agentplatform_api.models
import attrs
from agentplatform_api.types import Unset

from .errors import APIResponseValidationError

# A checker returns None when the value fits, else the dotted path and what was expected.
Checker = Callable[[Any, str], tuple[str, str] | None]

_cache: dict[Any, Checker] = {}


def validate(value: Any, path: str = "") -> None:
    """Raise `APIResponseValidationError` unless `value` fits the model it claims to be."""
    checker = checker_for(type(value))
    problem = checker(value, path)
    if problem is not None:
        where, expected = problem
        raise APIResponseValidationError(
            f"The response does not match the API spec: field {where!r} should be {expected}.",
            field=where,
        )


def checker_for(hint: Any) -> Checker:
    """The compiled checker for a type hint or attrs class (cached)."""
    try:
        return _cache[hint]
    except KeyError:
        pass
    except TypeError:  # unhashable hint
        return _compile(hint)
    # Store a forwarder first so recursive models terminate.
    slot: list[Checker] = []

    def forward(value: Any, path: str) -> tuple[str, str] | None:
        return slot[0](value, path)

    _cache[hint] = forward
    compiled = _compile(hint)
    slot.append(compiled)
    _cache[hint] = compiled
    return compiled


def _compile(hint: Any) -> Checker:
    if hint is Any or hint is object:
        return _accept
    if isinstance(hint, type) and attrs.has(hint):
        return _model_checker(hint)
    origin = typing.get_origin(hint)
    if origin is typing.Literal:
        return _literal_checker(frozenset(typing.get_args(hint)))
    if origin is typing.Union or origin is types.UnionType:
        return _union_checker(tuple(checker_for(arg) for arg in typing.get_args(hint)))
    if origin is list:
        (item,) = typing.get_args(hint) or (Any,)
        return _list_checker(checker_for(item))
    if origin is dict:
        return _instance_checker(dict, "an object")
    if hint is float:
        return _number_checker
    if hint is int:
        return _int_checker
    if hint is bool:
        return _instance_checker(bool, "a boolean")
    if hint is str:
        return _instance_checker(str, "a string")
    if hint is type(None):
        return _none_checker
    if hint is Unset:
        return _instance_checker(Unset, "absent")
    if hint is datetime.datetime:
        return _instance_checker(datetime.datetime, "a date-time")
    if hint is datetime.date:
        return _instance_checker(datetime.date, "a date")
    if isinstance(hint, type):
        return _instance_checker(hint, hint.__name__)
    return _accept


def _accept(value: Any, path: str) -> None:
    return None


def _none_checker(value: Any, path: str) -> tuple[str, str] | None:
    return None if value is None else (path, "null")


def _number_checker(value: Any, path: str) -> tuple[str, str] | None:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return None
    return (path, "a number")


def _int_checker(value: Any, path: str) -> tuple[str, str] | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return None
    return (path, "an integer")


def _instance_checker(cls: type, expected: str) -> Checker:
    def check(value: Any, path: str) -> tuple[str, str] | None:
        return None if isinstance(value, cls) else (path, expected)

    return check


def _literal_checker(allowed: frozenset[Any]) -> Checker:
    expected = "one of " + ", ".join(sorted(repr(a) for a in allowed))

    def check(value: Any, path: str) -> tuple[str, str] | None:
        return None if isinstance(value, str) and value in allowed else (path, expected)

    return check


def _union_checker(members: tuple[Checker, ...]) -> Checker:
    def check(value: Any, path: str) -> tuple[str, str] | None:
        first: tuple[str, str] | None = None
        for member in members:
            problem = member(value, path)
            if problem is None:
                return None
            # Prefer the deepest explanation (a member that matched partway).
            if first is None or len(problem[0]) > len(first[0]):
                first = problem
        return first

    return check


def _list_checker(item: Checker) -> Checker:
    def check(value: Any, path: str) -> tuple[str, str] | None:
        if not isinstance(value, list):
            return (path, "an array")
        for index, element in enumerate(value):
            problem = item(element, f"{path}[{index}]")
            if problem is not None:
                return problem
        return None

    return check


def _model_checker(cls: type) -> Checker:
    # Generated modules import related models only under TYPE_CHECKING.
    namespace = {**vars(agentplatform_api.models), **vars(sys.modules[cls.__module__])}
    hints = typing.get_type_hints(cls, globalns=namespace)
    fields = [
        (field.name, checker_for(hints[field.name]))
        for field in attrs.fields(cls)
        if field.name != "additional_properties" and field.name in hints
    ]
    expected = f"an object ({cls.__name__})"

    def check(value: Any, path: str) -> tuple[str, str] | None:
        if not isinstance(value, cls):
            return (path, expected)
        for name, field_checker in fields:
            problem = field_checker(getattr(value, name), f"{path}.{name}" if path else name)
            if problem is not None:
                return problem
        return None

    return check
