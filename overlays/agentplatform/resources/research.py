"""`client.research`: long-running research jobs."""

from __future__ import annotations

from typing import Unpack

from agentplatform_api.api.research import create_research, get_research
from agentplatform_api.models import ResearchJob, ResearchRequest
from agentplatform_api.types import UNSET

from .. import _params
from .._operation import Call, M, RequestOptions, Resource, operation


class Research(Resource[M]):
    """Research jobs: start one, then poll it."""

    @operation
    def create(
        self, query: str, *, depth: int | None = None, **options: Unpack[RequestOptions]
    ) -> Call[ResearchJob]:
        """Start a research job; it begins `queued`."""
        body = ResearchRequest(
            query=_params.text("query", query),
            depth=UNSET if depth is None else _params.integer("depth", depth, minimum=1, maximum=5),
        )
        return Call(create_research, {"body": body}, options)

    @operation
    def get(self, job_id: str, **options: Unpack[RequestOptions]) -> Call[ResearchJob]:
        """A job's current status, progress and result."""
        return Call(get_research, {"job_id": _params.identifier("job_id", job_id)}, options)
