from typing import Literal

WebhookEventType = Literal["anomaly.detected", "entity.deleted", "research.completed"]

WEBHOOK_EVENT_TYPE_VALUES: set[WebhookEventType] = {
    "anomaly.detected",
    "entity.deleted",
    "research.completed",
}


def check_webhook_event_type(value: str) -> WebhookEventType:
    if value in WEBHOOK_EVENT_TYPE_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {WEBHOOK_EVENT_TYPE_VALUES!r}"
    )
