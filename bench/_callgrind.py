"""Counting instructions with valgrind's callgrind (the same count under any load)."""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from collections.abc import Mapping

MISSING = "valgrind is not installed (apt-get install valgrind): no instruction counts"


def available() -> bool:
    """Whether valgrind is on PATH."""
    return shutil.which("valgrind") is not None


def instructions(command: list[str], env: Mapping[str, str], toggle: str | None = None) -> int:
    """Instructions `command` executes under callgrind: all of them, or with `toggle`
    only those inside calls of the C function of that name."""
    with tempfile.TemporaryDirectory(prefix="bench-callgrind-") as tmp:
        options = [f"--callgrind-out-file={tmp}/callgrind.out"]
        if toggle is not None:
            options += ["--collect-atstart=no", f"--toggle-collect={toggle}"]
        result = subprocess.run(
            ["valgrind", "--tool=callgrind", *options, *command],
            capture_output=True,
            text=True,
            env=dict(env),
            check=False,
        )
    found = re.search(r"Collected : (\d+)", result.stderr)
    if result.returncode != 0 or found is None or int(found.group(1)) == 0:
        tail = "\n".join(result.stderr.splitlines()[-15:])
        raise RuntimeError(f"callgrind run of {command[-1]!r} failed:\n{tail}")
    return int(found.group(1))
