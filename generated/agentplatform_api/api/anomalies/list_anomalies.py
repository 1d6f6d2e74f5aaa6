import datetime
from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.anomaly_page import AnomalyPage
from ...models.anomaly_type import AnomalyType
from ...models.problem import Problem
from ...models.severity import Severity
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    severity: Severity | Unset = UNSET,
    anomaly_type: AnomalyType | Unset = UNSET,
    service_name: str | Unset = UNSET,
    since: datetime.datetime | Unset = UNSET,
    limit: int | Unset = 20,
    cursor: str | Unset = UNSET,
    x_tenant_id: str | Unset = UNSET,
    x_workspace_id: str | Unset = UNSET,
    traceparent: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(x_tenant_id, Unset):
        headers["X-Tenant-ID"] = x_tenant_id

    if not isinstance(x_workspace_id, Unset):
        headers["X-Workspace-ID"] = x_workspace_id

    if not isinstance(traceparent, Unset):
        headers["traceparent"] = traceparent

    params: dict[str, Any] = {}

    json_severity: str | Unset = UNSET
    if not isinstance(severity, Unset):
        json_severity = severity

    params["severity"] = json_severity

    json_anomaly_type: str | Unset = UNSET
    if not isinstance(anomaly_type, Unset):
        json_anomaly_type = anomaly_type

    params["anomaly_type"] = json_anomaly_type

    params["service_name"] = service_name

    json_since: str | Unset = UNSET
    if not isinstance(since, Unset):
        json_since = since.isoformat()
    params["since"] = json_since

    params["limit"] = limit

    params["cursor"] = cursor

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/anomalies",
        "params": params,
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> AnomalyPage | Problem | None:
    if response.status_code == 200:
        response_200 = AnomalyPage.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = Problem.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = Problem.from_dict(response.json())

        return response_403

    if response.status_code == 429:
        response_429 = Problem.from_dict(response.json())

        return response_429

    if response.status_code == 500:
        response_500 = Problem.from_dict(response.json())

        return response_500

    if response.status_code == 503:
        response_503 = Problem.from_dict(response.json())

        return response_503

    if 500 <= response.status_code <= 599:
        response_5xx = Problem.from_dict(response.json())

        return response_5xx

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[AnomalyPage | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    severity: Severity | Unset = UNSET,
    anomaly_type: AnomalyType | Unset = UNSET,
    service_name: str | Unset = UNSET,
    since: datetime.datetime | Unset = UNSET,
    limit: int | Unset = 20,
    cursor: str | Unset = UNSET,
    x_tenant_id: str | Unset = UNSET,
    x_workspace_id: str | Unset = UNSET,
    traceparent: str | Unset = UNSET,
) -> Response[AnomalyPage | Problem]:
    """List detected anomalies

    Args:
        severity (Severity | Unset): How bad an anomaly is.
        anomaly_type (AnomalyType | Unset): Known kinds of anomaly.
        service_name (str | Unset):
        since (datetime.datetime | Unset):
        limit (int | Unset):  Default: 20.
        cursor (str | Unset):
        x_tenant_id (str | Unset):
        x_workspace_id (str | Unset):
        traceparent (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AnomalyPage | Problem]
    """

    kwargs = _get_kwargs(
        severity=severity,
        anomaly_type=anomaly_type,
        service_name=service_name,
        since=since,
        limit=limit,
        cursor=cursor,
        x_tenant_id=x_tenant_id,
        x_workspace_id=x_workspace_id,
        traceparent=traceparent,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    severity: Severity | Unset = UNSET,
    anomaly_type: AnomalyType | Unset = UNSET,
    service_name: str | Unset = UNSET,
    since: datetime.datetime | Unset = UNSET,
    limit: int | Unset = 20,
    cursor: str | Unset = UNSET,
    x_tenant_id: str | Unset = UNSET,
    x_workspace_id: str | Unset = UNSET,
    traceparent: str | Unset = UNSET,
) -> AnomalyPage | Problem | None:
    """List detected anomalies

    Args:
        severity (Severity | Unset): How bad an anomaly is.
        anomaly_type (AnomalyType | Unset): Known kinds of anomaly.
        service_name (str | Unset):
        since (datetime.datetime | Unset):
        limit (int | Unset):  Default: 20.
        cursor (str | Unset):
        x_tenant_id (str | Unset):
        x_workspace_id (str | Unset):
        traceparent (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AnomalyPage | Problem
    """

    return sync_detailed(
        client=client,
        severity=severity,
        anomaly_type=anomaly_type,
        service_name=service_name,
        since=since,
        limit=limit,
        cursor=cursor,
        x_tenant_id=x_tenant_id,
        x_workspace_id=x_workspace_id,
        traceparent=traceparent,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    severity: Severity | Unset = UNSET,
    anomaly_type: AnomalyType | Unset = UNSET,
    service_name: str | Unset = UNSET,
    since: datetime.datetime | Unset = UNSET,
    limit: int | Unset = 20,
    cursor: str | Unset = UNSET,
    x_tenant_id: str | Unset = UNSET,
    x_workspace_id: str | Unset = UNSET,
    traceparent: str | Unset = UNSET,
) -> Response[AnomalyPage | Problem]:
    """List detected anomalies

    Args:
        severity (Severity | Unset): How bad an anomaly is.
        anomaly_type (AnomalyType | Unset): Known kinds of anomaly.
        service_name (str | Unset):
        since (datetime.datetime | Unset):
        limit (int | Unset):  Default: 20.
        cursor (str | Unset):
        x_tenant_id (str | Unset):
        x_workspace_id (str | Unset):
        traceparent (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AnomalyPage | Problem]
    """

    kwargs = _get_kwargs(
        severity=severity,
        anomaly_type=anomaly_type,
        service_name=service_name,
        since=since,
        limit=limit,
        cursor=cursor,
        x_tenant_id=x_tenant_id,
        x_workspace_id=x_workspace_id,
        traceparent=traceparent,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    severity: Severity | Unset = UNSET,
    anomaly_type: AnomalyType | Unset = UNSET,
    service_name: str | Unset = UNSET,
    since: datetime.datetime | Unset = UNSET,
    limit: int | Unset = 20,
    cursor: str | Unset = UNSET,
    x_tenant_id: str | Unset = UNSET,
    x_workspace_id: str | Unset = UNSET,
    traceparent: str | Unset = UNSET,
) -> AnomalyPage | Problem | None:
    """List detected anomalies

    Args:
        severity (Severity | Unset): How bad an anomaly is.
        anomaly_type (AnomalyType | Unset): Known kinds of anomaly.
        service_name (str | Unset):
        since (datetime.datetime | Unset):
        limit (int | Unset):  Default: 20.
        cursor (str | Unset):
        x_tenant_id (str | Unset):
        x_workspace_id (str | Unset):
        traceparent (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AnomalyPage | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
            severity=severity,
            anomaly_type=anomaly_type,
            service_name=service_name,
            since=since,
            limit=limit,
            cursor=cursor,
            x_tenant_id=x_tenant_id,
            x_workspace_id=x_workspace_id,
            traceparent=traceparent,
        )
    ).parsed
