"""The 2xx JSON response schemas of openapi.yaml as self-contained JSON Schemas.

OpenAPI 3.1 schemas are JSON Schema 2020-12 already (`type: [string, 'null']` included),
so the only work is inlining `$ref`s (the spec has no recursive schema) and dropping the
keywords that only document (`examples`, `description`, `discriminator`). Both the body
generator (hypothesis-jsonschema) and the independent judge (jsonschema) read the result.
"""

from __future__ import annotations

import functools
import importlib
import re
from dataclasses import dataclass
from typing import Any

import yaml
from jsonschema import Draft202012Validator, FormatChecker

from .prism import SPEC

_DOC_ONLY = frozenset({"examples", "example", "description", "discriminator", "title"})
_REF_PREFIX = "#/components/schemas/"


@dataclass(frozen=True)
class JsonResponse:
    """One documented 2xx JSON answer of one operation."""

    operation_id: str
    tag: str
    status: int
    schema: dict[str, Any]

    @property
    def id(self) -> str:
        return f"{self.operation_id}-{self.status}"

    @property
    def endpoint(self) -> Any:
        """The generated endpoint module (`agentplatform_api.api.<tag>.<operation>`)."""
        return importlib.import_module(
            f"agentplatform_api.api.{_snake(self.tag)}.{_snake(self.operation_id)}"
        )


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).replace("-", "_").lower()


@functools.cache
def spec() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(SPEC.read_text())
    return loaded


def inline(schema: Any, components: dict[str, Any], seen: tuple[str, ...] = ()) -> Any:
    """A copy of `schema` with every local `$ref` replaced by its target."""
    if isinstance(schema, list):
        return [inline(item, components, seen) for item in schema]
    if not isinstance(schema, dict):
        return schema
    ref = schema.get("$ref")
    if isinstance(ref, str):
        if not ref.startswith(_REF_PREFIX):
            raise ValueError(f"unsupported $ref {ref!r}")
        name = ref[len(_REF_PREFIX) :]
        if name in seen:
            raise ValueError(f"recursive schema {' -> '.join((*seen, name))}")
        return inline(components[name], components, (*seen, name))
    out = {}
    for key, value in schema.items():
        if key in _DOC_ONLY:
            continue
        if key == "properties":
            # Property names are data, not keywords: keep them all.
            out[key] = {name: inline(sub, components, seen) for name, sub in value.items()}
        else:
            out[key] = inline(value, components, seen)
    return out


@functools.cache
def json_responses() -> tuple[JsonResponse, ...]:
    """Every 2xx `application/json` response of every operation, in spec order."""
    document = spec()
    components = document["components"]["schemas"]
    found = []
    for item in document["paths"].values():
        for operation in item.values():
            if not isinstance(operation, dict) or "operationId" not in operation:
                continue
            for status, response in operation["responses"].items():
                if not str(status).startswith("2"):
                    continue
                content = response.get("content", {})
                if "application/json" not in content:
                    continue
                found.append(
                    JsonResponse(
                        operation_id=operation["operationId"],
                        tag=operation["tags"][0],
                        status=int(status),
                        schema=inline(content["application/json"]["schema"], components),
                    )
                )
    return tuple(found)


@functools.cache
def _validator(response_id: str) -> Draft202012Validator:
    (response,) = [r for r in json_responses() if r.id == response_id]
    return Draft202012Validator(response.schema, format_checker=FormatChecker())


def is_valid(response: JsonResponse, body: Any) -> bool:
    """Whether `body` is valid for the response schema, formats included (jsonschema)."""
    return bool(_validator(response.id).is_valid(body))
