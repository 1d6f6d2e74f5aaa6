"""`integrations.torch.monitor`: forward hooks on tiny CPU modules, records in the sandbox."""

from __future__ import annotations

import threading
from typing import Any

import agentplatform as ap
import pytest
import torch
from agentplatform.integrations import torch as torch_integration
from agentplatform.integrations.torch import ModuleMonitor, monitor
from agentplatform_sandbox import Sandbox

from ._ml import stored


def tiny() -> torch.nn.Module:
    torch.manual_seed(0)
    return torch.nn.Sequential(torch.nn.Linear(4, 3), torch.nn.ReLU(), torch.nn.Linear(3, 2))


class Pair(torch.nn.Module):
    """Takes keyword tensors, returns a tuple and a dict."""

    def __init__(self) -> None:
        super().__init__()
        self.scale = torch.nn.Parameter(torch.ones(1))

    def forward(self, x: torch.Tensor, *, y: torch.Tensor) -> tuple[Any, ...]:
        return x * self.scale, {"sum": (x + y).sum(dim=1)}


class Constant(torch.nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.value = torch.nn.Parameter(torch.zeros(2))

    def forward(self) -> torch.Tensor:
        return self.value * 2


def test_each_forward_call_is_a_model_call(client: ap.Client, sandbox: Sandbox) -> None:
    net = tiny()
    hooks = monitor(net, telemetry=client.telemetry, model_name="mlp", sample_size=2)
    batch = torch.randn(5, 4)
    output = net(batch)
    (record,) = stored(client, sandbox)  # one record for the module, none for its children
    assert record["model_name"] == "mlp" and record["latency_ms"] >= 0
    assert record["input_data"] == {
        "inputs": [{"shape": [5, 4], "dtype": "float32"}],
        "training": True,
        "grad_enabled": True,
        "batch_size": 5,
        "device": "cpu",
        "sample": batch[:2].tolist(),
    }
    assert record["prediction"] == {
        "type": "Tensor",
        "outputs": [{"shape": [5, 2], "dtype": "float32"}],
        "sample": output[:2].tolist(),
    }
    assert hooks.active and "active" in repr(hooks)


def test_autograd_is_untouched(client: ap.Client, sandbox: Sandbox) -> None:
    batch = torch.randn(6, 4, requires_grad=True)
    plain = tiny()
    expected = plain(batch)
    expected.square().sum().backward()
    expected_grads = [p.grad.clone() for p in plain.parameters()]  # type: ignore[union-attr]
    expected_input_grad = batch.grad.clone()  # type: ignore[union-attr]
    batch.grad = None

    net = tiny()
    monitor(net, telemetry=client.telemetry, sample_size=3)
    output = net(batch)
    assert torch.equal(output, expected) and output.requires_grad
    assert type(output.grad_fn) is type(expected.grad_fn)
    output.square().sum().backward()
    for param, grad in zip(net.parameters(), expected_grads, strict=True):
        assert torch.equal(param.grad, grad)  # type: ignore[arg-type]
    assert torch.equal(batch.grad, expected_input_grad)  # type: ignore[arg-type]
    with torch.no_grad():
        net.eval()
        net(batch)
    _, inference = stored(client, sandbox)
    assert inference["input_data"]["grad_enabled"] is False
    assert inference["input_data"]["training"] is False


def test_remove_and_the_with_block_take_the_hooks_off(client: ap.Client, sandbox: Sandbox) -> None:
    net = tiny()
    with monitor(net, telemetry=client.telemetry) as hooks:
        net(torch.randn(1, 4))
    assert not hooks.active and "removed" in repr(hooks)
    net(torch.randn(1, 4))
    hooks.remove()  # idempotent
    assert not net._forward_hooks and not net._forward_pre_hooks
    assert len(stored(client, sandbox)) == 1


def test_a_forward_that_raises_is_recorded_and_the_error_reaches_the_caller(
    client: ap.Client, sandbox: Sandbox
) -> None:
    net = torch.nn.Linear(4, 2)
    monitor(net, telemetry=client.telemetry)
    with pytest.raises(RuntimeError, match="cannot be multiplied"):
        net(torch.randn(2, 7))
    net(torch.randn(3, 4))  # the next call is timed on its own
    failed, ok = stored(client, sandbox)
    assert failed["prediction"]["error"]["type"] == "RuntimeError"
    assert failed["input_data"]["batch_size"] == 2
    assert ok["input_data"]["batch_size"] == 3 and "error" not in ok["prediction"]


def test_keyword_inputs_nested_outputs_and_no_inputs(client: ap.Client, sandbox: Sandbox) -> None:
    pair, constant = Pair(), Constant()
    monitor(pair, telemetry=client.telemetry)
    monitor(constant, telemetry=client.telemetry, model_name="const")
    pair(torch.ones(2, 3), y=torch.ones(2, 3, dtype=torch.float64))
    constant()
    first, second = stored(client, sandbox)
    assert first["input_data"]["inputs"] == [
        {"shape": [2, 3], "dtype": "float32"},
        {"shape": [2, 3], "dtype": "float64"},
    ]
    assert first["prediction"]["type"] == "tuple"
    assert [o["shape"] for o in first["prediction"]["outputs"]] == [[2, 3], [2]]
    assert second["input_data"]["inputs"] == [] and second["input_data"]["device"] == "cpu"
    assert "batch_size" not in second["input_data"]


def test_threads_time_their_own_calls(client: ap.Client, sandbox: Sandbox) -> None:
    net = tiny()
    monitor(net, telemetry=client.telemetry)

    def work(size: int) -> None:
        for _ in range(20):
            net(torch.randn(size, 4))

    threads = [threading.Thread(target=work, args=(size,)) for size in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    records = stored(client, sandbox)
    assert sorted(r["input_data"]["batch_size"] for r in records) == [1] * 20 + [2] * 20


def test_sample_rate_zero_logs_nothing(client: ap.Client, sandbox: Sandbox) -> None:
    net = tiny()
    monitor(net, telemetry=client.telemetry, sample_rate=0.0)
    net(torch.randn(2, 4))
    assert stored(client, sandbox) == []


def test_a_scalar_input_is_a_batch_of_one_without_rows(client: ap.Client, sandbox: Sandbox) -> None:
    net = torch.nn.Identity()
    monitor(net, telemetry=client.telemetry, sample_size=1)
    net(torch.tensor(3.0))
    (record,) = stored(client, sandbox)
    assert record["input_data"]["batch_size"] == 1
    assert record["input_data"]["sample"] is None  # a 0-dim tensor has no rows


def test_inputs_the_summary_cannot_read_still_log_the_call(
    client: ap.Client, sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    def unreadable(tensor: Any) -> dict[str, Any]:
        raise RuntimeError("no shape here")

    monkeypatch.setattr(torch_integration, "_tensor_info", unreadable)
    net = tiny()
    monitor(net, telemetry=client.telemetry)
    assert net(torch.randn(2, 4)).shape == (2, 2)
    (record,) = stored(client, sandbox)
    assert "input_data" not in record and "prediction" not in record


def test_the_module_and_options_are_checked(client: ap.Client) -> None:
    with pytest.raises(ap.InvalidParameterError, match=r"module: expected a torch\.nn\.Module"):
        monitor(object(), telemetry=client.telemetry)
    with pytest.raises(ap.InvalidParameterError, match="telemetry"):
        monitor(tiny(), telemetry=object())
    hooks = monitor(tiny(), telemetry=client.telemetry)
    assert isinstance(hooks, ModuleMonitor) and hooks.model_name == "Sequential"
