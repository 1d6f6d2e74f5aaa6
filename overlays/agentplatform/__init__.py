"""agentplatform: the Python SDK of the Agent Platform API.

```python
import agentplatform as ap

with ap.Client() as client:           # key and URL from args > env > profile file
    print(client.health().status)
```
"""

from . import sse, types, webhooks
from ._client import AsyncClient, Client
from ._operation import RequestOptions
from ._version import __version__
from .errors import (
    AgentPlatformError,
    APIConnectionError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ConfigurationError,
    ConflictError,
    InternalServerError,
    InvalidParameterError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    StreamError,
    UnprocessableEntityError,
    WebhookVerificationError,
)
from .pagination import AsyncPaginator, SyncPaginator
from .raw_response import RawResponse

__all__ = [
    "APIConnectionError",
    "APIResponseValidationError",
    "APIStatusError",
    "APITimeoutError",
    "AgentPlatformError",
    "AsyncClient",
    "AsyncPaginator",
    "AuthenticationError",
    "BadRequestError",
    "Client",
    "ConfigurationError",
    "ConflictError",
    "InternalServerError",
    "InvalidParameterError",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitError",
    "RawResponse",
    "RequestOptions",
    "StreamError",
    "SyncPaginator",
    "UnprocessableEntityError",
    "WebhookVerificationError",
    "__version__",
    "sse",
    "types",
    "webhooks",
]
