"""RFC 9457 problem documents and the exception that carries one."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

PROBLEM_BASE = "https://agentplatform.dev/problems/"

TITLES: dict[int, str] = {
    400: "Bad request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    409: "Conflict",
    412: "Precondition failed",
    413: "Payload too large",
    415: "Unsupported media type",
    422: "Unprocessable entity",
    429: "Too many requests",
    500: "Internal server error",
    501: "Not implemented",
    502: "Bad gateway",
    503: "Service unavailable",
}


@dataclass(frozen=True)
class FieldError:
    """One field that failed validation: a dotted path and what is wrong with it."""

    field: str
    message: str

    def to_dict(self) -> dict[str, str]:
        """Return the `FieldError` JSON object."""
        return {"field": self.field, "message": self.message}


def dotted(parts: Iterable[str | int], prefix: str = "") -> str:
    """Join a JSON path as `a.b[0].c`."""
    out = prefix
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


@dataclass
class ApiError(Exception):
    """Raised by any layer to answer with a problem document."""

    status: int
    code: str
    detail: str
    errors: list[FieldError] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)

    def __str__(self) -> str:
        return f"{self.status} {self.code}: {self.detail}"


def problem_body(
    status: int,
    code: str,
    detail: str,
    *,
    instance: str | None = None,
    request_id: str | None = None,
    errors: list[FieldError] | None = None,
) -> dict[str, Any]:
    """Build a `Problem` JSON object."""
    body: dict[str, Any] = {
        "type": PROBLEM_BASE + code.replace("_", "-"),
        "title": TITLES.get(status, "Error"),
        "status": status,
        "detail": detail,
        "code": code,
    }
    if instance is not None:
        body["instance"] = instance
    if request_id is not None:
        body["request_id"] = request_id
    if errors:
        body["errors"] = [e.to_dict() for e in errors]
    return body


def validation_error(errors: list[FieldError], *, status: int = 422) -> ApiError:
    """An `ApiError` for field errors, with a detail naming the first field."""
    first = errors[0] if errors else FieldError("", "invalid")
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    detail = f"{first.field or 'body'}: {first.message}{more}"
    code = "validation_failed" if status == 422 else "bad_request"
    return ApiError(status, code, detail, errors)


def not_found(kind: str, ident: str) -> ApiError:
    """An `ApiError` 404 for a missing resource."""
    return ApiError(404, "not_found", f"No {kind} with id {ident!r}.")
