from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.relation_direction import RelationDirection
from ...models.relation_page import RelationPage
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    entity_id: str | Unset = UNSET,
    type_: str | Unset = UNSET,
    direction: RelationDirection | Unset = UNSET,
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

    params["entity_id"] = entity_id

    params["type"] = type_

    json_direction: str | Unset = UNSET
    if not isinstance(direction, Unset):
        json_direction = direction

    params["direction"] = json_direction

    params["limit"] = limit

    params["cursor"] = cursor

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/relations",
        "params": params,
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Problem | RelationPage | None:
    if response.status_code == 200:
        response_200 = RelationPage.from_dict(response.json())

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
) -> Response[Problem | RelationPage]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    entity_id: str | Unset = UNSET,
    type_: str | Unset = UNSET,
    direction: RelationDirection | Unset = UNSET,
    limit: int | Unset = 20,
    cursor: str | Unset = UNSET,
    x_tenant_id: str | Unset = UNSET,
    x_workspace_id: str | Unset = UNSET,
    traceparent: str | Unset = UNSET,
) -> Response[Problem | RelationPage]:
    """List relations

    Args:
        entity_id (str | Unset):
        type_ (str | Unset):
        direction (RelationDirection | Unset): Which side of a relation an entity is on.
        limit (int | Unset):  Default: 20.
        cursor (str | Unset):
        x_tenant_id (str | Unset):
        x_workspace_id (str | Unset):
        traceparent (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | RelationPage]
    """

    kwargs = _get_kwargs(
        entity_id=entity_id,
        type_=type_,
        direction=direction,
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
    entity_id: str | Unset = UNSET,
    type_: str | Unset = UNSET,
    direction: RelationDirection | Unset = UNSET,
    limit: int | Unset = 20,
    cursor: str | Unset = UNSET,
    x_tenant_id: str | Unset = UNSET,
    x_workspace_id: str | Unset = UNSET,
    traceparent: str | Unset = UNSET,
) -> Problem | RelationPage | None:
    """List relations

    Args:
        entity_id (str | Unset):
        type_ (str | Unset):
        direction (RelationDirection | Unset): Which side of a relation an entity is on.
        limit (int | Unset):  Default: 20.
        cursor (str | Unset):
        x_tenant_id (str | Unset):
        x_workspace_id (str | Unset):
        traceparent (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | RelationPage
    """

    return sync_detailed(
        client=client,
        entity_id=entity_id,
        type_=type_,
        direction=direction,
        limit=limit,
        cursor=cursor,
        x_tenant_id=x_tenant_id,
        x_workspace_id=x_workspace_id,
        traceparent=traceparent,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    entity_id: str | Unset = UNSET,
    type_: str | Unset = UNSET,
    direction: RelationDirection | Unset = UNSET,
    limit: int | Unset = 20,
    cursor: str | Unset = UNSET,
    x_tenant_id: str | Unset = UNSET,
    x_workspace_id: str | Unset = UNSET,
    traceparent: str | Unset = UNSET,
) -> Response[Problem | RelationPage]:
    """List relations

    Args:
        entity_id (str | Unset):
        type_ (str | Unset):
        direction (RelationDirection | Unset): Which side of a relation an entity is on.
        limit (int | Unset):  Default: 20.
        cursor (str | Unset):
        x_tenant_id (str | Unset):
        x_workspace_id (str | Unset):
        traceparent (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | RelationPage]
    """

    kwargs = _get_kwargs(
        entity_id=entity_id,
        type_=type_,
        direction=direction,
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
    entity_id: str | Unset = UNSET,
    type_: str | Unset = UNSET,
    direction: RelationDirection | Unset = UNSET,
    limit: int | Unset = 20,
    cursor: str | Unset = UNSET,
    x_tenant_id: str | Unset = UNSET,
    x_workspace_id: str | Unset = UNSET,
    traceparent: str | Unset = UNSET,
) -> Problem | RelationPage | None:
    """List relations

    Args:
        entity_id (str | Unset):
        type_ (str | Unset):
        direction (RelationDirection | Unset): Which side of a relation an entity is on.
        limit (int | Unset):  Default: 20.
        cursor (str | Unset):
        x_tenant_id (str | Unset):
        x_workspace_id (str | Unset):
        traceparent (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | RelationPage
    """

    return (
        await asyncio_detailed(
            client=client,
            entity_id=entity_id,
            type_=type_,
            direction=direction,
            limit=limit,
            cursor=cursor,
            x_tenant_id=x_tenant_id,
            x_workspace_id=x_workspace_id,
            traceparent=traceparent,
        )
    ).parsed
