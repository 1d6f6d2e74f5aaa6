"""Integrations: LLM clients and frameworks whose calls become telemetry.

Each part needs its library (an optional extra) and is imported on its own:

- `agentplatform.integrations.openai.instrument` (`pip install 'agentplatform[openai]'`)
- `agentplatform.integrations.anthropic.instrument` (`pip install 'agentplatform[anthropic]'`)
- `agentplatform.integrations.langchain.AgentPlatformCallbackHandler`
  (`pip install 'agentplatform[langchain]'`)

`pip install 'agentplatform[integrations]'` installs all three. This package itself
imports none of them; it holds what they share: the built-in redactor, the price
table and the trace-context helpers.
"""

from ._context import ContextThreadPoolExecutor, bind_context, current_trace, traced
from ._prices import ModelPrice, PriceTable, Usage, default_prices
from ._redact import luhn_valid, redact_pii
from ._requires import MissingExtraError

__all__ = [
    "ContextThreadPoolExecutor",
    "MissingExtraError",
    "ModelPrice",
    "PriceTable",
    "Usage",
    "bind_context",
    "current_trace",
    "default_prices",
    "luhn_valid",
    "redact_pii",
    "traced",
]
