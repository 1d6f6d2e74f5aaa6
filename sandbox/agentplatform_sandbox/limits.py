"""Size checks that run before schema validation: `maxItems`, `maxProperties`, `maxLength`.

Schema validation visits every value, so a 4-million-number array takes minutes to
refuse by its `maxItems`. `compile_limits` keeps only the size keywords of a schema,
as a tree that follows just the parts of a body where some limit lives; `size_errors`
walks that tree with `len()` checks, so an oversized array is refused in microseconds.

Limits are only ever looser than the schema: under `oneOf`/`anyOf` a limit holds only
when every branch sets one (the loosest wins), so a body this check refuses is one the
schema refuses too.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from .problems import FieldError, dotted
from .spec import load_spec, resolve

_MESSAGES = {
    "max_items": "must have at most {} items",
    "max_properties": "must have at most {} properties",
    "max_length": "must be at most {} characters long",
}


@dataclass
class Limits:
    """The size limits at one place of a body, and of the places below it."""

    max_items: int | None = None
    max_properties: int | None = None
    max_length: int | None = None
    properties: dict[str, Limits] = field(default_factory=dict)
    additional: Limits | None = None
    items: Limits | None = None

    def empty(self) -> bool:
        """Whether no limit lives here or below."""
        return (
            self.max_items is None
            and self.max_properties is None
            and self.max_length is None
            and all(sub.empty() for sub in self.properties.values())
            and self.additional is None
            and self.items is None
        )

    def child(self, name: str) -> Limits | None:
        """The limits of property `name` (a declared property never takes `additional`)."""
        return self.properties.get(name, self.additional)


def _tightest(values: Iterable[int | None]) -> int | None:
    found = [v for v in values if v is not None]
    return min(found) if found else None


def _loosest(values: list[int | None]) -> int | None:
    return None if not values or None in values else max(v for v in values if v is not None)


def _vacant(limits: Limits | None) -> Limits | None:
    return None if limits is None or limits.empty() else limits


def _all_of(parts: list[Limits]) -> Limits:
    """Every part applies: the tightest limit of each kind, children merged alike."""
    names = {name for part in parts for name in part.properties}
    merged = Limits(
        max_items=_tightest(p.max_items for p in parts),
        max_properties=_tightest(p.max_properties for p in parts),
        max_length=_tightest(p.max_length for p in parts),
    )
    for name in names:
        merged.properties[name] = _all_of([c for p in parts if (c := p.child(name)) is not None])
    additional = [p.additional for p in parts if p.additional is not None]
    items = [p.items for p in parts if p.items is not None]
    merged.additional = _vacant(_all_of(additional)) if additional else None
    merged.items = _vacant(_all_of(items)) if items else None
    return merged


def _any_of(parts: list[Limits]) -> Limits:
    """One part applies: a limit counts only when every part sets it (the loosest)."""
    names = {name for part in parts for name in part.properties}
    merged = Limits(
        max_items=_loosest([p.max_items for p in parts]),
        max_properties=_loosest([p.max_properties for p in parts]),
        max_length=_loosest([p.max_length for p in parts]),
    )
    for name in names:
        children = [p.child(name) for p in parts]
        every = [c for c in children if c is not None]
        merged.properties[name] = _any_of(every) if len(every) == len(parts) else Limits()
    additional = [p.additional for p in parts if p.additional is not None]
    items = [p.items for p in parts if p.items is not None]
    merged.additional = _vacant(_any_of(additional)) if len(additional) == len(parts) else None
    merged.items = _vacant(_any_of(items)) if len(items) == len(parts) else None
    return merged


def compile_limits(schema: Any, stack: tuple[str, ...] = ()) -> Limits:
    """The size limits of `schema` (a part of the spec), `$ref`s followed."""
    document = load_spec()
    if isinstance(schema, dict) and isinstance(schema.get("$ref"), str):
        ref = schema["$ref"]
        if ref in stack:  # recursive: no limit is assumed further down
            return Limits()
        rest = {k: v for k, v in schema.items() if k != "$ref"}
        target = compile_limits(resolve(document, schema), (*stack, ref))
        return _all_of([target, compile_limits(rest, stack)]) if rest else target
    if not isinstance(schema, dict):
        return Limits()
    own = Limits(
        max_items=schema.get("maxItems"),
        max_properties=schema.get("maxProperties"),
        max_length=schema.get("maxLength"),
        properties={
            name: compile_limits(sub, stack) for name, sub in schema.get("properties", {}).items()
        },
    )
    if isinstance(schema.get("additionalProperties"), dict):
        own.additional = _vacant(compile_limits(schema["additionalProperties"], stack))
    if isinstance(schema.get("items"), dict):
        own.items = _vacant(compile_limits(schema["items"], stack))
    parts = [own]
    if schema.get("allOf"):
        parts.extend(compile_limits(sub, stack) for sub in schema["allOf"])
    for key in ("oneOf", "anyOf"):
        if schema.get(key):
            parts.append(_any_of([compile_limits(sub, stack) for sub in schema[key]]))
    return parts[0] if len(parts) == 1 else _all_of(parts)


def size_errors(limits: Limits, value: Any, prefix: str = "") -> list[FieldError]:
    """The fields of `value` that break a size limit (empty: none does)."""
    errors: list[FieldError] = []
    pending: list[tuple[Limits, Any, tuple[str | int, ...]]] = [(limits, value, ())]
    while pending:
        node, item, path = pending.pop()
        size_kind = (
            ("max_items", node.max_items)
            if isinstance(item, list)
            else ("max_properties", node.max_properties)
            if isinstance(item, dict)
            else ("max_length", node.max_length)
            if isinstance(item, str)
            else ("", None)
        )
        kind, limit = size_kind
        if limit is not None and len(item) > limit:
            errors.append(FieldError(dotted(path, prefix), _MESSAGES[kind].format(limit)))
            continue
        if isinstance(item, list) and node.items is not None:
            pending.extend((node.items, sub, (*path, i)) for i, sub in enumerate(item))
        elif isinstance(item, dict):
            for name, sub in item.items():
                child = node.child(name)
                if child is not None:
                    pending.append((child, sub, (*path, name)))
    errors.sort(key=lambda e: e.field)
    return errors
