"""A stateful local server that implements the Agent Platform API (`openapi.yaml`).

```python
from agentplatform_sandbox import Sandbox, Faults

with Sandbox(faults=Faults(error_rate=0.1, seed=1)) as sandbox:
    ...  # talk to sandbox.url with sandbox.api_key; look inside with sandbox.state
```

Or from a shell: `python -m agentplatform_sandbox --port 8080` (add `--data-dir DIR`, or
`Sandbox(data_dir=DIR)`, to keep the state in SQLite across restarts). Needs the `sandbox`
extra: without it, importing this package raises a `ModuleNotFoundError` that names
`pip install 'agentplatform[sandbox]'`.
"""

from __future__ import annotations

from . import _extra  # noqa: F401 - first: names the install command if the extra is missing
from .app import SandboxApp
from .auth import DEFAULT_API_KEY, DEFAULT_API_KEYS, DEFAULT_TENANT, OTHER_API_KEY, OTHER_TENANT
from .clock import Clock, ManualClock, SystemClock
from .config import SandboxConfig
from .datadir import DataDirError
from .faults import Faults
from .server import Sandbox
from .state import DeliveryRecord, RequestRecord, SandboxState

__all__ = [
    "DEFAULT_API_KEY",
    "DEFAULT_API_KEYS",
    "DEFAULT_TENANT",
    "OTHER_API_KEY",
    "OTHER_TENANT",
    "Clock",
    "DataDirError",
    "DeliveryRecord",
    "Faults",
    "ManualClock",
    "RequestRecord",
    "Sandbox",
    "SandboxApp",
    "SandboxConfig",
    "SandboxState",
    "SystemClock",
]
