"""Optional libraries of the integrations: imported on demand, or a clear error."""

from __future__ import annotations

import importlib
from types import ModuleType

from ..errors import MissingExtraError

__all__ = ["require"]


def require(module: str, extra: str) -> ModuleType:
    """Import `module`, or raise `MissingExtraError` naming `pip install 'agentplatform[extra]'`."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        missing = exc.name or module.partition(".")[0]
        raise MissingExtraError("This integration", extra, missing) from exc
