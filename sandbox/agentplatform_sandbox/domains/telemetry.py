"""Telemetry batches: per-record validation, dedup by `event_id`, anomaly detection."""

from __future__ import annotations

from typing import Any

from ..anomaly_detector import detect
from ..context import Handler, RequestContext
from ..problems import FieldError, problem_body
from ..replies import Reply
from ..schemas import check
from ..state import Stored

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


def ingest_batch(ctx: RequestContext) -> Reply:
    """Accept valid new records, count known `event_id`s, reject invalid ones by index."""
    accepted = duplicates = 0
    rejected: list[dict[str, Any]] = []
    with ctx.state.lock:
        store = ctx.store
        for index, record in enumerate(ctx.body["records"]):
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
            store.telemetry.append(Stored(record, ctx.state.next_seq()))
            accepted += 1
            for anomaly in detect(store, record, ctx.state.now_iso(), ctx.state.next_seq):
                ctx.state.emit(ctx.tenant_id, "anomaly.detected", anomaly)
    return Reply(202, {"accepted": accepted, "duplicates": duplicates, "rejected": rejected})


HANDLERS: dict[str, Handler] = {"ingestTelemetryBatch": ingest_batch}
