#!/usr/bin/env python3
"""Fail on a breaking change of openapi.yaml unless the major version moves.

The newest released spec is the highest `spec/released/openapi-X.Y.Z.yaml`. Optic (the
`@useoptic/optic` CLI pinned in package.json) diffs it against openapi.yaml with its
breaking-change rules (removed operations, response fields made optional or removed,
request fields made required, types narrowed or widened the wrong way, ...). On top,
an operation whose generated function would move or vanish is a break: a changed
`operationId` (or first tag) renames the module `agentplatform_api.api.<tag>.<id>`
that users import, a change Optic does not see. A breaking change passes only when
the major version of pyproject.toml is above the released one.

The report has one line per distinct break: what follows from a break Optic already
named (the responses of a removed operation, the fields of a removed field) is left
out, and a change to a shared schema is named once with the operations it reaches.

    python scripts/spec_compat.py [--spec openapi.yaml] [--released spec/released]
                                  [--pyproject pyproject.toml]

Exit status: 0 compatible (or a major release), 1 breaking, 2 the check could not run.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
OPTIC = ROOT / "node_modules" / ".bin" / "optic"
RELEASED_NAME = re.compile(r"openapi-(\d+)\.(\d+)\.(\d+)\.ya?ml")
_BREAKING_LINE = re.compile(r"^\s*x \[(?P<rule>[^\]]+)\] (?P<message>.*)$")
_LOCATION_LINE = re.compile(r"^\s*[x✔] (?P<where>(GET|PUT|POST|PATCH|DELETE|HEAD|OPTIONS) \S+):")
_AT_LINE = re.compile(r"^\s*at (?P<file>\S+?):(?P<line>\d+)(:\d+)?\s*$")
_NODE_LINE = re.compile(r"^\s*- (?P<node>.*?):( \w+)?\s*$")
_PROPERTY_NODE = re.compile(r"^property (?P<path>\S+)$")
_BOILERPLATE = " This is a breaking change."
_METHODS = ("get", "put", "post", "patch", "delete", "head", "options", "trace")
NAME_RULE = "keep generated function names"
_SHOWN_WHERE = 3
_TIMEOUT_S = 300


class CheckError(Exception):
    """The diff tool could not run or its output was not understood."""


@dataclass(frozen=True)
class Release:
    path: Path
    version: tuple[int, int, int]

    @property
    def label(self) -> str:
        return ".".join(map(str, self.version))


@dataclass(frozen=True)
class Verdict:
    ok: bool
    message: str


def parse_version(text: str) -> tuple[int, int, int]:
    """`1.2.3` (a pre-release or build suffix is ignored) as a tuple."""
    match = re.match(r"^\s*(\d+)\.(\d+)\.(\d+)", text)
    if not match:
        raise CheckError(f"not a semantic version: {text!r}")
    major, minor, patch = (int(part) for part in match.groups())
    return major, minor, patch


def newest_release(directory: Path) -> Release:
    """The released spec with the highest version in `directory`."""
    found = []
    for path in directory.iterdir():
        match = RELEASED_NAME.fullmatch(path.name)
        if match:
            major, minor, patch = (int(part) for part in match.groups())
            found.append(Release(path, (major, minor, patch)))
    if not found:
        raise CheckError(f"no released spec (openapi-X.Y.Z.yaml) in {directory}")
    return max(found, key=lambda release: release.version)


def project_version(pyproject: Path) -> tuple[int, int, int]:
    """The `[project] version` of pyproject.toml."""
    with pyproject.open("rb") as handle:
        return parse_version(tomllib.load(handle)["project"]["version"])


@dataclass(frozen=True)
class Break:
    """One breaking change: where (an operation, or ""), the rule, what, and the spec
    line it concerns (`file:line`, or "")."""

    where: str
    rule: str
    message: str
    at: str = ""


def breaking_changes(released: Path, spec: Path) -> list[str]:
    """The breaking changes of `spec` against `released`, one line per distinct break
    (empty when compatible)."""
    breaks = optic_breaks(released, spec) + name_breaks(_load(released), _load(spec))
    return summarize(breaks)


def optic_breaks(released: Path, spec: Path) -> list[Break]:
    """Optic's breaking changes of `spec` against `released`."""
    if not OPTIC.exists():
        raise CheckError(f"{OPTIC} is missing: run `make node` (npm ci) first.")
    env = {
        **os.environ,
        "OPTIC_TELEMETRY_LEVEL": "off",  # no analytics or error reports leave the machine
        "NO_UPDATE_NOTIFIER": "1",
        "NO_COLOR": "1",
        "FORCE_COLOR": "0",
    }
    before, after = str(released.resolve()), str(spec.resolve())  # optic runs in a temp dir
    command = [str(OPTIC), "diff", before, after, "--check", "--severity", "error"]
    with tempfile.TemporaryDirectory() as cwd:
        try:
            result = subprocess.run(  # noqa: S603 - a fixed, pinned tool
                command,
                cwd=cwd,
                env=env,
                capture_output=True,
                text=True,
                timeout=_TIMEOUT_S,
                check=False,
            )
        except subprocess.TimeoutExpired:
            raise CheckError(f"optic diff did not finish in {_TIMEOUT_S}s") from None
    output = result.stdout + result.stderr
    breaks = parse_optic(output)
    if result.returncode == 0 and not breaks:
        return []
    if result.returncode != 0 and breaks:
        return breaks
    raise CheckError(f"optic diff exited {result.returncode}; its output:\n{output}")


