"""Check parsed response models against their declared types.

The generated `from_dict` methods trust their input: a string where a number belongs is
kept as is, and a union member that fails to parse is passed through raw. This module
walks a parsed model with checkers compiled once per class from its type hints, so a
body that breaks the spec raises `APIResponseValidationError` naming the field.
"""

from __future__ import annotations

import datetime
import re
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


class _ModelNames(dict[str, Any]):
    """A model module's names, then the generated models (each imported when named)."""

    def __missing__(self, name: str) -> Any:
        if name not in agentplatform_api.models.__all__:
            raise KeyError(name)
        return getattr(agentplatform_api.models, name)


def _type_hints(cls: type) -> dict[str, Any]:
    # Generated modules import related models only under TYPE_CHECKING, and the models
    # package imports a model on first use, so its names resolve through `_ModelNames`.
    names = vars(sys.modules[cls.__module__])
    return typing.get_type_hints(cls, globalns=names, localns=_ModelNames(names))


def _model_checker(cls: type) -> Checker:
    hints = _type_hints(cls)
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


# --- Checking raw JSON bodies before the generated `from_dict` sees them. ------------------
#
# `from_dict` quietly reshapes some wrong bodies (an object where a list belongs becomes the
# list of its keys, a string becomes the list of its characters), and it fails on others
# without saying where. These checkers walk the decoded JSON with the model's type hints,
# so every mismatch is reported with the dotted path of the field.

_json_cache: dict[Any, Checker] = {}


def check_json(model: type, body: Any) -> None:
    """Raise `APIResponseValidationError` naming the field unless `body` fits `model`."""
    problem = json_checker_for(model)(body, "")
    if problem is not None:
        where, predicate = problem
        if where:
            message = f"The response does not match the API spec: field {where!r} {predicate}."
        else:
            message = f"The response does not match the API spec: the body {predicate}."
        raise APIResponseValidationError(message, field=where or None)


def json_checker_for(hint: Any) -> Checker:
    """The compiled raw-JSON checker for a type hint or attrs class (cached)."""
    try:
        return _json_cache[hint]
    except KeyError:
        pass
    except TypeError:  # unhashable hint
        return _compile_json(hint)
    slot: list[Checker] = []

    def forward(value: Any, path: str) -> tuple[str, str] | None:
        return slot[0](value, path)

    _json_cache[hint] = forward
    compiled = _compile_json(hint)
    slot.append(compiled)
    _json_cache[hint] = compiled
    return compiled


def _should_be(check: Checker) -> Checker:
    def wrapped(value: Any, path: str) -> tuple[str, str] | None:
        problem = check(value, path)
        return None if problem is None else (problem[0], f"should be {problem[1]}")

    return wrapped


def _compile_json(hint: Any) -> Checker:
    if isinstance(hint, type) and attrs.has(hint):
        return _json_model_checker(hint)
    origin = typing.get_origin(hint)
    if origin is typing.Union or origin is types.UnionType:
        members = tuple(arg for arg in typing.get_args(hint) if arg is not Unset)
        if len(members) == 1:
            return json_checker_for(members[0])
        return _union_checker(tuple(json_checker_for(arg) for arg in members))
    if origin is list:
        (item,) = typing.get_args(hint) or (Any,)
        return _json_list_checker(json_checker_for(item), _JSON_SCALAR_TYPES.get(item))
    if hint is datetime.datetime:
        return _json_iso_checker(_date_time, "a date-time")
    if hint is datetime.date:
        return _json_iso_checker(datetime.date.fromisoformat, "a date")
    return _should_be(checker_for(hint))


# RFC 3339 `date-time` (the spec's format): date, time and offset. `fromisoformat` alone
# also takes a bare date or a time without offset, and gives a naive datetime for them.
_DATE_TIME = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]+)?(?:Z|[+-][0-9]{2}:[0-9]{2})"
)


def _date_time(text: str) -> datetime.datetime:
    if not _DATE_TIME.fullmatch(text):
        raise ValueError(f"not an RFC 3339 date-time: {text!r}")
    return datetime.datetime.fromisoformat(text)


def _json_iso_checker(parse: Callable[[str], Any], expected: str) -> Checker:
    def check(value: Any, path: str) -> tuple[str, str] | None:
        if isinstance(value, str):
            try:
                parse(value)
            except ValueError:
                pass
            else:
                return None
        return (path, f"should be {expected}")

    return check


# The exact types `json.loads` gives for a scalar hint (bool is not a number here).
_JSON_SCALAR_TYPES: dict[Any, frozenset[type]] = {
    float: frozenset({float, int}),
    int: frozenset({int}),
    str: frozenset({str}),
    bool: frozenset({bool}),
}


def _json_list_checker(item: Checker, exact: frozenset[type] | None = None) -> Checker:
    # Checkers are pure, so an element's path is only built once it has failed; a list
    # of scalars (an embedding) is checked by exact type first.
    def check(value: Any, path: str) -> tuple[str, str] | None:
        if not isinstance(value, list):
            return (path, "should be an array")
        for index, element in enumerate(value):
            if exact is not None and type(element) in exact:
                continue
            if item(element, path) is not None:
                return item(element, f"{path}[{index}]")
        return None

    return check


def _json_model_checker(cls: type) -> Checker:
    hints = _type_hints(cls)
    fields: list[tuple[str, Checker, bool]] = []
    extra: Checker | None = None
    for field in attrs.fields(cls):
        hint = hints.get(field.name, Any)
        if field.name == "additional_properties":
            value_hint = (typing.get_args(hint) or (str, Any))[1]
            if value_hint is not Any:
                extra = json_checker_for(value_hint)
            continue
        key = field.name[:-1] if field.name.endswith("_") else field.name
        required = Unset not in typing.get_args(hint)
        fields.append((key, json_checker_for(hint), required))
    known = frozenset(key for key, _, _ in fields)
    expected = f"should be an object ({cls.__name__})"

    def check(value: Any, path: str) -> tuple[str, str] | None:
        if not isinstance(value, dict):
            return (path, expected)
        # A field's path is only built once it has failed (checkers are pure).
        for key, field_checker, required in fields:
            if key in value:
                if field_checker(value[key], path) is not None:
                    return field_checker(value[key], f"{path}.{key}" if path else key)
            elif required:
                return (f"{path}.{key}" if path else key, "is required but missing")
        if extra is not None:
            for key, item in value.items():
                if key not in known and extra(item, path) is not None:
                    return extra(item, f"{path}.{key}" if path else key)
        return None

    return check
