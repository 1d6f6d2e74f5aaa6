import datetime
from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.agent_event_page import AgentEventPage
from ...models.agent_event_type import AgentEventType
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    agent_id: str | Unset = UNSET,
    session_id: str | Unset = UNSET,
    type_: AgentEventType | Unset = UNSET,
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

    params["agent_id"] = agent_id

    params["session_id"] = session_id

    json_type_: str | Unset = UNSET
    if not isinstance(type_, Unset):
        json_type_ = type_

    params["type"] = json_type_

    json_since: str | Unset = UNSET
    if not isinstance(since, Unset):
        json_since = since.isoformat()
    params["since"] = json_since

    params["limit"] = limit

    params["cursor"] = cursor

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/events",
        "params": params,
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> AgentEventPage | Problem | None:
    if response.status_code == 200:
        response_200 = AgentEventPage.from_dict(response.json())

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
) -> Response[AgentEventPage | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    agent_id: str | Unset = UNSET,
    session_id: str | Unset = UNSET,
    type_: AgentEventType | Unset = UNSET,
    since: datetime.datetime | Unset = UNSET,
    limit: int | Unset = 20,
    cursor: str | Unset = UNSET,
    x_tenant_id: str | Unset = UNSET,
    x_workspace_id: str | Unset = UNSET,
    traceparent: str | Unset = UNSET,
) -> Response[AgentEventPage | Problem]:
    """List agent events

    Args:
        agent_id (str | Unset):
        session_id (str | Unset):
        type_ (AgentEventType | Unset): Kinds of agent event.
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
        Response[AgentEventPage | Problem]
    """

    kwargs = _get_kwargs(
        agent_id=agent_id,
        session_id=session_id,
        type_=type_,
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
    agent_id: str | Unset = UNSET,
    session_id: str | Unset = UNSET,
    type_: AgentEventType | Unset = UNSET,
    since: datetime.datetime | Unset = UNSET,
    limit: int | Unset = 20,
    cursor: str | Unset = UNSET,
    x_tenant_id: str | Unset = UNSET,
    x_workspace_id: str | Unset = UNSET,
    traceparent: str | Unset = UNSET,
) -> AgentEventPage | Problem | None:
    """List agent events

    Args:
        agent_id (str | Unset):
        session_id (str | Unset):
        type_ (AgentEventType | Unset): Kinds of agent event.
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
        AgentEventPage | Problem
    """

    return sync_detailed(
        client=client,
        agent_id=agent_id,
        session_id=session_id,
        type_=type_,
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
    agent_id: str | Unset = UNSET,
    session_id: str | Unset = UNSET,
    type_: AgentEventType | Unset = UNSET,
    since: datetime.datetime | Unset = UNSET,
    limit: int | Unset = 20,
    cursor: str | Unset = UNSET,
    x_tenant_id: str | Unset = UNSET,
    x_workspace_id: str | Unset = UNSET,
    traceparent: str | Unset = UNSET,
) -> Response[AgentEventPage | Problem]:
    """List agent events

    Args:
        agent_id (str | Unset):
        session_id (str | Unset):
        type_ (AgentEventType | Unset): Kinds of agent event.
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
        Response[AgentEventPage | Problem]
    """

    kwargs = _get_kwargs(
        agent_id=agent_id,
        session_id=session_id,
        type_=type_,
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
    agent_id: str | Unset = UNSET,
    session_id: str | Unset = UNSET,
    type_: AgentEventType | Unset = UNSET,
    since: datetime.datetime | Unset = UNSET,
    limit: int | Unset = 20,
    cursor: str | Unset = UNSET,
    x_tenant_id: str | Unset = UNSET,
    x_workspace_id: str | Unset = UNSET,
    traceparent: str | Unset = UNSET,
) -> AgentEventPage | Problem | None:
    """List agent events

    Args:
        agent_id (str | Unset):
        session_id (str | Unset):
        type_ (AgentEventType | Unset): Kinds of agent event.
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
        AgentEventPage | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
            agent_id=agent_id,
            session_id=session_id,
            type_=type_,
            since=since,
            limit=limit,
            cursor=cursor,
            x_tenant_id=x_tenant_id,
            x_workspace_id=x_workspace_id,
            traceparent=traceparent,
        )
    ).parsed
