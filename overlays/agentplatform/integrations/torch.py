"""Log the forward calls of a PyTorch `nn.Module` as model calls, with removable hooks.

```python
from agentplatform.integrations.torch import monitor

hooks = monitor(model, model_name="resnet-ft", telemetry=client.telemetry)
model(batch)                    # one model call: batch size, shapes, device, latency
hooks.remove()                  # or: with monitor(...): ...
```

Each call of the module (not of its submodules) is one record: `input_data` holds the
batch size, the shape and dtype of the tensor arguments, the device, whether the module
is in training mode and whether autograd was on; `prediction` the output's shapes; a
call that raises is recorded with its error. The hooks return nothing and read tensors
under `torch.no_grad()` on detached views, so outputs, gradients and the autograd graph
are exactly what they are without them. On an accelerator, kernels run asynchronously:
the latency is the time the forward call took on the host. Needs the `torch` extra.
"""

from __future__ import annotations

import sys
import threading
import time
from typing import Any

from . import _samples
from ._model_calls import ModelCallLog, model_log
from ._requires import require

_torch = require("torch", "torch")

__all__ = ["ModuleMonitor", "monitor"]

_MAX_TENSORS = 8


def monitor(
    module: Any,
    *,
    telemetry: object,
    model_name: str | None = None,
    sample_rate: float = 1.0,
    sample_size: int = 0,
    service_name: str | None = None,
) -> ModuleMonitor:
    """Hook `module` so each forward call is logged as a model call; returns the hooks.

    Args:
        module: a `torch.nn.Module`.
        telemetry: `client.telemetry` of a `Client`.
        model_name: the `model_name` of the records (default: the module's class name).
        sample_rate: the share of calls logged, decided per call (0..1).
        sample_size: rows of the first input and of the output kept, flattened to a few
            values each (default 0: shapes only).
        service_name: the records' service (default: the telemetry config's).
    """
    log = model_log(
        module,
        isinstance(module, _torch.nn.Module),
        expected="module: a torch.nn.Module",
        telemetry=telemetry,
        model_name=model_name,
        sample_rate=sample_rate,
        sample_size=sample_size,
        service_name=service_name,
    )
    return ModuleMonitor(module, log)


class ModuleMonitor:
    """The hooks `monitor()` put on a module; `remove()` (or leaving `with`) takes them off.

    Attributes:
        module: the monitored module.
        model_name: the `model_name` of its records.
    """

    def __init__(self, module: Any, log: ModelCallLog) -> None:
        self.module = module
        self.model_name = log.model_name
        self._log = log
        self._local = threading.local()
        self._handles = [
            module.register_forward_pre_hook(self._before, with_kwargs=True),
            module.register_forward_hook(self._after, with_kwargs=True, always_call=True),
        ]

    @property
    def active(self) -> bool:
        """Whether the hooks are still on the module."""
        return bool(self._handles)

    def remove(self) -> None:
        """Take the hooks off the module (idempotent)."""
        handles, self._handles = self._handles, []
        for handle in handles:
            handle.remove()

    def __enter__(self) -> ModuleMonitor:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.remove()

    def _starts(self) -> list[float | None]:
        starts: list[float | None] | None = getattr(self._local, "starts", None)
        if starts is None:
            starts = self._local.starts = []
        return starts

    def _before(self, module: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        self._starts().append(time.perf_counter() if self._log.sampled() else None)

    def _after(
        self, module: Any, args: tuple[Any, ...], kwargs: dict[str, Any], output: Any
    ) -> None:
        starts = self._starts()
        started = starts.pop() if starts else None
        if started is None:
            return
        latency_ms = (time.perf_counter() - started) * 1000.0
        # With always_call, a forward that raised runs this hook inside torch's handler.
        error = sys.exc_info()[1] if output is None else None
        grad_enabled = bool(_torch.is_grad_enabled())
        input_data: dict[str, Any] | None
        prediction: dict[str, Any] | None
        try:
            with _torch.no_grad():
                input_data = self._inputs(module, args, kwargs)
                input_data["grad_enabled"] = grad_enabled
                prediction = None if error is not None else self._outputs(output)
        except Exception:  # an input or output this summary cannot read
            input_data = prediction = None
        self._log.record(
            latency_ms=latency_ms, input_data=input_data, prediction=prediction, error=error
        )

    def _inputs(self, module: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> dict[str, Any]:
        tensors = _tensors((*args, *kwargs.values()))
        data: dict[str, Any] = {
            "inputs": [_tensor_info(t) for t in tensors],
            "training": bool(module.training),
        }
        if tensors:
            first = tensors[0]
            data["batch_size"] = int(first.shape[0]) if first.dim() > 0 else 1
            data["device"] = str(first.device)
            if self._log.sample_size:
                data["sample"] = _samples.sample(first, self._log.sample_size)
        else:
            parameter = next(module.parameters(), None)
            if parameter is not None:
                data["device"] = str(parameter.device)
        return data

    def _outputs(self, output: Any) -> dict[str, Any]:
        tensors = _tensors((output,))
        prediction: dict[str, Any] = {
            "type": type(output).__name__,
            "outputs": [_tensor_info(t) for t in tensors],
        }
        if tensors and self._log.sample_size:
            prediction["sample"] = _samples.sample(tensors[0], self._log.sample_size)
        return prediction

    def __repr__(self) -> str:
        state = "active" if self.active else "removed"
        return f"<ModuleMonitor {self.model_name!r} on {type(self.module).__name__} ({state})>"


def _tensors(values: tuple[Any, ...]) -> list[Any]:
    """The tensors among `values`, looking into tuples, lists and dicts (a few at most)."""
    found: list[Any] = []
    pending = list(values)
    while pending and len(found) < _MAX_TENSORS:
        value = pending.pop(0)
        if isinstance(value, _torch.Tensor):
            found.append(value)
        elif isinstance(value, (tuple, list)):
            pending[:0] = value
        elif isinstance(value, dict):
            pending[:0] = value.values()
    return found


def _tensor_info(tensor: Any) -> dict[str, Any]:
    return {"shape": [int(n) for n in tensor.shape], "dtype": str(tensor.dtype).split(".")[-1]}
