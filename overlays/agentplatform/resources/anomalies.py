"""`client.anomalies`: anomalies detected in telemetry."""

from __future__ import annotations

import datetime
from typing import Any, Unpack

from agentplatform_api.api.anomalies import get_anomaly, list_anomalies
from agentplatform_api.models import Anomaly, AnomalyPage

from .. import _params
from .._enums import AnomalyType, Severity
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

_SEVERITIES = tuple(member.value for member in Severity)
_TYPES = tuple(member.value for member in AnomalyType)


def _rank(severity: str) -> int:
    """The rank of a severity; -1 for one this SDK does not know."""
    try:
        rank = Severity(severity).rank
    except ValueError:
        return -1
    return -1 if rank is None else rank


class _AtLeast:
    """`listAnomalies`, each page keeping only the anomalies at or above a severity.

    A severity this SDK does not know has no rank, so such anomalies are left out.
    The page's cursor is the server's, so pagination continues past filtered pages.
    """

    __name__ = list_anomalies.__name__

    def __init__(self, minimum: int) -> None:
        self.minimum = minimum

    def _get_kwargs(self, **kwargs: Any) -> dict[str, Any]:
        return list_anomalies._get_kwargs(**kwargs)

    def _parse_response(self, *, client: Any, response: Any) -> Any:
        page = list_anomalies._parse_response(client=client, response=response)
        if isinstance(page, AnomalyPage):
            page.data = [item for item in page.data if _rank(item.severity) >= self.minimum]
        return page


# The response checker reads the models a parser returns from its annotations.
_AtLeast._parse_response.__annotations__.update(list_anomalies._parse_response.__annotations__)
_AT_LEAST = {rank: _AtLeast(rank) for rank in range(len(_SEVERITIES))}


class Anomalies(Resource[M]):
    """Anomalies: list with filters, or get one."""

    @paginated
    def list(
        self,
        *,
        severity: Severity | str | None = None,
        min_severity: Severity | str | None = None,
        anomaly_type: AnomalyType | str | None = None,
        service_name: str | None = None,
        since: datetime.datetime | None = None,
        limit: int | None = None,
        max_items: int | None = None,
        **options: Unpack[RequestOptions],
    ) -> PageCall[Anomaly]:
        """Anomalies, newest first, optionally filtered.

        `severity` asks the API for one severity; `min_severity="high"` keeps `high` and
        `critical` ones (filtered here, page by page, since the API filters by one value;
        anomalies of a severity this SDK does not know are left out).
        """
        kwargs: dict[str, Any] = {}
        endpoint: Any = list_anomalies
        if severity is not None and min_severity is not None:
            raise InvalidParameterError(
                "min_severity", "give severity= or min_severity=, not both."
            )
        if severity is not None:
            kwargs["severity"] = _params.choices("severity", severity, _SEVERITIES)
        if min_severity is not None:
            minimum = _params.choices("min_severity", min_severity, _SEVERITIES)
            endpoint = _AT_LEAST[_SEVERITIES.index(minimum)]
            if minimum == Severity.CRITICAL:
                kwargs["severity"] = minimum
        if anomaly_type is not None:
            kwargs["anomaly_type"] = _params.choices("anomaly_type", anomaly_type, _TYPES)
        if service_name is not None:
            kwargs["service_name"] = _params.text("service_name", service_name)
        if since is not None:
            kwargs["since"] = _params.instant("since", since)
        return page_call(endpoint, kwargs, options, limit=limit, max_items=max_items)

    @operation
    def get(self, anomaly_id: str, **options: Unpack[RequestOptions]) -> Call[Anomaly]:
        """One anomaly by id."""
        ident = _params.identifier("anomaly_id", anomaly_id)
        return Call(get_anomaly, {"anomaly_id": ident}, options)