def parse_optic(output: str) -> list[Break]:
    """The breaks in Optic's text report, without those that follow from another.

    Optic nests its report: operation, then request or response, then body and
    property. A break covers what is nested below its own node (a removed operation
    covers its responses; a removed response, its fields), and a property's break
    covers the same rule on that property's own fields; those are left out.
    """
    breaks: list[Break] = []
    kept: list[tuple[str, str, str, str]] = []  # where, section, rule, property path
    where = section = path = ""
    cover: int | None = None  # indent of the break whose node we may be inside
    inside = awaiting_at = False
    for line in output.splitlines():
        if not line.strip():
            continue
        indent = len(line) - len(line.lstrip())
        if cover is not None and indent < cover:
            cover, inside = None, False
        at = _AT_LINE.match(line)
        if at and awaiting_at:
            where_file = Path(at.group("file")).name
            breaks[-1] = replace(breaks[-1], at=f"{where_file}:{at.group('line')}")
        awaiting_at = False
        if at:
            continue
        location = _LOCATION_LINE.match(line)
        if location:
            where, section, path, cover, inside = location.group("where"), "", "", None, False
            continue
        rule_line = _BREAKING_LINE.match(line)
        if rule_line:
            rule = rule_line.group("rule")
            nested = any(
                (w, s, r) == (where, section, rule) and p and path.startswith(p + "/")
                for w, s, r, p in kept
            )
            if inside or nested:
                continue
            message = rule_line.group("message").removesuffix(_BOILERPLATE)
            breaks.append(Break(where, rule, message))
            kept.append((where, section, rule, path))
            awaiting_at = True
            cover = indent if cover is None else cover
            continue
        node = _NODE_LINE.match(line)
        if node:
            label = node.group("node")
            if label.startswith(("request", "response")):
                section, path = label, ""
            prop = _PROPERTY_NODE.match(label)
            if prop:
                path = prop.group("path")
            if cover is not None and indent >= cover:
                inside = True
    return breaks


def _load(path: Path) -> dict[str, Any]:
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise CheckError(f"cannot read {path}: {exc}") from exc
    if not isinstance(document, dict):
        raise CheckError(f"{path} is not an OpenAPI document")
    return document


def _snake(name: str) -> str:
    """The generator's snake_case (its own function when it is installed)."""
    try:
        from openapi_python_client.strings import snake_case
    except ImportError:  # pragma: no cover - the dev extra pins the generator
        words = re.findall(r"[A-Z]?[a-z0-9]+|[A-Z]+(?![a-z])", name)
        return "_".join(words).lower()
    return str(snake_case(name))


