"""Request and response validation against the spec, compiled once per operation."""

from __future__ import annotations

import copy
import functools
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import jsonschema

from .limits import Limits, compile_limits, size_errors
from .problems import ApiError, FieldError, validation_error
from .replies import Reply, StreamReply
from .schemas import check, compile_schema, field_errors
from .spec import Operation, Parameter, load_spec, resolve

# Batch operations validate records one by one so one bad record does not fail the batch.
LENIENT_ARRAYS: dict[str, str] = {"ingestTelemetryBatch": "records", "ingestEventBatch": "events"}


def _scalar_type(document: dict[str, Any], schema: dict[str, Any]) -> str:
    resolved = resolve(document, schema)
    kind = resolved.get("type", "string")
    return kind if isinstance(kind, str) else "string"


def _coerce(kind: str, raw: str) -> Any:
    if kind == "integer":
        try:
            return int(raw, 10)
        except ValueError:
            return raw
    if kind == "number":
        try:
            return float(raw)
        except ValueError:
            return raw
    if kind == "boolean" and raw in ("true", "false"):
        return raw == "true"
    return raw


@dataclass
class _CompiledParameter:
    spec: Parameter
    kind: str
    validator: jsonschema.Draft202012Validator


@dataclass
class CompiledOperation:
    """Validators of one operation's parameters, body and responses."""

    operation: Operation
    parameters: list[_CompiledParameter]
    body: jsonschema.Draft202012Validator | None
    body_limits: Limits
    lenient_array: str | None
    max_items: int | None
    responses: dict[tuple[str, str], jsonschema.Draft202012Validator]

    def validate_parameters(
        self,
        path: Mapping[str, str],
        query: Mapping[str, str],
        headers: Mapping[str, str],
    ) -> dict[str, Any]:
        """Return parameter values by name (typed), or raise a 400 naming the bad ones."""
        sources = {"path": path, "query": query, "header": headers}
        values: dict[str, Any] = {}
        errors: list[FieldError] = []
        for param in self.parameters:
            source = sources.get(param.spec.location, {})
            key = param.spec.name.lower() if param.spec.location == "header" else param.spec.name
            if key not in source:
                if param.spec.required:
                    errors.append(FieldError(param.spec.name, "is required"))
                continue
            value = _coerce(param.kind, source[key])
            errors.extend(field_errors(param.validator.iter_errors(value), param.spec.name))
            values[param.spec.name] = value
        if errors:
            raise validation_error(errors, status=400)
        return values

    def validate_body(self, body: Any) -> None:
        """Raise 413 for an oversized batch, 422 naming the fields that break the schema.

        Sizes are checked before the schema, so an oversized array or object is
        refused without visiting its items.
        """
        if self.body is None:
            return
        if (
            self.lenient_array is not None
            and self.max_items is not None
            and isinstance(body, dict)
            and isinstance(body.get(self.lenient_array), list)
            and len(body[self.lenient_array]) > self.max_items
        ):
            raise ApiError(
                413,
                "batch_too_large",
                f"A batch holds at most {self.max_items} {self.lenient_array}.",
                [FieldError(self.lenient_array, f"must have at most {self.max_items} items")],
            )
        errors = size_errors(self.body_limits, body) or field_errors(self.body.iter_errors(body))
        if errors:
            raise validation_error(errors)

    def response_problems(
        self, status: int, media_type: str | None, body: Any, headers: Mapping[str, str]
    ) -> list[str]:
        """Describe how a response breaks the spec (empty when it conforms)."""
        spec = self.operation.responses.get(str(status)) or self.operation.responses.get("default")
        if spec is None:
            return [f"status {status} is not documented"]
        problems = [
            f"header {name} is missing"
            for name in spec.required_headers
            if name.lower() not in {h.lower() for h in headers}
        ]
        if not spec.content:
            return problems
        if media_type not in spec.content:
            return [*problems, f"media type {media_type} is not documented"]
        validator = self.responses.get((str(status), media_type))
        if validator is not None and media_type.endswith("json"):
            problems.extend(
                f"{e.field}: {e.message}" for e in field_errors(validator.iter_errors(body))
            )
        return problems


def _body_schema(operation: Operation) -> tuple[dict[str, Any] | None, str | None, int | None]:
    """The schema a body is validated with as a whole, its lenient array and that
    array's item limit (the array's items are checked one by one, later)."""
    if operation.body_schema is None:
        return None, None, None
    field = LENIENT_ARRAYS.get(operation.operation_id)
    if field is None:
        return operation.body_schema, None, None
    envelope = copy.deepcopy(resolve(load_spec(), operation.body_schema))
    array = envelope["properties"][field]
    max_items = array.pop("maxItems", None)
    array["items"] = {}
    return envelope, field, max_items


@functools.cache
def compiled(operation: Operation) -> CompiledOperation:
    """Compile (once) the validators of `operation`."""
    document = load_spec()
    params = [
        _CompiledParameter(p, _scalar_type(document, p.schema), compile_schema(p.schema))
        for p in operation.parameters
    ]
    schema, lenient, max_items = _body_schema(operation)
    body = compile_schema(schema) if schema is not None else None
    body_limits = compile_limits(schema) if schema is not None else Limits()
    responses = {
        (status, media): compile_schema(schema)
        for status, spec in operation.responses.items()
        for media, schema in spec.content.items()
        if media.endswith("json")
    }
    return CompiledOperation(operation, params, body, body_limits, lenient, max_items, responses)


def reply_problems(
    operation: Operation, reply: Reply | StreamReply, headers: Mapping[str, str]
) -> list[str]:
    """How a reply to `operation` breaks the spec (stream events: `ChatStreamEventData`)."""
    checker = compiled(operation)
    if isinstance(reply, Reply):
        media = reply.media_type if reply.body is not None or reply.raw else None
        return checker.response_problems(reply.status, media, reply.body, headers)
    problems = checker.response_problems(reply.status, "text/event-stream", None, headers)
    for event in reply.events:
        problems.extend(
            f"event {event.id}: {e.field} {e.message}"
            for e in check("ChatStreamEventData", event.data)
        )
    return problems
