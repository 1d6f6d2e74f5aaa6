"""Buffered telemetry: LLM events, model calls, data-quality reports and agent events.

Every call below enqueues and returns at once; a background exporter sends gzip batches
under one idempotency key each and retries transient failures. With `spool_dir`, each
record is written to disk before the call returns and sent from there, so a crash or an
outage loses nothing; the spool files are deleted once everything is acknowledged.

Run against the sandbox:  agentplatform sandbox --port 8080  (in another terminal)
                          AGENTPLATFORM_BASE_URL=http://127.0.0.1:8080 \
                          AGENTPLATFORM_API_KEY=sk_test_sandbox_0000 python telemetry_pipeline.py
"""

from __future__ import annotations

import random
import tempfile
import time
from pathlib import Path
from typing import Any

import agentplatform as ap
from agentplatform.telemetry import TelemetryConfig, TelemetryEventBuilder


def on_error(error: BaseException, records: list[dict[str, Any]]) -> None:
    print(f"not stored: {len(records)} record(s): {error}")


def main() -> None:
    spool = Path(tempfile.mkdtemp(prefix="agentplatform-spool-"))
    config = TelemetryConfig(
        service_name="support-bot",
        batch_size=50,
        flush_interval=0.5,
        spool_dir=spool,
        on_error=on_error,
    )
    with ap.Client(telemetry=config) as client:
        # 1. LLM calls, built fluently and checked once at build().
        for i in range(200):
            event = (
                TelemetryEventBuilder(model="gpt-4o-mini")
                .prompt(f"Question {i}: where is my order?", tokens=9)
                .response("It ships tomorrow.", tokens=5, finish_reason="stop")
                .latency(random.uniform(200, 600))
                .cost(0.00004)
                .metadata(user_tier="pro" if i % 3 else "free")
                .build()
            )
            client.telemetry.track(event)
        print("tracked 200 LLM events")

        # 2. A non-LLM model, logged by a decorator (errors are recorded, then re-raised).
        @client.telemetry.monitor("fraud-scorer-v3")
        def score(amount: float) -> dict[str, float]:
            if amount < 0:
                raise ValueError("negative amount")
            return {"score": min(amount / 1000, 1.0)}

        for amount in (12.0, 480.0, 999.0):
            score(amount)
        try:
            score(-1.0)
        except ValueError:
            print("the scorer's error was recorded and re-raised")

        # 3. A data-quality report and agent events, buffered the same way.
        client.telemetry.log_data_quality(
            "orders", record_count=1200, null_count=7, anomaly_score=0.02
        )
        for step in ("task_started", "tool_call", "task_completed"):
            client.events.buffered.ingest(agent_id="planner", session_id="sess_1", type=step)

        started = time.perf_counter()
        delivered = client.telemetry.flush(timeout=30)
        print(f"flushed: {delivered} in {time.perf_counter() - started:.2f} s")
        stats = client.telemetry.stats()
        print(
            f"telemetry: enqueued={stats.enqueued} sent={stats.sent} "
            f"duplicates={stats.duplicates} dropped={stats.dropped} failed={stats.failed} "
            f"batches={stats.batches}"
        )
        print(f"agent events sent: {client.events.buffered.stats().sent}")
    left = [path for path in spool.glob("*/*") if path.is_file()]
    print(f"spool left empty: {not left}")


if __name__ == "__main__":
    main()
