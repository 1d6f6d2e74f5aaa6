"""Write-through collections: a dict or list that tells a callback about every change.

With a data dir, `SandboxState` and each `TenantStore` hold these instead of plain
dicts and lists, so handlers write to SQLite by the same statements that change
memory (`store.entities[id] = Stored(...)`, `del ...`, `telemetry.append(...)`).
Reads are the plain dict's and list's own, at their speed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar, overload

from .records import TenantStore

V = TypeVar("V")
D = TypeVar("D")


class WriteThroughDict(dict[str, V]):
    """A dict whose every change calls `on_set(key, value)` or `on_delete(key)`."""

    def __init__(
        self,
        items: Mapping[str, V],
        on_set: Callable[[str, V], None],
        on_delete: Callable[[str], None],
    ) -> None:
        super().__init__(items)
        self._on_set = on_set
        self._on_delete = on_delete

    def __setitem__(self, key: str, value: V) -> None:
        super().__setitem__(key, value)
        self._on_set(key, value)

    def __delitem__(self, key: str) -> None:
        super().__delitem__(key)
        self._on_delete(key)

    @overload
    def pop(self, key: str, /) -> V: ...
    @overload
    def pop(self, key: str, default: V, /) -> V: ...
    @overload
    def pop(self, key: str, default: D, /) -> V | D: ...
    def pop(self, key: str, *default: Any) -> Any:
        """Remove `key` and return its value (or `default` when it is absent)."""
        if key not in self:
            if default:
                return default[0]
            raise KeyError(key)
        value = self[key]
        del self[key]
        return value

    def popitem(self) -> tuple[str, V]:
        """Remove and return the newest item."""
        key = next(reversed(self))
        return key, self.pop(key)

    def setdefault(self, key: str, default: V, /) -> V:
        """The value of `key`, stored as `default` first when absent."""
        if key not in self:
            self[key] = default
        return self[key]

    def update(self, *args: Any, **kwargs: V) -> None:
        """Set every given item, one by one."""
        for key, value in dict(*args, **kwargs).items():
            self[key] = value

    def __ior__(self, other: Any) -> WriteThroughDict[V]:  # type: ignore[override,misc]
        self.update(other)
        return self

    def clear(self) -> None:
        """Remove every item."""
        for key in list(self):
            del self[key]


class WriteThroughList(list[V]):
    """A list that calls `on_append(item)` for every item appended; only appends are
    written through (the sandbox never changes its logs otherwise)."""

    def __init__(self, items: Iterable[V], on_append: Callable[[V], None]) -> None:
        super().__init__(items)
        self._on_append = on_append

    def append(self, item: V) -> None:
        """Append `item`."""
        super().append(item)
        self._on_append(item)

    def extend(self, items: Iterable[V]) -> None:
        """Append each of `items`."""
        for item in items:
            self.append(item)

    def __iadd__(self, items: Iterable[V]) -> WriteThroughList[V]:  # type: ignore[override,misc]
        self.extend(items)
        return self


class Conversations(WriteThroughDict[list[str]]):
    """Message ids by conversation; each conversation's list writes its appends through."""

    def __init__(
        self, items: Mapping[str, list[str]], on_message: Callable[[str, str], None]
    ) -> None:
        self._on_message = on_message
        lists = {key: self._messages(key, value) for key, value in items.items()}
        super().__init__(lists, lambda key, value: None, lambda key: None)

    def _messages(self, conversation_id: str, items: Iterable[str]) -> list[str]:
        return WriteThroughList(items, lambda item: self._on_message(conversation_id, item))

    def __setitem__(self, key: str, value: list[str]) -> None:
        messages = self._messages(key, [])
        super().__setitem__(key, messages)
        messages.extend(value)


class DurableTenantStore(TenantStore):
    """A `TenantStore` that also calls `on_ontology(ontology)` when its ontology is
    replaced (`store.ontology = ...`)."""

    def bind(self, on_ontology: Callable[[Any], None]) -> DurableTenantStore:
        """Start reporting ontology replacements to `on_ontology`."""
        object.__setattr__(self, "_on_ontology", on_ontology)
        return self

    def __setattr__(self, name: str, value: Any) -> None:
        super().__setattr__(name, value)
        hook = self.__dict__.get("_on_ontology")
        if name == "ontology" and hook is not None:
            hook(value)
