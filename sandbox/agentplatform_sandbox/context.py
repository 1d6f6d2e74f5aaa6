"""What a handler gets: the validated request, its tenant and the sandbox."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from .auth import ApiKeyRecord
from .config import SandboxConfig
from .replies import Reply, StreamReply
from .state import SandboxState, TenantStore


@dataclass
class RequestContext:
    """One validated request on its way to a handler."""

    state: SandboxState
    config: SandboxConfig
    operation_id: str
    method: str
    path: str
    params: dict[str, Any]
    body: Any
    tenant_id: str
    key: ApiKeyRecord | None
    request_id: str
    headers: Mapping[str, str]

    @property
    def store(self) -> TenantStore:
        """The calling tenant's data."""
        return self.state.tenant(self.tenant_id)

    def param(self, name: str, default: Any = None) -> Any:
        """A validated parameter value, or `default` when it was not sent."""
        return self.params.get(name, default)

    @property
    def limit(self) -> int:
        """The `limit` query parameter (default 20)."""
        value = self.params.get("limit", 20)
        return int(value)


Handler = Callable[[RequestContext], Reply | StreamReply]
