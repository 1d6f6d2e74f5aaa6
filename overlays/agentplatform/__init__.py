"""agentplatform: the Python SDK of the Agent Platform API.

```python
import agentplatform as ap

with ap.Client() as client:           # key and URL from args > env > profile file
    print(client.health().status)
```
"""

from importlib import import_module
from typing import TYPE_CHECKING, Any

from ._version import __version__
from .errors import (
    AgentPlatformError,
    APIConnectionError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ClientClosedError,
    ConfigurationError,
    ConflictError,
    InternalServerError,
    InvalidParameterError,
    MissingExtraError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    StreamError,
    UnprocessableEntityError,
    WebhookVerificationError,
)

if TYPE_CHECKING:
    from . import sse, types, webhooks
    from ._client import AsyncClient, Client
    from ._enums import AnomalyType, DetectionMethod, Severity
    from ._operation import RequestOptions
    from ._retry import RetryBudget
    from .pagination import AsyncPaginator, SyncPaginator
    from .raw_response import RawResponse
    from .resources.research import ResearchFailedError, WaitTimeoutError
    from .streaming import AsyncChatStream, ChatStream, ChatStreamEvent, UnknownStreamEvent
    from .telemetry import (
        LlmEvent,
        TelemetryConfig,
        TelemetryEventBuilder,
        TelemetryStats,
        monitor,
    )

# Loaded on first use, so `import agentplatform` stays cheap: the generated models
# (dozens of attrs classes) are only built when a client or a model is needed.
_LAZY = {
    "AsyncClient": "._client",
    "Client": "._client",
    "RequestOptions": "._operation",
    "RetryBudget": "._retry",
    "AnomalyType": "._enums",
    "DetectionMethod": "._enums",
    "Severity": "._enums",
    "AsyncPaginator": ".pagination",
    "SyncPaginator": ".pagination",
    "RawResponse": ".raw_response",
    "ResearchFailedError": ".resources.research",
    "WaitTimeoutError": ".resources.research",
    "AsyncChatStream": ".streaming",
    "ChatStream": ".streaming",
    "ChatStreamEvent": ".streaming",
    "UnknownStreamEvent": ".streaming",
    "LlmEvent": ".telemetry",
    "TelemetryConfig": ".telemetry",
    "TelemetryEventBuilder": ".telemetry",
    "TelemetryStats": ".telemetry",
    "monitor": ".telemetry",
}
_LAZY_MODULES = frozenset({"sse", "types", "webhooks"})


def __getattr__(name: str) -> Any:
    if name in _LAZY_MODULES:
        value = import_module(f".{name}", __name__)
    elif name in _LAZY:
        value = getattr(import_module(_LAZY[name], __name__), name)
    else:
        raise AttributeError(f"module 'agentplatform' has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)


__all__ = [
    "APIConnectionError",
    "APIResponseValidationError",
    "APIStatusError",
    "APITimeoutError",
    "AgentPlatformError",
    "AnomalyType",
    "AsyncChatStream",
    "AsyncClient",
    "AsyncPaginator",
    "AuthenticationError",
    "BadRequestError",
    "ChatStream",
    "ChatStreamEvent",
    "Client",
    "ClientClosedError",
    "ConfigurationError",
    "ConflictError",
    "DetectionMethod",
    "InternalServerError",
    "InvalidParameterError",
    "LlmEvent",
    "MissingExtraError",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitError",
    "RawResponse",
    "RequestOptions",
    "ResearchFailedError",
    "RetryBudget",
    "Severity",
    "StreamError",
    "SyncPaginator",
    "TelemetryConfig",
    "TelemetryEventBuilder",
    "TelemetryStats",
    "UnknownStreamEvent",
    "UnprocessableEntityError",
    "WaitTimeoutError",
    "WebhookVerificationError",
    "__version__",
    "monitor",
    "sse",
    "types",
    "webhooks",
]
