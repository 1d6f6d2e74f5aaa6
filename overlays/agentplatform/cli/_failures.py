"""Turn exceptions into one-line messages and exit codes (never tracebacks)."""

from __future__ import annotations

from .. import errors
from . import EXIT_API_ERROR, EXIT_USAGE


class Failure(Exception):
    """Raised by a command to stop with `message` on stderr and `exit_code`."""

    def __init__(self, message: str, exit_code: int = EXIT_API_ERROR) -> None:
        super().__init__(message)
        self.message = message
        self.exit_code = exit_code


def exit_code_of(exc: BaseException) -> int:
    """2 for configuration and usage problems, 1 for everything else."""
    if isinstance(exc, Failure):
        return exc.exit_code
    if isinstance(exc, errors.ConfigurationError):
        return EXIT_USAGE
    return EXIT_API_ERROR


def message_of(exc: BaseException) -> str:
    """What to tell the user about `exc`, in words (the SDK's messages say what to do)."""
    if isinstance(exc, Failure | errors.AgentPlatformError):
        return str(exc) or type(exc).__name__
    if isinstance(exc, OSError):
        return f"{exc.strerror or type(exc).__name__}: {exc.filename or exc}"
    return f"unexpected {type(exc).__name__}: {exc}"
