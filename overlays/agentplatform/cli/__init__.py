"""The `agentplatform` command line: configure, check, chat, run the sandbox, take the tour.

Needs the `cli` extra (`pip install 'agentplatform[cli]'`). Importing `agentplatform`
never imports this package, click or rich.

Exit codes: 0 success, 1 an API or network error, 2 a usage or configuration error.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

__all__ = ["EXIT_API_ERROR", "EXIT_OK", "EXIT_USAGE", "main", "run"]

EXIT_OK = 0
EXIT_API_ERROR = 1
EXIT_USAGE = 2


def run(argv: Sequence[str] | None = None) -> int:
    """Run the command line with `argv` (default: `sys.argv[1:]`) and return the exit code."""
    try:
        from ._app import run_app
    except ImportError as exc:  # click or rich missing
        print(
            f"agentplatform: error: the command line needs the cli extra ({exc.name} is "
            "missing): pip install 'agentplatform[cli]'",
            file=sys.stderr,
        )
        return EXIT_USAGE
    return run_app(list(sys.argv[1:] if argv is None else argv))


def main() -> None:
    """The `agentplatform` console script."""
    sys.exit(run())
