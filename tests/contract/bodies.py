"""Hypothesis strategies for JSON bodies valid for a response schema, and their mutations.

hypothesis-jsonschema 0.23.1 (its latest release) fails on every object schema with the
installed Hypothesis (`'many' object has no attribute 'more'`), so this module generates
bodies for the JSON Schema keywords the spec's responses use, and refuses any other
keyword. It is not the judge: jsonschema (an independent validator) decides whether a
body is valid, and the tests assert that each generated body is.

Mutations make a valid body invalid in one place: drop a required field, give a field a
JSON type its schema does not allow, null a field that may not be null, or put a string
that is no RFC 3339 date-time where one belongs.
"""

from __future__ import annotations

import datetime
from typing import Any

from hypothesis import strategies as st

_SUPPORTED = frozenset(
    {
        "type",
        "properties",
        "required",
        "additionalProperties",
        "items",
        "minItems",
        "maxItems",
        "maxProperties",
        "minLength",
        "maxLength",
        "minimum",
        "maximum",
        "enum",
        "const",
        "format",
        "anyOf",
        "oneOf",
        "default",
    }
)
_MAX_ITEMS = 4
_NAMES = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12)
_SCALARS: st.SearchStrategy[Any] = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**53), 2**53),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=20),
)
# Any JSON value: what `additionalProperties: true` allows.
ANY_JSON: st.SearchStrategy[Any] = st.recursive(
    _SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_NAMES, inner, max_size=3),
    max_leaves=8,
)


def _offsets() -> st.SearchStrategy[str]:
    minutes = st.integers(-23 * 60 - 59, 23 * 60 + 59)
    return st.one_of(
        st.just("Z"),
        minutes.map(lambda m: f"{'+' if m >= 0 else '-'}{abs(m) // 60:02d}:{abs(m) % 60:02d}"),
    )


@st.composite
def date_times(draw: st.DrawFn) -> str:
    """RFC 3339 date-times as servers write them: `T`/`Z`, offsets, 0-9 fraction digits."""
    moment = draw(
        st.datetimes(datetime.datetime(1900, 1, 1), datetime.datetime(2200, 12, 31, 23, 59, 59))
    )
    digits = draw(st.integers(0, 9))
    fraction = ""
    if digits:
        fraction = "." + f"{moment.microsecond:06d}{draw(st.integers(0, 999)):03d}"[:digits]
    return moment.strftime("%Y-%m-%dT%H:%M:%S") + fraction + draw(_offsets())


def from_schema(schema: dict[str, Any]) -> st.SearchStrategy[Any]:
    """Values valid for `schema` (a $ref-free JSON Schema of the supported keywords)."""
    unknown = set(schema) - _SUPPORTED
    if unknown:
        raise NotImplementedError(f"no generator for keyword(s) {sorted(unknown)}")
    if "const" in schema:
        return st.just(schema["const"])
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    if "anyOf" in schema or "oneOf" in schema:
        branches = schema.get("anyOf") or schema["oneOf"]
        return st.one_of([from_schema(branch) for branch in branches])
    kinds = schema.get("type")
    if kinds is None:
        return ANY_JSON
    if isinstance(kinds, list):
        return st.one_of([from_schema({**schema, "type": kind}) for kind in kinds])
    return _typed(kinds, schema)


def _typed(kind: str, schema: dict[str, Any]) -> st.SearchStrategy[Any]:
    if kind == "null":
        return st.none()
    if kind == "boolean":
        return st.booleans()
    if kind == "integer":
        return st.integers(schema.get("minimum", -(2**53)), schema.get("maximum", 2**53))
    if kind == "number":
        return st.one_of(
            st.integers(schema.get("minimum", -(2**53)), schema.get("maximum", 2**53)),
            st.floats(
                schema.get("minimum"),
                schema.get("maximum"),
                allow_nan=False,
                allow_infinity=False,
            ),
        )
    if kind == "string":
        if schema.get("format") == "date-time":
            return date_times()
        return st.text(min_size=schema.get("minLength", 0), max_size=schema.get("maxLength", 24))
    if kind == "array":
        items = from_schema(schema.get("items", {}))
        low = schema.get("minItems", 0)
        high = min(schema.get("maxItems", _MAX_ITEMS), low + _MAX_ITEMS)
        return st.lists(items, min_size=low, max_size=high)
    if kind == "object":
        return _object(schema)
    raise NotImplementedError(f"no generator for type {kind!r}")


