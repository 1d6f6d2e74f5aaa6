"""`agentplatform test-connection` and `agentplatform validate-config`."""

from __future__ import annotations

import time
from typing import Any

from rich.table import Table

from .. import errors
from .._config import Resolution
from . import EXIT_API_ERROR, EXIT_OK, EXIT_USAGE
from ._clients import make_client
from ._output import console, emit_json, error, is_terminal, mask, warning
from ._profiles import loose_permissions
from ._sources import SETTINGS, profile_source, public, resolve

OK = "ok"
UNREACHABLE = "server unreachable"
SERVER_ERROR = "server error"
KEY_REJECTED = "key rejected"
FORBIDDEN = "key not allowed"


def check_connection(*, profile: str | None, base_url: str | None, json_output: bool) -> int:
    """Check health (no key needed), then one authenticated read; print a verdict."""
    report: dict[str, Any] = {}
    with make_client(profile, base_url) as client:
        report = {
            "base_url": client.base_url,
            "profile": client.settings.profile,
            "api_key": mask(client.api_key),
        }
        verdict, detail = _probe(client, report)
    report["verdict"] = verdict
    report["detail"] = detail
    if json_output:
        emit_json(report)
    else:
        where = f" (profile {report['profile']!r})" if report["profile"] else ""
        print(f"Server:  {report['base_url']}{where}")
        if "health" in report:
            health = report["health"]
            print(f"Health:  {health['status']}, version {health['version']} ({health['ms']} ms)")
        print(f"API key: {report['api_key']}")
        line = f"Verdict: {verdict.upper()}" + (f": {detail}" if detail else "")
        if verdict == OK:
            print(line)
        else:
            error(line)
    return EXIT_OK if verdict == OK else EXIT_API_ERROR


def _probe(client: Any, report: dict[str, Any]) -> tuple[str, str]:
    started = time.perf_counter()
    try:
        health = client.health(max_retries=0)
    except errors.APIConnectionError as exc:
        return UNREACHABLE, str(exc)
    except errors.AgentPlatformError as exc:
        return SERVER_ERROR, str(exc)
    report["health"] = {
        "status": health.status,
        "version": health.version,
        "ms": round((time.perf_counter() - started) * 1000),
    }
    try:
        next(iter(client.events.list(limit=1, max_retries=0).pages()))
    except errors.AuthenticationError as exc:
        return KEY_REJECTED, str(exc)
    except errors.PermissionDeniedError as exc:
        return FORBIDDEN, str(exc)
    except errors.APIConnectionError as exc:
        return UNREACHABLE, str(exc)
    except errors.AgentPlatformError as exc:
        return SERVER_ERROR, str(exc)
    return OK, "the server answers and accepts the key"


def validate_config(*, profile: str | None, base_url: str | None, json_output: bool) -> int:
    """Resolve the settings like the client and show each value's source (never the key).

    Every value that could be resolved is shown, even when others are bad; each problem
    is then printed on stderr naming where its value came from, and the exit code is 2.
    """
    resolved = resolve(profile=profile, base_url=base_url)
    path = resolved.config_file
    exists = path.is_file()
    loose = loose_permissions(path)
    problems = list(resolved.problems.values())
    if json_output:
        report: dict[str, Any] = {
            "valid": not problems,
            "config_file": {"path": str(path), "exists": exists, "private": not loose},
            "profile": {"name": resolved.profile, "source": profile_source(resolved)},
            "settings": public(resolved),
        }
        if problems:
            report["error"] = problems[0]
            report["problems"] = problems
        if resolved.ignored:
            report["config_file"]["ignored"] = resolved.ignored
        emit_json(report)
    else:
        _print_resolved(resolved, exists)
    if loose:
        warning(f"{path} is readable by other users; run: chmod 600 '{path}'")
    for problem in problems:
        error(problem)
    return EXIT_USAGE if problems else EXIT_OK


def _print_resolved(resolved: Resolution, exists: bool) -> None:
    rows = public(resolved)
    values = {name: _shown(name, rows[name]) for name in SETTINGS}
    profile = resolved.profile
    header = [
        f"Config file: {resolved.config_file}" + ("" if exists else " (not found)"),
        f"Profile:     {profile!r} ({profile_source(resolved)})"
        if profile
        else f"Profile:     {profile_source(resolved)}",
    ]
    verdict = (
        f"Invalid: {len(resolved.problems)} problem(s), listed below."
        if resolved.problems
        else "Valid: a client would use these settings."
    )
    if is_terminal():
        out = console()
        for line in header:
            out.print(line, markup=False)
        table = Table("setting", "value", "source")
        for name in SETTINGS:
            table.add_row(name, values[name], rows[name]["source"])
        out.print(table)
        out.print(verdict, style="red" if resolved.problems else "green", markup=False)
        return
    for line in header:
        print(line)
    for name in SETTINGS:
        print(f"  {name:<13} {values[name]:<34} {rows[name]['source']}")
    print(verdict)


def _shown(name: str, row: dict[str, Any]) -> str:
    if "problem" in row:
        return "(missing)" if row["source"] == "not set" else "(invalid)"
    return "-" if row["value"] is None else str(row["value"])
