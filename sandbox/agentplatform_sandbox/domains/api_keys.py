"""API keys of the tenant: the secret is shown once; deleting a key revokes it."""

from __future__ import annotations

from ..auth import ALL_SCOPES, ApiKeyRecord, new_secret
from ..context import Handler, RequestContext
from ..ids import new_id
from ..pagination import paginate
from ..problems import not_found
from ..replies import Reply
from ..timeutil import instant_us, parse_datetime, unix_to_instant_us

_EPOCH_US = unix_to_instant_us(0)


def list_api_keys(ctx: RequestContext) -> Reply:
    """The tenant's keys with their prefixes, never their secrets."""
    with ctx.state.lock:
        keys = [k for k in ctx.state.api_keys.values() if k.tenant_id == ctx.tenant_id]
    keys.sort(key=lambda k: k.seq)
    page = paginate(keys, lambda k: (k.seq,), ctx.limit, ctx.param("cursor"), lambda k: k.to_dict())
    return Reply(200, page)


def create_api_key(ctx: RequestContext) -> Reply:
    """A new key of the caller's tenant (all scopes unless given), with its secret."""
    body = ctx.body
    expires_at = body.get("expires_at")
    moment = parse_datetime(expires_at) if expires_at is not None else None
    expires_instant = (instant_us(moment) - _EPOCH_US) / 1e6 if moment is not None else None
    with ctx.state.lock:
        record = ApiKeyRecord(
            id=new_id("key"),
            tenant_id=ctx.tenant_id,
            name=body["name"],
            secret=new_secret(),
            scopes=list(body.get("scopes", ALL_SCOPES)),
            created_at=ctx.state.clock.now(),
            expires_at=expires_at,
            expires_instant=expires_instant,
            seq=ctx.state.next_seq(),
        )
        ctx.state.api_keys[record.id] = record
    return Reply(201, record.to_dict(with_secret=True))


def delete_api_key(ctx: RequestContext) -> Reply:
    """Revoke a key of the tenant: it answers 401 from now on."""
    key_id = ctx.param("key_id")
    with ctx.state.lock:
        found = ctx.state.api_keys.get(key_id)
        if found is None or found.tenant_id != ctx.tenant_id:
            raise not_found("API key", key_id)
        del ctx.state.api_keys[key_id]
    return Reply(204)


HANDLERS: dict[str, Handler] = {
    "listApiKeys": list_api_keys,
    "createApiKey": create_api_key,
    "deleteApiKey": delete_api_key,
}
