"""JSON Schema validators for parts of the spec, with `$ref`s resolved via `referencing`."""

from __future__ import annotations

import copy
import functools
import urllib.parse
from collections.abc import Iterable
from typing import Any

import jsonschema
import referencing
import referencing.jsonschema
from jsonschema.exceptions import ValidationError, best_match

from .limits import Limits, compile_limits, size_errors
from .problems import FieldError, dotted
from .spec import SCHEMA_REF, load_spec, resolve
from .timeutil import parse_datetime

SPEC_URI = "urn:agentplatform:openapi"

FORMATS = jsonschema.FormatChecker(formats=())


def _is_datetime(value: object) -> bool:
    return not isinstance(value, str) or parse_datetime(value) is not None


def _is_uri(value: object) -> bool:
    if not isinstance(value, str):
        return True
    try:
        parts = urllib.parse.urlsplit(value)
    except ValueError:
        return False
    return bool(parts.scheme) and parts.scheme[0].isalpha() and not any(c.isspace() for c in value)


FORMATS.checks("date-time")(_is_datetime)
FORMATS.checks("uri")(_is_uri)


@functools.cache
def _registry() -> referencing.Registry[Any]:
    resource = referencing.Resource.from_contents(
        load_spec(), default_specification=referencing.jsonschema.DRAFT202012
    )
    registry: referencing.Registry[Any] = referencing.Registry().with_resource(SPEC_URI, resource)
    return registry


def inline(schema: Any, document: dict[str, Any], stack: tuple[str, ...] = ()) -> Any:
    """Copy `schema` with local `$ref`s replaced by what they name (faster to validate).

    A recursive reference stays a `$ref`, pointed at the bundled spec.
    """
    if isinstance(schema, list):
        return [inline(item, document, stack) for item in schema]
    if not isinstance(schema, dict):
        return schema
    ref = schema.get("$ref")
    if isinstance(ref, str) and ref.startswith("#"):
        siblings = {k: inline(v, document, stack) for k, v in schema.items() if k != "$ref"}
        if ref in stack:
            return {**siblings, "$ref": SPEC_URI + ref}
        target = inline(resolve(document, {"$ref": ref}), document, (*stack, ref))
        return {**siblings, "allOf": [target]} if siblings else target
    return {key: inline(value, document, stack) for key, value in schema.items()}


def compile_schema(schema: dict[str, Any]) -> jsonschema.Draft202012Validator:
    """Build a validator for a schema taken from the spec."""
    return jsonschema.Draft202012Validator(
        inline(copy.deepcopy(schema), load_spec()), registry=_registry(), format_checker=FORMATS
    )


@functools.cache
def component(name: str) -> jsonschema.Draft202012Validator:
    """The validator of `#/components/schemas/<name>`."""
    return compile_schema({"$ref": SCHEMA_REF + name})


@functools.cache
def _component_limits(name: str) -> Limits:
    return compile_limits({"$ref": SCHEMA_REF + name})


def check(name: str, instance: Any, prefix: str = "") -> list[FieldError]:
    """Field errors of `instance` against the component schema `name`.

    Sizes (`maxItems`, `maxProperties`, `maxLength`) are checked first; a value that
    breaks one is refused without the slower full validation.
    """
    oversized = size_errors(_component_limits(name), instance, prefix)
    if oversized:
        return oversized
    return field_errors(component(name).iter_errors(instance), prefix)


_TYPE_WORDS = {
    "string": "a string",
    "integer": "an integer",
    "number": "a number",
    "boolean": "a boolean",
    "array": "an array",
    "object": "an object",
    "null": "null",
}


def _message(error: ValidationError) -> str:
    kind, value = error.validator, error.validator_value
    if kind == "type":
        names = value if isinstance(value, list) else [value]
        return "must be " + " or ".join(_TYPE_WORDS.get(str(n), str(n)) for n in names)
    simple = {
        "minLength": f"must be at least {value} characters long",
        "maxLength": f"must be at most {value} characters long",
        "minimum": f"must be >= {value}",
        "maximum": f"must be <= {value}",
        "exclusiveMinimum": f"must be > {value}",
        "exclusiveMaximum": f"must be < {value}",
        "minItems": f"must have at least {value} items",
        "maxItems": f"must have at most {value} items",
        "maxProperties": f"must have at most {value} properties",
        "pattern": f"must match the pattern {value}",
        "format": f"must be a valid {value}",
        "const": f"must be {value!r}",
    }
    if kind in simple:
        return simple[str(kind)]
    if kind == "enum":
        return "must be one of: " + ", ".join(str(v) for v in value)
    return str(error.message)


def field_errors(errors: Iterable[ValidationError], prefix: str = "") -> list[FieldError]:
    """Translate jsonschema errors into `FieldError`s with dotted paths, in path order."""
    out: list[FieldError] = []
    seen: set[tuple[str, str]] = set()
    for error in sorted(errors, key=lambda e: [str(p) for p in e.absolute_path]):
        chosen = error
        if error.validator in ("oneOf", "anyOf") and error.context:
            chosen = best_match(error.context)
        path = dotted(chosen.absolute_path, prefix)
        found: list[FieldError]
        if chosen.validator == "required" and isinstance(chosen.instance, dict):
            found = [
                FieldError(dotted([name], path), "is required")
                for name in chosen.validator_value
                if name not in chosen.instance
            ]
        else:
            found = [FieldError(path, _message(chosen))]
        for item in found:
            if (item.field, item.message) not in seen:
                seen.add((item.field, item.message))
                out.append(item)
    return out
