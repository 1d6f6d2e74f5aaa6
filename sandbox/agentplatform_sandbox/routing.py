"""Routing by the spec's paths: concrete paths before templated ones, 404 and 405."""

from __future__ import annotations

from collections.abc import Sequence

from .problems import ApiError
from .spec import Operation


class Router:
    """Finds the operation of a method and raw (percent-encoded) path."""

    def __init__(self, operations: Sequence[Operation]) -> None:
        self.operations = sorted(operations, key=lambda op: -op.literal_segments)

    def route(self, method: str, path: str) -> tuple[Operation, dict[str, str]]:
        """The operation and its decoded path parameters; 404 or 405 (with `Allow`)."""
        matches = [(op, found) for op in self.operations if (found := op.match(path)) is not None]
        for op, found in matches:
            if op.method == method:
                return op, found
        if not matches:
            raise ApiError(404, "route_not_found", f"No operation at {path}.")
        allowed = ", ".join(sorted({op.method for op, _ in matches}))
        raise ApiError(
            405, "method_not_allowed", f"{path} allows {allowed}.", headers={"Allow": allowed}
        )
