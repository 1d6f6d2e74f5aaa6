"""Lazy paginators over cursor-paginated list calls (`for`, `async for`, `.pages()`)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Sequence
from typing import Generic, Protocol, TypeVar

import attrs

from ._operation import PageCall
from .errors import APIResponseValidationError

ItemT = TypeVar("ItemT")
ItemT_co = TypeVar("ItemT_co", covariant=True)


class Page(Protocol[ItemT_co]):
    """One page of a list: its items and where the next page starts."""

    @property
    def data(self) -> Sequence[ItemT_co]: ...

    @property
    def next_cursor(self) -> str | None: ...

    @property
    def has_more(self) -> bool: ...


def _next_call(call: PageCall[ItemT], page: Page[ItemT], seen: set[str]) -> PageCall[ItemT] | None:
    """The call for the page after `page`, or None at the end."""
    if not page.has_more:
        return None
    cursor = page.next_cursor
    if not isinstance(cursor, str) or not cursor:
        raise APIResponseValidationError(
            "The page says has_more but gives no next_cursor.", field="next_cursor"
        )
    if cursor in seen:
        raise APIResponseValidationError(
            f"The server returned cursor {cursor!r} twice; stopping to avoid a loop.",
            field="next_cursor",
        )
    seen.add(cursor)
    return attrs.evolve(call, kwargs={**call.kwargs, "cursor": cursor})


class SyncPaginator(Generic[ItemT]):
    """Iterates every item of a list call, fetching pages as needed.

    `for item in paginator` walks items (up to `max_items`); `.pages()` yields whole pages.
    Nothing is fetched until iteration starts; iterating twice starts again.
    """

    def __init__(self, fetch: Callable[[PageCall[ItemT]], Page[ItemT]], call: PageCall[ItemT]):
        self._fetch = fetch
        self._call = call

    def pages(self) -> Iterator[Page[ItemT]]:
        """Yield each page in order (an empty page with `has_more` is followed)."""
        call: PageCall[ItemT] | None = self._call
        seen: set[str] = set()
        while call is not None:
            page = self._fetch(call)
            yield page
            call = _next_call(call, page, seen)

    def __iter__(self) -> Iterator[ItemT]:
        remaining = self._call.max_items
        if remaining is not None and remaining <= 0:
            return
        for page in self.pages():
            for item in page.data:
                yield item
                if remaining is not None:
                    remaining -= 1
                    if remaining <= 0:
                        return

    def to_list(self) -> list[ItemT]:
        """Every item (up to `max_items`) in a list."""
        return list(self)


class AsyncPaginator(Generic[ItemT]):
    """The async twin of `SyncPaginator`: `async for item in paginator`, `.pages()`."""

    def __init__(
        self, fetch: Callable[[PageCall[ItemT]], Awaitable[Page[ItemT]]], call: PageCall[ItemT]
    ):
        self._fetch = fetch
        self._call = call

    async def pages(self) -> AsyncIterator[Page[ItemT]]:
        """Yield each page in order (an empty page with `has_more` is followed)."""
        call: PageCall[ItemT] | None = self._call
        seen: set[str] = set()
        while call is not None:
            page = await self._fetch(call)
            yield page
            call = _next_call(call, page, seen)

    async def __aiter__(self) -> AsyncIterator[ItemT]:
        remaining = self._call.max_items
        if remaining is not None and remaining <= 0:
            return
        async for page in self.pages():
            for item in page.data:
                yield item
                if remaining is not None:
                    remaining -= 1
                    if remaining <= 0:
                        return

    async def to_list(self) -> list[ItemT]:
        """Every item (up to `max_items`) in a list."""
        return [item async for item in self]
