#!/usr/bin/env python3
"""Fail on a breaking change of openapi.yaml unless the major version moves.

The newest released spec is the highest `spec/released/openapi-X.Y.Z.yaml`. Optic (the
`@useoptic/optic` CLI pinned in package.json) diffs it against openapi.yaml with its
breaking-change rules (removed operations, response fields made optional or removed,
request fields made required, types narrowed or widened the wrong way, ...). A breaking
change passes only when the major version of pyproject.toml is above the released one.

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
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OPTIC = ROOT / "node_modules" / ".bin" / "optic"
RELEASED_NAME = re.compile(r"openapi-(\d+)\.(\d+)\.(\d+)\.ya?ml")
_BREAKING_LINE = re.compile(r"^\s*x \[(?P<rule>[^\]]+)\] (?P<message>.*)$")
_LOCATION_LINE = re.compile(r"^\s*x (?P<where>(GET|PUT|POST|PATCH|DELETE|HEAD|OPTIONS) \S+):")
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


def breaking_changes(released: Path, spec: Path) -> list[str]:
    """Optic's breaking changes of `spec` against `released` (empty when compatible)."""
    if not OPTIC.exists():
        raise CheckError(f"{OPTIC} is missing: run `make node` (npm ci) first.")
    env = {
        **os.environ,
        "OPTIC_TELEMETRY_LEVEL": "off",  # no analytics or error reports leave the machine
        "NO_UPDATE_NOTIFIER": "1",
        "NO_COLOR": "1",
        "FORCE_COLOR": "0",
    }
    command = [str(OPTIC), "diff", str(released), str(spec), "--check", "--severity", "error"]
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
    changes = _breaking_lines(output)
    if result.returncode == 0 and not changes:
        return []
    if result.returncode != 0 and changes:
        return changes
    raise CheckError(f"optic diff exited {result.returncode}; its output:\n{output}")


def _breaking_lines(output: str) -> list[str]:
    changes = []
    where = ""
    for line in output.splitlines():
        location = _LOCATION_LINE.match(line)
        if location:
            where = location.group("where")
            continue
        match = _BREAKING_LINE.match(line)
        if match:
            prefix = f"{where}: " if where else ""
            changes.append(f"{prefix}[{match.group('rule')}] {match.group('message')}")
    return changes


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
