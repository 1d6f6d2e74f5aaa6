"""The settings an executor builds its own client from: resolved on the driver, picklable.

A client is never shipped to executors (it holds sockets, locks and threads). The
driver resolves the API key, URL, timeout and retries once (arguments, environment,
profile file: none of these need exist on the executors) and sends those values with
the task; each partition builds a `Client` from them and closes it when done.
"""

from __future__ import annotations

import pickle
from typing import Any

from ..errors import InvalidParameterError

_RESOLVED = ("api_key", "base_url", "timeout", "max_retries", "tenant_id", "workspace_id")
_DRIVER_ONLY = ("profile", "config_file")
_REFUSED = {
    "http_client": "a connection pool cannot be shipped to executors",
    "telemetry": "bulk writes are sent at once, not through the telemetry pipeline",
}


class ClientSettings:
    """Keyword arguments of `agentplatform.Client`, checked to survive pickling.

    The API key is among them (an executor needs it) but never in the repr.
    """

    __slots__ = ("options",)

    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options

    @classmethod
    def resolve(
        cls, api_key: str | None, base_url: str | None, options: dict[str, Any]
    ) -> ClientSettings:
        """Resolve the settings here (the driver) as `Client(...)` would, failing early."""
        from .._client import Client

        for name, reason in _REFUSED.items():
            if name in options:
                raise InvalidParameterError(name, f"is not an option of bulk writes: {reason}.")
        given = dict(options)
        if api_key is not None:
            given["api_key"] = api_key
        if base_url is not None:
            given["base_url"] = base_url
        with Client(**given) as probe:
            settings = probe.settings
        resolved = {k: v for k, v in given.items() if k not in _RESOLVED + _DRIVER_ONLY}
        for name in _RESOLVED:
            value = getattr(settings, name)
            if value is not None:
                resolved[name] = value
        for name, value in resolved.items():
            try:
                pickle.dumps(value)
            except Exception as exc:
                raise InvalidParameterError(
                    name, f"must be picklable to reach the executors: {type(exc).__name__}."
                ) from None
        return cls(resolved)

    def client(self) -> Any:
        """A new `agentplatform.Client` (the caller closes it)."""
        from .._client import Client

        return Client(**self.options)

    def __getstate__(self) -> dict[str, Any]:
        return self.options

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.options = state

    def __repr__(self) -> str:
        return f"<ClientSettings base_url={self.options.get('base_url')!r}>"
