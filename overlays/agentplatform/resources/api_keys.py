"""`client.api_keys`: the tenant's API keys."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Literal, Unpack

from agentplatform_api.api.api_keys import create_api_key, delete_api_key, list_api_keys
from agentplatform_api.models import ApiKey, ApiKeyCreate, ApiKeyWithSecret
from agentplatform_api.types import UNSET

from .. import _params
from .._operation import (
    Call,
    M,
    PageCall,
    RequestOptions,
    Resource,
    operation,
    page_call,
    paginated,
)

_SCOPES = ("read", "write", "admin")


class ApiKeys(Resource[M]):
    """API keys: list (never secrets), create (secret shown once), delete."""

    @paginated
    def list(
        self,
        *,
        limit: int | None = None,
        max_items: int | None = None,
        **options: Unpack[RequestOptions],
    ) -> PageCall[ApiKey]:
        """Every key of the tenant, with its prefix but never its secret."""
        return page_call(list_api_keys, {}, options, limit=limit, max_items=max_items)

    @operation
    def create(
        self,
        *,
        name: str,
        scopes: Iterable[Literal["read", "write", "admin"]] | None = None,
        expires_at: datetime.datetime | None = None,
        **options: Unpack[RequestOptions],
    ) -> Call[ApiKeyWithSecret]:
        """Create a key; `.secret` of the result is shown this once only."""
        body = ApiKeyCreate(
            name=_params.text("name", name),
            scopes=UNSET
            if scopes is None
            else [
                _params.choices(f"scopes[{i}]", scope, _SCOPES)  # type: ignore[misc]
                for i, scope in enumerate(_params.strings("scopes", scopes))
            ],
            expires_at=UNSET if expires_at is None else _params.instant("expires_at", expires_at),
        )
        return Call(create_api_key, {"body": body}, options)

    @operation
    def delete(self, key_id: str, **options: Unpack[RequestOptions]) -> Call[None]:
        """Revoke a key; it stops working at once."""
        ident = _params.identifier("key_id", key_id)
        return Call(delete_api_key, {"key_id": ident}, options, returns_none=True)
