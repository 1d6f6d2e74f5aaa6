"""`GET /v1/health`."""

from __future__ import annotations

import time

from ..context import Handler, RequestContext
from ..replies import Reply
from ..spec import load_spec


def get_health(ctx: RequestContext) -> Reply:
    """Always `ok`, with the spec's version and seconds since the state was created."""
    uptime = max(0.0, time.monotonic() - ctx.state.started_at)
    return Reply(
        200, {"status": "ok", "version": load_spec()["info"]["version"], "uptime_s": uptime}
    )


HANDLERS: dict[str, Handler] = {"getHealth": get_health}
