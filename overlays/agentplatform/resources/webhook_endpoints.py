"""`client.webhooks`: the tenant's webhook endpoints (see `agentplatform.webhooks.verify`)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal, Unpack
from urllib.parse import urlsplit

from agentplatform_api.api.webhooks import create_webhook, delete_webhook, list_webhooks
from agentplatform_api.models import Webhook, WebhookCreate, WebhookWithSecret

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
from ..errors import InvalidParameterError

_EVENTS = ("anomaly.detected", "research.completed", "entity.deleted")
WebhookEventName = Literal["anomaly.detected", "research.completed", "entity.deleted"]


class WebhookEndpoints(Resource[M]):
    """Webhook endpoints: list, create (secret shown once), delete."""

    @paginated
    def list(
        self,
        *,
        limit: int | None = None,
        max_items: int | None = None,
        **options: Unpack[RequestOptions],
    ) -> PageCall[Webhook]:
        """Every endpoint of the tenant (without secrets)."""
        return page_call(list_webhooks, {}, options, limit=limit, max_items=max_items)

    @operation
    def create(
        self,
        *,
        url: str,
        events: Iterable[WebhookEventName],
        **options: Unpack[RequestOptions],
    ) -> Call[WebhookWithSecret]:
        """Register an endpoint; `.secret` of the result (`whsec_...`) is shown once."""
        parts = urlsplit(_params.text("url", url))
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise InvalidParameterError("url", f"{url!r} is not an http(s) URL with a host.")
        names = _params.strings("events", events, non_empty=True)
        body = WebhookCreate(
            url=url,
            events=[_params.choices(f"events[{i}]", e, _EVENTS) for i, e in enumerate(names)],  # type: ignore[misc]
        )
        return Call(create_webhook, {"body": body}, options)

    @operation
    def delete(self, webhook_id: str, **options: Unpack[RequestOptions]) -> Call[None]:
        """Remove an endpoint."""
        ident = _params.identifier("webhook_id", webhook_id)
        return Call(delete_webhook, {"webhook_id": ident}, options, returns_none=True)
