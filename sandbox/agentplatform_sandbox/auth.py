"""API keys, tenants and scopes: who is calling and what they may do."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .problems import ApiError
from .timeutil import iso

DEFAULT_API_KEY = "sk_test_sandbox_0000"
"""The API key every sandbox accepts unless told otherwise (tenant `tenant_default`)."""
DEFAULT_TENANT = "tenant_default"
OTHER_API_KEY = "sk_test_sandbox_0001"
"""A second default key, of tenant `tenant_other`, for cross-tenant (403) tests."""
OTHER_TENANT = "tenant_other"
DEFAULT_API_KEYS: Mapping[str, str] = {DEFAULT_API_KEY: DEFAULT_TENANT, OTHER_API_KEY: OTHER_TENANT}

ALL_SCOPES = ("read", "write", "admin")
PREFIX_LENGTH = 12


@dataclass
class ApiKeyRecord:
    """A stored API key; `secret` never leaves the sandbox after creation.

    A key loaded from a data dir has no `secret` (`""`): only its SHA-256 `digest` and
    its `kept_prefix` were written.
    """

    id: str
    tenant_id: str
    name: str
    secret: str
    scopes: list[str]
    created_at: float
    expires_at: str | None = None
    expires_instant: float | None = None
    seq: int = 0
    metadata: dict[str, Any] = field(default_factory=dict)
    digest: str | None = None
    kept_prefix: str = ""

    @property
    def prefix(self) -> str:
        """The first characters of the secret."""
        return self.secret[:PREFIX_LENGTH] if self.secret else self.kept_prefix

    def to_dict(self, *, with_secret: bool = False) -> dict[str, Any]:
        """The `ApiKey` (or `ApiKeyWithSecret`) JSON object."""
        body: dict[str, Any] = {
            "id": self.id,
            "name": self.name,
            "prefix": self.prefix,
            "scopes": list(self.scopes),
            "created_at": iso(self.created_at),
            "expires_at": self.expires_at,
        }
        if with_secret:
            body["secret"] = self.secret
        return body


def secret_digest(secret: str) -> str:
    """The SHA-256 hex digest of an API key secret (what a data dir keeps of it)."""
    return hashlib.sha256(secret.encode()).hexdigest()


def new_secret() -> str:
    """A fresh API key secret."""
    return "sk_test_" + secrets.token_urlsafe(24)


def required_scope(method: str, path: str) -> str:
    """The scope a request needs: admin for keys and webhooks, else read or write."""
    if path.startswith(("/v1/api-keys", "/v1/webhooks")):
        return "admin"
    return "read" if method == "GET" else "write"


def has_scope(granted: list[str], needed: str) -> bool:
    """`admin` implies everything, `write` implies `read`."""
    order = {"read": 0, "write": 1, "admin": 2}
    return any(order.get(scope, -1) >= order[needed] for scope in granted)


def authorize(
    key: ApiKeyRecord | None, tenant_header: str | None, method: str, path: str, now: float
) -> ApiKeyRecord:
    """Return the calling key, or raise 401 (missing, unknown, expired) or 403."""
    if key is None:
        raise ApiError(401, "unauthorized", "Send a valid API key in the X-API-Key header.")
    if key.expires_instant is not None and key.expires_instant <= now:
        raise ApiError(401, "api_key_expired", "This API key has expired; create a new one.")
    if tenant_header is not None and tenant_header != key.tenant_id:
        raise ApiError(
            403, "tenant_forbidden", "This API key may not act on the tenant named in X-Tenant-ID."
        )
    needed = required_scope(method, path)
    if not has_scope(key.scopes, needed):
        raise ApiError(403, "insufficient_scope", f"This API key lacks the {needed!r} scope.")
    return key
