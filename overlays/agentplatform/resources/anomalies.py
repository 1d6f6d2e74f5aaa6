"""`client.anomalies`: anomalies detected in telemetry."""

from __future__ import annotations

import datetime
from typing import Any, Unpack

from agentplatform_api.api.anomalies import get_anomaly, list_anomalies
from agentplatform_api.models import Anomaly

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

_SEVERITIES = ("low", "medium", "high", "critical")
_TYPES = ("latency_spike", "cost_spike", "token_spike", "error_rate", "drift", "data_quality")


class Anomalies(Resource[M]):
    """Anomalies: list with filters, or get one."""

    @paginated
    def list(
        self,
        *,
        severity: str | None = None,
        anomaly_type: str | None = None,
        service_name: str | None = None,
        since: datetime.datetime | None = None,
        limit: int | None = None,
        max_items: int | None = None,
        **options: Unpack[RequestOptions],
    ) -> PageCall[Anomaly]:
        """Anomalies, newest first, optionally filtered."""
        kwargs: dict[str, Any] = {}
        if severity is not None:
            kwargs["severity"] = _params.choices("severity", severity, _SEVERITIES)
        if anomaly_type is not None:
            kwargs["anomaly_type"] = _params.choices("anomaly_type", anomaly_type, _TYPES)
        if service_name is not None:
            kwargs["service_name"] = _params.text("service_name", service_name)
        if since is not None:
            kwargs["since"] = _params.instant("since", since)
        return page_call(list_anomalies, kwargs, options, limit=limit, max_items=max_items)

    @operation
    def get(self, anomaly_id: str, **options: Unpack[RequestOptions]) -> Call[Anomaly]:
        """One anomaly by id."""
        ident = _params.identifier("anomaly_id", anomaly_id)
        return Call(get_anomaly, {"anomaly_id": ident}, options)
