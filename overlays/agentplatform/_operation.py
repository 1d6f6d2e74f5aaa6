"""Operations are written once and served sync, async and raw.

A resource method builds a `Call` (which generated endpoint to use, with which
arguments and per-call options) and never performs I/O itself. The descriptors below
bind that method to the resource's runner, so `Entities[Sync].create(...)` returns an
`Entity`, `Entities[Async].create(...)` a coroutine of one, and the raw variants a
`RawResponse`. mypy sees each of these signatures exactly.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Mapping
from typing import (
    TYPE_CHECKING,
    Any,
    Concatenate,
    Generic,
    ParamSpec,
    Protocol,
    Self,
    TypedDict,
    TypeVar,
    overload,
)

import attrs
import httpx

from . import _params

if TYPE_CHECKING:
    from ._progress import PollCall
    from .pagination import AsyncPaginator, Page, SyncPaginator
    from .raw_response import RawResponse
    from .streaming import StreamCall

P = ParamSpec("P")
T = TypeVar("T")
ItemT = TypeVar("ItemT")
SyncStreamT = TypeVar("SyncStreamT")
AsyncStreamT = TypeVar("AsyncStreamT")


class Sync:
    """Mode marker: calls return values."""


class Async:
    """Mode marker: calls return coroutines."""


class RawSync:
    """Mode marker: calls return `RawResponse` objects."""


class RawAsync:
    """Mode marker: calls return coroutines of `RawResponse` objects."""


M = TypeVar("M", Sync, Async, RawSync, RawAsync)


class RequestOptions(TypedDict, total=False):
    """Per-call options accepted by every operation."""

    timeout: float | httpx.Timeout | None
    """Seconds (or an `httpx.Timeout`) for this call instead of the client's timeout."""
    extra_headers: Mapping[str, str]
    """Headers added to this call (they cannot replace the API key header)."""
    idempotency_key: str
    """The `Idempotency-Key` of a POST; a fresh uuid4 is used when not given."""
    max_retries: int
    """Retries for this call instead of the client's `max_retries`."""


class Endpoint(Protocol):
    """What the overlay uses of a generated endpoint module."""

    def _get_kwargs(self, *args: Any, **kwargs: Any) -> dict[str, Any]: ...

    def _parse_response(self, *, client: Any, response: httpx.Response) -> Any: ...


@attrs.frozen(slots=True)
class Call(Generic[T]):
    """One request to make: the generated endpoint, its arguments and the call options."""

    endpoint: Endpoint
    kwargs: dict[str, Any]
    options: RequestOptions
    returns_none: bool = False


@attrs.frozen(slots=True)
class PageCall(Call["Page[ItemT]"]):
    """A list request; the paginator follows `next_cursor` from it."""

    max_items: int | None = None


def page_call(
    endpoint: Endpoint,
    kwargs: dict[str, Any],
    options: RequestOptions,
    *,
    limit: int | None,
    max_items: int | None,
) -> PageCall[Any]:
    """A list call with checked `limit` (page size) and `max_items` (total cap)."""
    if limit is not None:
        kwargs["limit"] = _params.integer("limit", limit, minimum=1, maximum=200)
    if max_items is not None:
        _params.integer("max_items", max_items, minimum=0)
    return PageCall(endpoint, kwargs, options, max_items=max_items)


class Runner(Protocol):
    """Runs calls in one mode (see `_runners`)."""

    def run(self, call: Call[Any]) -> Any: ...

    def paginate(self, call: PageCall[Any]) -> Any: ...

    def stream(self, call: StreamCall[Any, Any]) -> Any: ...

    def wait(self, call: PollCall[Any]) -> Any: ...


class Resource(Generic[M]):
    """Base of every resource: holds the runner its operations are bound to."""

    def __init__(self, runner: Runner) -> None:
        self._runner: Runner = runner


class _Bound(Generic[P, T]):
    """Base of the binding descriptors: caches the bound function per resource."""

    def __init__(self, fn: Callable[Concatenate[Any, P], Any]) -> None:
        self.fn = fn
        self.name = fn.__name__
        self.__doc__ = fn.__doc__
        self.__wrapped__ = fn

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def _bind(self, obj: Resource[Any], run: Callable[[Any], Any]) -> Callable[..., Any]:
        fn = self.fn

        def bound(*args: Any, **kwargs: Any) -> Any:
            return run(fn(obj, *args, **kwargs))

        bound.__name__ = self.name
        bound.__doc__ = fn.__doc__
        bound.__wrapped__ = fn  # type: ignore[attr-defined]
        obj.__dict__[self.name] = bound
        return bound


