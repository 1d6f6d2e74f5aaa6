"""Imported first by the package: a missing dependency of the `sandbox` extra raises a
`ModuleNotFoundError` that names `pip install 'agentplatform[sandbox]'`, not a bare one."""

from __future__ import annotations

import importlib.util

MODULES = ("starlette", "uvicorn", "jsonschema", "referencing", "yaml")


def missing() -> str | None:
    """The first dependency of the extra that cannot be imported, or None."""
    for module in MODULES:
        try:
            found = importlib.util.find_spec(module) is not None
        except (ImportError, ValueError):
            found = False
        if not found:
            return module
    return None


_missing = missing()
if _missing is not None:
    raise ModuleNotFoundError(
        f"agentplatform_sandbox needs the sandbox extra ({_missing} is not installed): "
        "pip install 'agentplatform[sandbox]'",
        name=_missing,
    )
