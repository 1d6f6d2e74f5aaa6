"""The ontology: entity types with inheritance, relation types, and the checks they imply."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .problems import FieldError, validation_error
from .timeutil import parse_datetime

_TYPE_WORDS = {
    "string": "a string",
    "integer": "an integer",
    "number": "a number",
    "boolean": "a boolean",
    "array": "an array",
    "object": "an object",
    "datetime": "an RFC 3339 date-time string",
}


def _has_type(kind: str, value: Any) -> bool:
    if kind == "string":
        return isinstance(value, str)
    if kind == "integer":
        return (isinstance(value, int) and not isinstance(value, bool)) or (
            isinstance(value, float) and value.is_integer()
        )
    if kind == "number":
        return isinstance(value, int | float) and not isinstance(value, bool)
    if kind == "boolean":
        return isinstance(value, bool)
    if kind == "array":
        return isinstance(value, list)
    if kind == "object":
        return isinstance(value, dict)
    if kind == "datetime":
        return isinstance(value, str) and parse_datetime(value) is not None
    return True


@dataclass
class Ontology:
    """A stored ontology; every method treats unknown types as having no rules."""

    entity_types: dict[str, dict[str, Any]] = field(default_factory=dict)
    relation_types: dict[str, dict[str, Any]] = field(default_factory=dict)
    version: int = 0
    updated_at: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The `OntologySchema` JSON object."""
        return {
            "entity_types": list(self.entity_types.values()),
            "relation_types": list(self.relation_types.values()),
            "version": self.version,
            "updated_at": self.updated_at,
        }

    def subtypes(self, type_id: str) -> list[str]:
        """Every type below `type_id`, breadth first, without repeats."""
        found: list[str] = []
        queue = deque([type_id])
        while queue:
            current = queue.popleft()
            for child_id, child in self.entity_types.items():
                if child.get("parent") == current and child_id not in found and child_id != type_id:
                    found.append(child_id)
                    queue.append(child_id)
        return found

    def expand(self, types: Iterable[str]) -> list[str]:
        """The given types followed by all their subtypes, without repeats."""
        out: list[str] = []
        for type_id in types:
            for item in [type_id, *self.subtypes(type_id)]:
                if item not in out:
                    out.append(item)
        return out

    def ancestors(self, type_id: str) -> list[str]:
        """`type_id` and its parents up to the root."""
        chain: list[str] = []
        current: str | None = type_id
        while current is not None and current not in chain:
            chain.append(current)
            parent = self.entity_types.get(current, {}).get("parent")
            current = parent if isinstance(parent, str) else None
        return chain

    def is_a(self, type_id: str, base: str) -> bool:
        """Whether `type_id` is `base` or one of its subtypes."""
        return base in self.ancestors(type_id)

    def check_entity(self, type_id: str, properties: Mapping[str, Any]) -> list[FieldError]:
        """Field errors of an entity's properties (own and inherited rules)."""
        if not self.entity_types:
            return []
        if type_id not in self.entity_types:
            return [FieldError("type", f"unknown entity type {type_id!r}")]
        specs: dict[str, dict[str, Any]] = {}
        required: list[str] = []
        for ancestor in reversed(self.ancestors(type_id)):
            definition = self.entity_types.get(ancestor, {})
            specs.update(definition.get("properties") or {})
            required.extend(r for r in definition.get("required") or [] if r not in required)
        errors = [
            FieldError(f"properties.{name}", "is required")
            for name in required
            if properties.get(name) is None
        ]
        for name, value in properties.items():
            spec = specs.get(name)
            if spec is None:
                continue
            kind = spec.get("type", "string")
            if not _has_type(kind, value):
                errors.append(FieldError(f"properties.{name}", f"must be {_TYPE_WORDS[kind]}"))
            elif "enum" in spec and value not in spec["enum"]:
                allowed = ", ".join(str(v) for v in spec["enum"])
                errors.append(FieldError(f"properties.{name}", f"must be one of: {allowed}"))
        return errors

    def check_relation(self, type_id: str, from_type: str, to_type: str) -> list[FieldError]:
        """Field errors of a relation whose ends have the given entity types."""
        if not self.relation_types:
            return []
        definition = self.relation_types.get(type_id)
        if definition is None:
            return [FieldError("type", f"unknown relation type {type_id!r}")]
        errors = []
        for end, entity_type, allowed in (
            ("from_entity_id", from_type, definition.get("from_types") or []),
            ("to_entity_id", to_type, definition.get("to_types") or []),
        ):
            if allowed and not any(self.is_a(entity_type, base) for base in allowed):
                errors.append(
                    FieldError(
                        end,
                        f"an entity of type {entity_type!r} may not be at this end of "
                        f"{type_id!r} (allowed: {', '.join(allowed)})",
                    )
                )
        return errors


def _cycle(types: dict[str, dict[str, Any]], start: str) -> bool:
    seen: set[str] = set()
    current: Any = start
    while isinstance(current, str) and current in types:
        if current in seen:
            return True
        seen.add(current)
        current = types[current].get("parent")
    return False


def build_ontology(payload: Mapping[str, Any], version: int, updated_at: str) -> Ontology:
    """Check an uploaded `OntologySchemaInput` and build the ontology, or raise 422."""
    errors: list[FieldError] = []
    entity_types: dict[str, dict[str, Any]] = {}
    for index, item in enumerate(payload["entity_types"]):
        if item["id"] in entity_types:
            errors.append(FieldError(f"entity_types[{index}].id", "duplicates another type"))
        entity_types[item["id"]] = item
    for index, item in enumerate(payload["entity_types"]):
        parent = item.get("parent")
        if parent is not None and parent not in entity_types:
            errors.append(FieldError(f"entity_types[{index}].parent", f"unknown type {parent!r}"))
        elif parent is not None and _cycle(entity_types, item["id"]):
            errors.append(FieldError(f"entity_types[{index}].parent", "forms a cycle"))
    relation_types: dict[str, dict[str, Any]] = {}
    for index, item in enumerate(payload["relation_types"]):
        if item["id"] in relation_types:
            errors.append(FieldError(f"relation_types[{index}].id", "duplicates another type"))
        relation_types[item["id"]] = item
        for end in ("from_types", "to_types"):
            for position, type_id in enumerate(item[end]):
                if type_id not in entity_types:
                    errors.append(
                        FieldError(
                            f"relation_types[{index}].{end}[{position}]",
                            f"unknown entity type {type_id!r}",
                        )
                    )
    if errors:
        raise validation_error(errors)
    return Ontology(entity_types, relation_types, version, updated_at)
