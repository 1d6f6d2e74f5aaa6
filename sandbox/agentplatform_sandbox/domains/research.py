"""Research jobs that move from queued through running to succeeded (or failed)."""

from __future__ import annotations

import math
from typing import Any

from ..context import Handler, RequestContext
from ..ids import new_id
from ..knowledge_base import CORPUS, search
from ..problems import not_found, problem_body
from ..replies import Reply
from ..state import SandboxState, Stored
from ..timeutil import iso

FAIL_TRIGGER = "!fail"
"""A query containing this makes the job end `failed`."""


def _result(query: str, depth: int) -> dict[str, Any]:
    hits = search(query, limit=depth + 1) or [CORPUS[0]]
    titles = "; ".join(hit["title"] for hit in hits)
    return {
        "summary": f"Research on {query!r} at depth {depth} found: {titles}.",
        "sources": [
            {"title": hit["title"], "url": f"https://agentplatform.dev/knowledge/{hit['id']}"}
            for hit in hits
        ],
    }


def advance(state: SandboxState, tenant_id: str, job: Stored) -> dict[str, Any]:
    """Bring a job up to the clock's time; emit `research.completed` when it ends."""
    extra = job.extra
    steps, step_s = extra["steps"], extra["step_s"]
    elapsed = state.clock.now() - extra["created"]
    step = steps if step_s <= 0 else min(steps, max(0, math.floor(elapsed / step_s)))
    step = max(step, extra["step"])
    if step == extra["step"]:
        return job.data
    data = {**job.data, "updated_at": iso(extra["created"] + step * max(step_s, 0.0))}
    if step == 0:
        pass
    elif step < steps:
        data.update(status="running", progress=round(step / steps, 3))
    elif FAIL_TRIGGER in data["query"]:
        data["status"] = "failed"
        data["error"] = problem_body(
            500, "research_failed", "The research job failed; start a new one."
        )
    else:
        data.update(status="succeeded", progress=1.0, result=_result(data["query"], extra["depth"]))
    # Replaced, not changed in place, so a data dir sees the new step.
    state.tenant(tenant_id).research[data["id"]] = Stored(data, job.seq, {**extra, "step": step})
    if data["status"] in ("succeeded", "failed"):
        state.emit(tenant_id, "research.completed", data)
    return data


def advance_all(state: SandboxState) -> None:
    """Advance every unfinished job of every tenant."""
    with state.lock:
        for tenant_id, store in list(state.tenants.items()):
            for job in list(store.research.values()):
                if job.data["status"] in ("queued", "running"):
                    advance(state, tenant_id, job)


def create_research(ctx: RequestContext) -> Reply:
    """Queue a job; it takes `depth + 2` steps of the configured step time."""
    body = ctx.body
    depth = int(body.get("depth", 2))
    with ctx.state.lock:
        now = ctx.state.clock.now()
        data = {
            "id": new_id("job"),
            "query": body["query"],
            "status": "queued",
            "progress": 0.0,
            "result": None,
            "error": None,
            "created_at": iso(now),
            "updated_at": iso(now),
        }
        extra = {
            "created": now,
            "step_s": ctx.config.research_step_s,
            "steps": depth + 2,
            "depth": depth,
            "step": 0,
        }
        job = Stored(data, ctx.state.next_seq(), extra)
        ctx.store.research[data["id"]] = job
        return Reply(202, advance(ctx.state, ctx.tenant_id, job))


def get_research(ctx: RequestContext) -> Reply:
    """A job, advanced to now."""
    job_id = ctx.param("job_id")
    with ctx.state.lock:
        job = ctx.store.research.get(job_id)
        if job is None:
            raise not_found("research job", job_id)
        return Reply(200, advance(ctx.state, ctx.tenant_id, job))


HANDLERS: dict[str, Handler] = {"createResearch": create_research, "getResearch": get_research}
