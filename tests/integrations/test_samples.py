"""`_samples`: bounded, JSON-safe pictures of arrays, frames, tensors and lists."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pandas as pd
import torch
from agentplatform.integrations import _samples
from scipy import sparse


def test_numpy_rows_are_flattened_and_cut() -> None:
    images = np.arange(2 * 3 * 20, dtype=np.float64).reshape(2, 3, 20)
    summary = _samples.describe(images, rows=5)
    assert summary["type"] == "ndarray" and summary["shape"] == [2, 3, 20]
    assert summary["sample"] == [list(range(32)), list(range(60, 92))]


def test_frames_series_sparse_and_tensors() -> None:
    frame = pd.DataFrame({"a": [1, 2, 3], "b": ["x", "y", None]})
    assert _samples.describe(frame, 2) == {
        "type": "DataFrame",
        "shape": [3, 2],
        "columns": ["a", "b"],
        "sample": [[1, "x"], [2, "y"]],
    }
    assert _samples.sample(pd.Series([0.5, float("nan")]), 5) == [0.5, None]
    matrix = sparse.csr_matrix(np.eye(3))
    assert _samples.describe(matrix, 1)["sample"] == [[1.0, 0.0, 0.0]]
    assert _samples.sample(torch.ones(2, 2, 20), 1) == [[1.0] * 32]
    assert _samples.sample(torch.tensor([1, 2, 3]), 2) == [1, 2]


def test_lists_are_flattened_depth_first_and_values_made_json_safe() -> None:
    nested = [[[1, [2, 3]], 4], [float("inf"), "z" * 300, object()]]
    first, second = _samples.sample(nested, 10)  # type: ignore[misc]
    assert first == [1, 2, 3, 4]
    assert second[0] is None and second[1] == "z" * 200 + "…"
    assert second[2].startswith("<object object at")
    assert _samples.sample([list(range(100))], 1) == [list(range(32))]
    json.dumps(_samples.describe(nested, 10), allow_nan=False)


def test_scalars_of_numpy_and_torch_become_python_values() -> None:
    assert _samples.json_safe(np.float32(1.5)) == 1.5
    assert _samples.json_safe(np.int64(3)) == 3 and type(_samples.json_safe(np.int64(3))) is int
    assert _samples.json_safe(torch.tensor(2.0)) == 2.0
    assert _samples.json_safe(np.bool_(True)) is True


def test_what_cannot_be_sampled_is_described_by_type_only() -> None:
    class Exotic:
        shape = ("a", "b")

        def __getitem__(self, item: Any) -> Any:
            raise KeyError(item)

    assert _samples.describe(Exotic(), 3) == {"type": "Exotic"}
    assert _samples.describe("text", 3) == {"type": "str"}
    assert _samples.describe(42, 3) == {"type": "int"}
    assert _samples.describe((1, 2), 0) == {"type": "tuple", "shape": [2]}
    assert _samples.shape(np.zeros((2, 0))) == [2, 0]
