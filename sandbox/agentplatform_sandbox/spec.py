"""The bundled `openapi.yaml`: loading it and describing its operations."""

from __future__ import annotations

import functools
import importlib.resources
import re
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

SPEC_FILE = "openapi.yaml"
SCHEMA_REF = "#/components/schemas/"


def spec_text() -> str:
    """Return the text of `openapi.yaml`: package data first, then the repository root."""
    resource = importlib.resources.files("agentplatform_sandbox").joinpath(SPEC_FILE)
    if resource.is_file():
        return resource.read_text(encoding="utf-8")
    fallback = Path(__file__).resolve().parent.parent.parent / SPEC_FILE
    return fallback.read_text(encoding="utf-8")  # pragma: no cover - broken installs only


@functools.cache
def load_spec() -> dict[str, Any]:
    """Parse `openapi.yaml` once."""
    document = yaml.safe_load(spec_text())
    if not isinstance(document, dict):  # pragma: no cover - the file is ours
        raise TypeError("openapi.yaml is not a mapping")
    return document


def resolve(document: dict[str, Any], node: Any) -> Any:
    """Follow a local `$ref` (possibly chained) to the node it names."""
    while isinstance(node, dict) and "$ref" in node:
        target: Any = document
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part.replace("~1", "/").replace("~0", "~")]
        node = target
    return node


@dataclass(frozen=True)
class Parameter:
    """A path, query or header parameter of an operation."""

    name: str
    location: str
    required: bool
    schema: dict[str, Any]


@dataclass(frozen=True)
class ResponseSpec:
    """A documented response: its media types' schemas and required headers."""

    content: dict[str, dict[str, Any]]
    required_headers: tuple[str, ...]


@dataclass(eq=False)
class Operation:
    """One operation of the spec, with what is needed to route and validate it.

    `max_body_bytes` is the request body's `x-max-body-bytes` (None: not stated).
    """

    operation_id: str
    method: str
    path: str
    parameters: list[Parameter]
    body_schema: dict[str, Any] | None
    body_required: bool
    responses: dict[str, ResponseSpec]
    secured: bool
    max_body_bytes: int | None = None
    pattern: re.Pattern[str] = field(init=False)
    literal_segments: int = field(init=False)

    def __post_init__(self) -> None:
        segments = self.path.strip("/").split("/")
        regex = []
        for segment in segments:
            if segment.startswith("{") and segment.endswith("}"):
                regex.append(f"(?P<{segment[1:-1]}>[^/]+)")
            else:
                regex.append(re.escape(segment))
        self.pattern = re.compile("^/" + "/".join(regex) + "$")
        self.literal_segments = sum(1 for s in segments if not s.startswith("{"))

    def match(self, raw_path: str) -> dict[str, str] | None:
        """Return the decoded path parameters when `raw_path` is this operation's path."""
        found = self.pattern.match(raw_path)
        if found is None:
            return None
        return {k: urllib.parse.unquote(v) for k, v in found.groupdict().items()}


def _operation(document: dict[str, Any], path: str, method: str, item: dict[str, Any]) -> Operation:
    op = item[method]
    params: dict[tuple[str, str], Parameter] = {}
    for raw in [*item.get("parameters", []), *op.get("parameters", [])]:
        param = resolve(document, raw)
        key = (param["name"].lower(), param["in"])
        params[key] = Parameter(
            name=param["name"],
            location=param["in"],
            required=bool(param.get("required", False)),
            schema=param.get("schema", {}),
        )
    body_schema = None
    body_required = False
    max_body_bytes = None
    if "requestBody" in op:
        body = resolve(document, op["requestBody"])
        body_required = bool(body.get("required", False))
        body_schema = body["content"]["application/json"]["schema"]
        max_body_bytes = body.get("x-max-body-bytes")
    responses = {}
    for status, raw in op["responses"].items():
        response = resolve(document, raw)
        headers = tuple(
            name
            for name, header in response.get("headers", {}).items()
            if resolve(document, header).get("required", False)
        )
        content = {
            media: spec.get("schema", {}) for media, spec in response.get("content", {}).items()
        }
        responses[str(status)] = ResponseSpec(content=content, required_headers=headers)
    security = op.get("security", document.get("security", []))
    return Operation(
        operation_id=op["operationId"],
        method=method.upper(),
        path=path,
        parameters=list(params.values()),
        body_schema=body_schema,
        body_required=body_required,
        responses=responses,
        secured=bool(security),
        max_body_bytes=max_body_bytes,
    )


@functools.cache
def operations() -> tuple[Operation, ...]:
    """Every operation of the spec, most specific paths first."""
    document = load_spec()
    found = [
        _operation(document, path, method, item)
        for path, item in document["paths"].items()
        for method in ("get", "put", "post", "patch", "delete")
        if method in item
    ]
    found.sort(key=lambda op: -op.literal_segments)
    return tuple(found)
