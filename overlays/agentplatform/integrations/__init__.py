"""Integrations: LLM clients and frameworks whose calls become telemetry.

Each part needs its library (an optional extra) and is imported on its own:

- `agentplatform.integrations.openai.instrument` (`pip install 'agentplatform[openai]'`)
- `agentplatform.integrations.anthropic.instrument` (`pip install 'agentplatform[anthropic]'`)
- `agentplatform.integrations.langchain.AgentPlatformCallbackHandler`
  (`pip install 'agentplatform[langchain]'`)

`pip install 'agentplatform[integrations]'` installs all three. This package itself
imports none of them; it holds what they share: the built-in redactor, the price
table and the trace-context helpers.

Models and data (their extras are installed one by one, not by `integrations`):

- `agentplatform.integrations.sklearn.monitor` (`pip install 'agentplatform[sklearn]'`)
- `agentplatform.integrations.torch.monitor` (`pip install 'agentplatform[torch]'`)
- `agentplatform.integrations.pandas.data_quality` (`pip install 'agentplatform[pandas]'`)
- `agentplatform.integrations.spark`: `monitor_job`, `data_quality`, `write_events`,
  `write_telemetry`, `write_entities` (`pip install 'agentplatform[spark]'`)
"""

from ..errors import MissingExtraError
from ._context import ContextThreadPoolExecutor, bind_context, current_trace, traced
from ._prices import ModelPrice, PriceTable, Usage, default_prices
from ._redact import luhn_valid, redact_pii

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