def generated_module(operation: dict[str, Any]) -> str | None:
    """The module openapi-python-client makes for `operation` (None: no operationId)."""
    operation_id = operation.get("operationId")
    if not isinstance(operation_id, str):
        return None
    tags = operation.get("tags") or ["default"]
    return f"agentplatform_api.api.{_snake(str(tags[0]))}.{_snake(operation_id)}"


def _operations(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        f"{method.upper()} {path}": item[method]
        for path, item in (document.get("paths") or {}).items()
        for method in _METHODS
        if isinstance(item, dict) and isinstance(item.get(method), dict)
    }


def name_breaks(released: dict[str, Any], spec: dict[str, Any]) -> list[Break]:
    """Operations kept by `spec` whose generated function would move or vanish."""
    current = _operations(spec)
    breaks = []
    for where, before in _operations(released).items():
        after = current.get(where)
        old = generated_module(before)
        if after is None or old is None:
            continue  # a removed operation is Optic's to report
        new = generated_module(after)
        if new == old:
            continue
        if after.get("operationId") is None:
            change = f"operationId {before['operationId']} removed"
        elif after["operationId"] != before["operationId"]:
            change = f"operationId {before['operationId']} renamed to {after['operationId']}"
        else:
            change = "first tag changed"
        breaks.append(Break(where, NAME_RULE, f"{change}: `import {old}` fails"))
    return breaks


def summarize(breaks: Iterable[Break]) -> list[str]:
    """One line per distinct break; a break met at several operations (a shared schema)
    names them together."""
    grouped: dict[tuple[str, str, str], list[str]] = {}
    for item in breaks:
        key = (item.rule, item.message, item.at or item.where)
        places = grouped.setdefault(key, [])
        if item.where and item.where not in places:
            places.append(item.where)
    lines = []
    for (rule, message, at), places in grouped.items():
        shown = ", ".join(places[:_SHOWN_WHERE])
        if len(places) > _SHOWN_WHERE:
            shown += f" and {len(places) - _SHOWN_WHERE} more"
        spot = f" ({at})" if at and at not in places else ""
        lines.append(f"{shown + ': ' if shown else ''}[{rule}] {message}{spot}")
    return lines


def verdict(
    changes: list[str], version: tuple[int, int, int], released: tuple[int, int, int]
) -> Verdict:
    """Whether the changes may ship as `version`, given the newest release."""
    shown = ".".join(map(str, version))
    base = ".".join(map(str, released))
    if not changes:
        return Verdict(True, f"No breaking change against the released {base} spec.")
    listing = "\n".join(f"  - {change}" for change in changes)
    if version[0] > released[0]:
        return Verdict(
            True,
            f"{len(changes)} breaking change(s) against {base}, allowed by the major "
            f"version {shown}:\n{listing}",
        )
    return Verdict(
        False,
        f"{len(changes)} breaking change(s) against the released {base} spec, but the "
        f"version is {shown}. Make the change compatible, or move the major version in "
        f"pyproject.toml (and release a new spec/released copy):\n{listing}",
    )


def check(spec: Path, released_dir: Path, pyproject: Path) -> Verdict:
    """Diff `spec` against the newest release and judge it by the project version."""
    release = newest_release(released_dir)
    version = project_version(pyproject)
    return verdict(breaking_changes(release.path, spec), version, release.version)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--spec", type=Path, default=ROOT / "openapi.yaml")
    parser.add_argument("--released", type=Path, default=ROOT / "spec" / "released")
    parser.add_argument("--pyproject", type=Path, default=ROOT / "pyproject.toml")
    args = parser.parse_args(argv)
    try:
        result = check(args.spec, args.released, args.pyproject)
    except CheckError as exc:
        print(f"spec compatibility check could not run: {exc}", file=sys.stderr)
        return 2
    print(result.message, file=sys.stdout if result.ok else sys.stderr)
    return 0 if result.ok else 1


if __name__ == "__main__":
    sys.exit(main())
