"""1,000 seeded malformed requests against a live sandbox: never a 500, always a problem.

The requests come from `malformed.Generator` (bad JSON, wrong types, huge arrays, deep
nesting, bad cursors, headers, paths, parameters and gzip bodies). The run is bounded:
a fixed number of requests, each with its own timeout.
"""

from __future__ import annotations

import json
from collections import Counter

import httpx
from agentplatform_sandbox import Sandbox

from .malformed import Case, Generator

SEED = 20240611
REQUESTS = 1000
PROBLEM_FIELDS = {"type", "title", "status", "detail"}


def _problem_complaint(case: Case, response: httpx.Response) -> str | None:
    """Why `response` is not an acceptable answer to `case` (None: it is)."""
    where = f"{case.label} ({case.method} {case.path[:80]}) -> {response.status_code}"
    if response.status_code >= 500:
        return f"{where}: {response.text[:300]}"
    if response.status_code < 400:
        return None
    if response.headers.get("content-type") != "application/problem+json":
        return f"{where}: content type {response.headers.get('content-type')!r}"
    if case.method == "HEAD":  # HTTP sends no body with the answer to a HEAD
        return None
    try:
        body = json.loads(response.content)
    except ValueError:
        return f"{where}: the problem is not JSON"
    if not isinstance(body, dict) or not body.keys() >= PROBLEM_FIELDS:
        return f"{where}: not a problem document: {response.text[:200]}"
    if body["status"] != response.status_code or not response.headers.get("x-request-id"):
        return f"{where}: status or X-Request-ID does not match"
    return None


def test_a_thousand_malformed_requests_get_problems_never_a_500(sandbox: Sandbox) -> None:
    complaints: list[str] = []
    statuses: Counter[int] = Counter()
    generator = Generator(SEED, sandbox.api_key)
    with httpx.Client(base_url=sandbox.url, timeout=30) as http:
        for case in generator.cases(REQUESTS):
            request = http.build_request(
                case.method,
                case.path,
                params=case.params,
                headers=case.headers,
                content=case.content,
            )
            response = http.send(request)
            statuses[response.status_code] += 1
            complaint = _problem_complaint(case, response)
            if complaint is not None:
                complaints.append(complaint)
    assert not complaints, f"{len(complaints)} bad answers:\n" + "\n".join(complaints[:20])
    assert sum(statuses.values()) == REQUESTS
    # The run reached every layer: routing, auth, parameters, bodies and size limits.
    assert {400, 401, 404, 405, 413, 422} <= statuses.keys(), statuses
