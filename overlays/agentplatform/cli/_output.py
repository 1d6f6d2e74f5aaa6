"""Terminal output: rich on a terminal, plain text otherwise, JSON for scripts.

Errors are one line on stderr, prefixed `agentplatform: error:`; results go to stdout.
"""

from __future__ import annotations

import json
import os
import sys
from typing import IO, Any

from rich.console import Console

PROG = "agentplatform"


def one_line(text: str) -> str:
    """`text` with its lines joined, so a message never spans several lines."""
    return " ".join(part.strip() for part in str(text).splitlines() if part.strip())


def error(message: str) -> None:
    """Print a one-line error to stderr."""
    print(f"{PROG}: error: {one_line(message)}", file=sys.stderr, flush=True)


def warning(message: str) -> None:
    """Print a one-line warning to stderr."""
    print(f"{PROG}: warning: {one_line(message)}", file=sys.stderr, flush=True)


def emit_json(data: Any) -> None:
    """Print `data` as indented JSON to stdout (non-JSON values as strings)."""
    print(json.dumps(data, indent=2, default=str, ensure_ascii=False), flush=True)


def is_terminal(stream: IO[str] | None = None) -> bool:
    """Whether `stream` (stdout by default) is an interactive terminal that shows rich output."""
    stream = sys.stdout if stream is None else stream
    isatty = getattr(stream, "isatty", None)
    if isatty is None or not isatty():
        return False
    return os.environ.get("TERM", "") != "dumb"


def console(stream: IO[str] | None = None) -> Console:
    """A rich console on `stream` (stdout by default), without syntax guessing."""
    return Console(file=sys.stdout if stream is None else stream, highlight=False)


def mask(secret: str) -> str:
    """A secret's first characters (at most 8, at most a third) followed by `****`."""
    shown = min(8, len(secret) // 3)
    return secret[:shown] + "****"
