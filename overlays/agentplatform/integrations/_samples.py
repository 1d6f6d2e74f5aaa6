"""Small, JSON-safe pictures of model inputs and outputs: shapes and a bounded sample.

Works on NumPy arrays, pandas frames and series, SciPy sparse matrices, PyTorch tensors
and nested lists, without importing any of them. A sample is the first `rows` rows,
each flattened and cut to `MAX_VALUES` values; non-finite floats become None and long
strings are cut, so the record always encodes. Nothing here raises: what cannot be
described is left out.
"""

from __future__ import annotations

import contextlib
import math
from typing import Any

MAX_VALUES = 32
"""Values kept of each sampled row (and column names kept of a frame)."""
MAX_TEXT = 200
"""Characters kept of a sampled string."""
_SCALARS = (bool, int, float, str)


def shape(value: Any) -> list[int] | None:
    """The shape of an array-like (`len` for a list), or None."""
    found = getattr(value, "shape", None)
    if found is not None:
        try:
            return [int(n) for n in found]
        except (TypeError, ValueError):
            return None
    if isinstance(value, (list, tuple)):
        return [len(value)]
    return None


def describe(value: Any, rows: int) -> dict[str, Any]:
    """`{"type", "shape", "columns", "sample"}` of a value (the keys that apply)."""
    summary: dict[str, Any] = {"type": type(value).__name__}
    found = shape(value)
    if found is not None:
        summary["shape"] = found
    columns = getattr(value, "columns", None)
    if columns is not None:
        with contextlib.suppress(TypeError):
            summary["columns"] = [_text(str(name)) for name in list(columns)[:MAX_VALUES]]
    if rows > 0:
        picked = sample(value, rows)
        if picked is not None:
            summary["sample"] = picked
    return summary


def sample(value: Any, rows: int) -> list[Any] | None:
    """The first `rows` rows of `value`, each flattened to at most `MAX_VALUES` values."""
    try:
        head = _head(value, rows)
        if head is None:
            return None
        return [_row(item) for item in head]
    except Exception:  # an exotic container: describe it by type and shape only
        return None


def _head(value: Any, rows: int) -> list[Any] | None:
    iloc = getattr(value, "iloc", None)
    if iloc is not None:  # pandas: rows by position
        value = iloc[:rows].to_numpy()
    elif hasattr(value, "tocsr"):  # scipy.sparse
        value = value.tocsr()[:rows].toarray()
    elif hasattr(value, "detach"):  # torch.Tensor
        value = value.detach()[:rows]
        if value.dim() > 1:
            value = value.reshape(value.shape[0], -1)[:, :MAX_VALUES]
        return list(value.cpu().tolist())
    elif isinstance(value, (str, bytes)) or not hasattr(value, "__getitem__"):
        return None
    else:
        value = value[:rows]
    ndim = getattr(value, "ndim", None)
    if ndim is not None and ndim > 1 and hasattr(value, "reshape"):  # numpy
        value = value.reshape(value.shape[0], -1)[:, :MAX_VALUES]
    tolist = getattr(value, "tolist", None)
    return list(tolist() if callable(tolist) else value)


def _row(item: Any) -> Any:
    if isinstance(item, (list, tuple)):
        return [json_safe(v) for v in _flat(item)[:MAX_VALUES]]
    return json_safe(item)


def _flat(items: Any) -> list[Any]:
    out: list[Any] = []
    stack = [iter(items)]
    while stack and len(out) < MAX_VALUES:
        for item in stack[-1]:
            if isinstance(item, (list, tuple)):
                stack.append(iter(item))
                break
            out.append(item)
            if len(out) >= MAX_VALUES:
                break
        else:
            stack.pop()
    return out


def json_safe(value: Any) -> Any:
    """A scalar fit for JSON: None for NaN/infinity, cut text, `repr` for the unknown."""
    item = getattr(value, "item", None)  # numpy and torch scalars
    if callable(item) and not isinstance(value, _SCALARS):
        with contextlib.suppress(TypeError, ValueError):
            value = item()
    if value is None or isinstance(value, (bool, int)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, str):
        return _text(value)
    return _text(repr(value))


def _text(text: str) -> str:
    return text if len(text) <= MAX_TEXT else text[:MAX_TEXT] + "…"
