"""Telemetry batches: per-record validation, dedup by `event_id`, anomaly detection."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..anomaly_detector import detect
from ..context import Handler, RequestContext
from ..problems import FieldError, problem_body
from ..replies import Reply
from ..schemas import check
from ..state import SandboxState, Stored

KIND_SCHEMAS = {
    "llm_event": "LlmEventRecord",
    "model_call": "ModelCallRecord",
    "data_quality": "DataQualityRecord",
}


def record_errors(record: Any) -> list[FieldError]:
    """Field errors of one record, checked against the schema its `kind` names."""
    if not isinstance(record, dict):
        return [FieldError("record", "must be an object")]
    kind = record.get("kind")
    if kind is None:
        return [FieldError("kind", "is required")]
    if not isinstance(kind, str) or kind not in KIND_SCHEMAS:
        return [FieldError("kind", "must be one of: " + ", ".join(KIND_SCHEMAS))]
    return check(KIND_SCHEMAS[kind], record)


def ingest_records(
    state: SandboxState, tenant_id: str, records: Iterable[Any]
) -> tuple[int, int, list[dict[str, Any]]]:
    """Ingest records for a tenant (HTTP batches and Kafka alike): valid new records are
    stored and run through anomaly detection, known `event_id`s are counted as
    duplicates, invalid ones are rejected by index. Returns (accepted, duplicates,
    rejected)."""
    accepted = duplicates = 0
    rejected: list[dict[str, Any]] = []
    with state.lock:
        store = state.tenant(tenant_id)
        for index, record in enumerate(records):
            errors = record_errors(record)
            if errors:
                detail = f"{errors[0].field}: {errors[0].message}"
                problem = problem_body(422, "validation_failed", detail, errors=errors)
                rejected.append({"index": index, "problem": problem})
                continue
            if record["event_id"] in store.telemetry_ids:
                duplicates += 1
                continue
            store.telemetry_ids.add(record["event_id"])
            store.telemetry.append(Stored(record, state.next_seq()))
            accepted += 1
            for anomaly in detect(store, record, state.now_iso(), state.next_seq):
                state.emit(tenant_id, "anomaly.detected", anomaly)
    return accepted, duplicates, rejected


def ingest_batch(ctx: RequestContext) -> Reply:
    """Accept valid new records, count known `event_id`s, reject invalid ones by index."""
    accepted, duplicates, rejected = ingest_records(ctx.state, ctx.tenant_id, ctx.body["records"])
    return Reply(202, {"accepted": accepted, "duplicates": duplicates, "rejected": rejected})


HANDLERS: dict[str, Handler] = {"ingestTelemetryBatch": ingest_batch}