@st.composite
def _object(draw: st.DrawFn, schema: dict[str, Any]) -> dict[str, Any]:
    properties: dict[str, Any] = schema.get("properties", {})
    required = set(schema.get("required", []))
    body: dict[str, Any] = {}
    for name, sub in properties.items():
        if name in required or draw(st.booleans()):
            body[name] = draw(from_schema(sub))
    extra = schema.get("additionalProperties", True)
    if extra is not False:
        values = ANY_JSON if extra is True else from_schema(extra)
        names = _NAMES.filter(lambda n: n not in properties)
        room = max(0, schema.get("maxProperties", 3) - len(body))
        body.update(draw(st.dictionaries(names, values, max_size=min(3, room))))
    return body


# Mutations: (kind, path, replacement); kind is "drop" or "replace".
Mutation = tuple[str, tuple[Any, ...], Any]

_WRONG_VALUES: list[tuple[str, Any]] = [
    ("string", "not the right type"),
    ("integer", 7),
    ("number", 2.5),
    ("boolean", True),
    ("array", ["x"]),
    ("object", {"x": 1}),
]


_BAD_DATE_TIMES = [
    "yesterday",
    "2026-13-01T00:00:00Z",
    "2026-01-01T25:00:00Z",
    "2026-01-01",
    "2026-01-01T00:00:00",
    "2026-01-01 00:00:00Z",
]


def _allowed_types(schema: dict[str, Any]) -> set[str] | None:
    """The JSON types a schema allows (None: it does not say, or allows anything)."""
    if "anyOf" in schema or "oneOf" in schema:
        found: set[str] = set()
        for branch in schema.get("anyOf") or schema["oneOf"]:
            kinds = _allowed_types(branch)
            if kinds is None:
                return None
            found |= kinds
        return found
    if "enum" in schema or "const" in schema:
        values = schema.get("enum", [schema.get("const")])
        return {_json_type(value) for value in values}
    kinds = schema.get("type")
    if kinds is None:
        return None
    return set(kinds) if isinstance(kinds, list) else {kinds}


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object"


def _wrong_values(schema: dict[str, Any]) -> list[Any]:
    allowed = _allowed_types(schema)
    if allowed is None:
        return []
    if "number" in allowed:
        allowed = allowed | {"integer"}
    wrong = [value for kind, value in _WRONG_VALUES if kind not in allowed]
    if "null" not in allowed:
        wrong.append(None)
    return wrong


def _branch_for(schema: dict[str, Any], value: Any) -> dict[str, Any] | None:
    """The one object/array branch of an anyOf/oneOf that a value can belong to."""
    branches = schema.get("anyOf") or schema.get("oneOf")
    if not branches:
        return schema
    kind = _json_type(value)
    fitting = [b for b in branches if kind in (_allowed_types(b) or {kind})]
    return fitting[0] if len(fitting) == 1 else None


def mutations(schema: dict[str, Any], body: Any, path: tuple[Any, ...] = ()) -> list[Mutation]:
    """Every single-place change of `body` that should make it invalid for `schema`."""
    found: list[Mutation] = [("replace", path, wrong) for wrong in _wrong_values(schema)]
    schema = _branch_for(schema, body) or {}
    if schema.get("format") == "date-time" and isinstance(body, str):
        found += [("replace", path, bad) for bad in _BAD_DATE_TIMES]
    if isinstance(body, dict) and "properties" in schema:
        for name in schema.get("required", []):
            if name in body:
                found.append(("drop", (*path, name), None))
        for name, sub in schema["properties"].items():
            if name in body:
                found += mutations(sub, body[name], (*path, name))
    elif isinstance(body, list) and "items" in schema:
        for index, item in enumerate(body[:2]):
            found += mutations(schema["items"], item, (*path, index))
    return found


def apply(body: Any, mutation: Mutation) -> Any:
    """A copy of `body` with the mutation applied."""
    kind, path, replacement = mutation
    if not path:
        return replacement
    copy = _deep_copy(body)
    parent = copy
    for step in path[:-1]:
        parent = parent[step]
    if kind == "drop":
        del parent[path[-1]]
    else:
        parent[path[-1]] = replacement
    return copy


def _deep_copy(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _deep_copy(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_deep_copy(item) for item in value]
    return value