class operation(_Bound[P, T]):
    """Decorator for a resource method that returns a `Call[T]`."""

    def __init__(self, fn: Callable[Concatenate[Any, P], Call[T]]) -> None:
        super().__init__(fn)

    @overload
    def __get__(self, obj: None, owner: Any) -> Self: ...
    @overload
    def __get__(self, obj: Resource[Sync], owner: Any) -> Callable[P, T]: ...
    @overload
    def __get__(self, obj: Resource[Async], owner: Any) -> Callable[P, Coroutine[Any, Any, T]]: ...
    @overload
    def __get__(self, obj: Resource[RawSync], owner: Any) -> Callable[P, RawResponse[T]]: ...
    @overload
    def __get__(
        self, obj: Resource[RawAsync], owner: Any
    ) -> Callable[P, Coroutine[Any, Any, RawResponse[T]]]: ...
    def __get__(self, obj: Resource[Any] | None, owner: Any) -> Any:
        if obj is None:
            return self
        return self._bind(obj, obj._runner.run)


class paginated(_Bound[P, ItemT]):
    """Decorator for a list method that returns a `PageCall[ItemT]`."""

    def __init__(self, fn: Callable[Concatenate[Any, P], PageCall[ItemT]]) -> None:
        super().__init__(fn)

    @overload
    def __get__(self, obj: None, owner: Any) -> Self: ...
    @overload
    def __get__(self, obj: Resource[Sync], owner: Any) -> Callable[P, SyncPaginator[ItemT]]: ...
    @overload
    def __get__(self, obj: Resource[Async], owner: Any) -> Callable[P, AsyncPaginator[ItemT]]: ...
    @overload
    def __get__(
        self, obj: Resource[RawSync], owner: Any
    ) -> Callable[P, RawResponse[Page[ItemT]]]: ...
    @overload
    def __get__(
        self, obj: Resource[RawAsync], owner: Any
    ) -> Callable[P, Coroutine[Any, Any, RawResponse[Page[ItemT]]]]: ...
    def __get__(self, obj: Resource[Any] | None, owner: Any) -> Any:
        if obj is None:
            return self
        return self._bind(obj, obj._runner.paginate)


class streamed(_Bound[P, Any], Generic[P, SyncStreamT, AsyncStreamT]):
    """Decorator for a method that returns a `StreamCall`: calls return its stream object.

    The stream is the sync class on `Client` and the async one on `AsyncClient`; the raw
    modes return the same streams, which carry the HTTP details themselves.
    """

    def __init__(
        self, fn: Callable[Concatenate[Any, P], StreamCall[SyncStreamT, AsyncStreamT]]
    ) -> None:
        super().__init__(fn)

    @overload
    def __get__(self, obj: None, owner: Any) -> Self: ...
    @overload
    def __get__(self, obj: Resource[Sync], owner: Any) -> Callable[P, SyncStreamT]: ...
    @overload
    def __get__(self, obj: Resource[Async], owner: Any) -> Callable[P, AsyncStreamT]: ...
    @overload
    def __get__(self, obj: Resource[RawSync], owner: Any) -> Callable[P, SyncStreamT]: ...
    @overload
    def __get__(self, obj: Resource[RawAsync], owner: Any) -> Callable[P, AsyncStreamT]: ...
    def __get__(self, obj: Resource[Any] | None, owner: Any) -> Any:
        if obj is None:
            return self
        return self._bind(obj, obj._runner.stream)


class polled(_Bound[P, T]):
    """Decorator for a method that returns a `PollCall[T]`: calls wait for the final `T`."""

    def __init__(self, fn: Callable[Concatenate[Any, P], PollCall[T]]) -> None:
        super().__init__(fn)

    @overload
    def __get__(self, obj: None, owner: Any) -> Self: ...
    @overload
    def __get__(self, obj: Resource[Sync], owner: Any) -> Callable[P, T]: ...
    @overload
    def __get__(self, obj: Resource[Async], owner: Any) -> Callable[P, Coroutine[Any, Any, T]]: ...
    @overload
    def __get__(self, obj: Resource[RawSync], owner: Any) -> Callable[P, RawResponse[T]]: ...
    @overload
    def __get__(
        self, obj: Resource[RawAsync], owner: Any
    ) -> Callable[P, Coroutine[Any, Any, RawResponse[T]]]: ...
    def __get__(self, obj: Resource[Any] | None, owner: Any) -> Any:
        if obj is None:
            return self
        return self._bind(obj, obj._runner.wait)
