"""Buffered telemetry: LLM events, model calls, data-quality reports and agent events.

```python
import agentplatform as ap
from agentplatform.telemetry import TelemetryConfig, TelemetryEventBuilder

client = ap.Client(telemetry=TelemetryConfig(service_name="support-bot", spool_dir="/var/spool/ap"))
event = TelemetryEventBuilder(model="gpt-4o-mini").prompt("Hi", tokens=1).latency(120).build()
client.telemetry.track(event)                      # returns at once
client.events.buffered.ingest(agent_id="planner", session_id="s1", type="task_started")
client.telemetry.flush()                           # optional: wait for delivery
client.close()                                     # flushes (bounded), then stops
```

Calls enqueue and return; a background exporter (a daemon thread for `Client`, an
asyncio task for `AsyncClient`, started on the first enqueue) sends gzip batches under
one idempotency key each and retries transient failures without losing a batch. With
`spool_dir`, each record is written to disk before the call returns and the exporter
sends from there, so a record that was given an id survives a crash of the process
(with `fsync=True`, a power loss too) and is sent once by the next process on that
directory. See `TelemetryConfig` for what happens when the queue or spool is full.
"""

from ._builder import LlmEvent, TelemetryEventBuilder
from ._config import OverflowPolicy, TelemetryConfig
from ._kafka_config import KafkaConfig
from ._monitor import monitor, summarize
from ._stats import TelemetryStats
from ._telemetry import AsyncTelemetry, Telemetry
from ._trace import TraceContext, current_trace_context

__all__ = [
    "AsyncTelemetry",
    "KafkaConfig",
    "LlmEvent",
    "OverflowPolicy",
    "Telemetry",
    "TelemetryConfig",
    "TelemetryEventBuilder",
    "TelemetryStats",
    "TraceContext",
    "current_trace_context",
    "monitor",
    "summarize",
]
