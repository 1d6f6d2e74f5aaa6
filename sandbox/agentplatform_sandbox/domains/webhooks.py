"""Webhook endpoints of the tenant; the signing secret is shown once."""

from __future__ import annotations

import urllib.parse

from ..context import Handler, RequestContext
from ..ids import new_id
from ..pagination import paginate
from ..problems import FieldError, not_found, validation_error
from ..replies import Reply
from ..signing import new_webhook_secret
from ..state import Stored


def list_webhooks(ctx: RequestContext) -> Reply:
    """The tenant's endpoints, without secrets."""
    with ctx.state.lock:
        items = list(ctx.store.webhooks.values())
    page = paginate(items, lambda s: (s.seq,), ctx.limit, ctx.param("cursor"), lambda s: s.data)
    return Reply(200, page)


def create_webhook(ctx: RequestContext) -> Reply:
    """Register an http(s) endpoint; answers its `whsec_` secret once."""
    body = ctx.body
    try:
        parts = urllib.parse.urlsplit(body["url"])
        valid = parts.scheme in ("http", "https") and bool(parts.hostname) and parts.port != 0
    except ValueError:
        valid = False
    if not valid:
        raise validation_error([FieldError("url", "must be an http or https URL with a host")])
    events = list(dict.fromkeys(body["events"]))
    secret = new_webhook_secret()
    with ctx.state.lock:
        data = {
            "id": new_id("wh"),
            "url": body["url"],
            "events": events,
            "created_at": ctx.state.now_iso(),
        }
        ctx.store.webhooks[data["id"]] = Stored(data, ctx.state.next_seq(), {"secret": secret})
    return Reply(201, {**data, "secret": secret})


def delete_webhook(ctx: RequestContext) -> Reply:
    """Remove an endpoint; nothing more is delivered to it."""
    webhook_id = ctx.param("webhook_id")
    with ctx.state.lock:
        if ctx.store.webhooks.pop(webhook_id, None) is None:
            raise not_found("webhook", webhook_id)
    return Reply(204)


HANDLERS: dict[str, Handler] = {
    "listWebhooks": list_webhooks,
    "createWebhook": create_webhook,
    "deleteWebhook": delete_webhook,
}
