from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.memory import Memory
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    memory_id: str,
    *,
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

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/memories/{memory_id}".format(
            memory_id=quote(str(memory_id), safe=""),
        ),
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Memory | Problem | None:
    if response.status_code == 200:
        response_200 = Memory.from_dict(response.json())

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

    if response.status_code == 404:
        response_404 = Problem.from_dict(response.json())

        return response_404

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
) -> Response[Memory | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    memory_id: str,
    *,
    client: AuthenticatedClient | Client,
    x_tenant_id: str | Unset = UNSET,
    x_workspace_id: str | Unset = UNSET,
    traceparent: str | Unset = UNSET,
) -> Response[Memory | Problem]:
    """Get a memory

    Args:
        memory_id (str):
        x_tenant_id (str | Unset):
        x_workspace_id (str | Unset):
        traceparent (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Memory | Problem]
    """

    kwargs = _get_kwargs(
        memory_id=memory_id,
        x_tenant_id=x_tenant_id,
        x_workspace_id=x_workspace_id,
        traceparent=traceparent,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    memory_id: str,
    *,
    client: AuthenticatedClient | Client,
    x_tenant_id: str | Unset = UNSET,
    x_workspace_id: str | Unset = UNSET,
    traceparent: str | Unset = UNSET,
) -> Memory | Problem | None:
    """Get a memory

    Args:
        memory_id (str):
        x_tenant_id (str | Unset):
        x_workspace_id (str | Unset):
        traceparent (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Memory | Problem
    """

    return sync_detailed(
        memory_id=memory_id,
        client=client,
        x_tenant_id=x_tenant_id,
        x_workspace_id=x_workspace_id,
        traceparent=traceparent,
    ).parsed


async def asyncio_detailed(
    memory_id: str,
    *,
    client: AuthenticatedClient | Client,
    x_tenant_id: str | Unset = UNSET,
    x_workspace_id: str | Unset = UNSET,
    traceparent: str | Unset = UNSET,
) -> Response[Memory | Problem]:
    """Get a memory

    Args:
        memory_id (str):
        x_tenant_id (str | Unset):
        x_workspace_id (str | Unset):
        traceparent (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Memory | Problem]
    """

    kwargs = _get_kwargs(
        memory_id=memory_id,
        x_tenant_id=x_tenant_id,
        x_workspace_id=x_workspace_id,
        traceparent=traceparent,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    memory_id: str,
    *,
    client: AuthenticatedClient | Client,
    x_tenant_id: str | Unset = UNSET,
    x_workspace_id: str | Unset = UNSET,
    traceparent: str | Unset = UNSET,
) -> Memory | Problem | None:
    """Get a memory

    Args:
        memory_id (str):
        x_tenant_id (str | Unset):
        x_workspace_id (str | Unset):
        traceparent (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Memory | Problem
    """

    return (
        await asyncio_detailed(
            memory_id=memory_id,
            client=client,
            x_tenant_id=x_tenant_id,
            x_workspace_id=x_workspace_id,
            traceparent=traceparent,
        )
    ).parsed
