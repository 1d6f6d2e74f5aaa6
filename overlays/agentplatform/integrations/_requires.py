"""Optional libraries of the integrations: imported on demand, or a clear error."""

from __future__ import annotations

import importlib
from types import ModuleType

from ..errors import ConfigurationError


class MissingExtraError(ConfigurationError, ImportError):
    """An integration's library is not installed; the message names the extra to install.

    It is also an `ImportError`, so `except ImportError` keeps working.
    """


def require(module: str, extra: str) -> ModuleType:
    """Import `module`, or raise `MissingExtraError` naming `pip install 'agentplatform[extra]'`."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise MissingExtraError(
            f"This integration needs {module.partition('.')[0]!r}, which is not installed: "
            f"pip install 'agentplatform[{extra}]'"
        ) from exc
