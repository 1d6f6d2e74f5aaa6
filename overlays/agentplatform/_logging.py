"""The `agentplatform` logger, and `AGENTPLATFORM_LOG` to turn it on without code.

`AGENTPLATFORM_LOG` takes a standard level name (debug, info, warning, error, critical;
any case). At info, every request logs one line when it is done: method, path, status
(or the network error), attempt count, elapsed time and request id. At debug, every
attempt logs a line too. Records never hold headers (they carry the API key) or bodies.

Lines are never printed twice: records propagate to the application's handlers as usual,
and the stderr handler `AGENTPLATFORM_LOG` adds writes only while no other handler (the
root logger's, e.g. from `logging.basicConfig()`, or the application's own) would.
"""

from __future__ import annotations

import logging
import os
import sys
import time

import httpx

from .errors import ConfigurationError

logger = logging.getLogger("agentplatform")

ENV_LOG = "AGENTPLATFORM_LOG"
LEVELS = {
    "debug": logging.DEBUG,
    "info": logging.INFO,
    "warning": logging.WARNING,
    "warn": logging.WARNING,
    "error": logging.ERROR,
    "critical": logging.CRITICAL,
}
_ATTEMPTS = "agentplatform.logged_attempts"
_configured = False
_handler: logging.Handler | None = None


class FallbackHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to stderr, but only records that no other handler would show."""

    def __init__(self) -> None:
        super().__init__()
        self.setFormatter(logging.Formatter("[%(asctime)s %(name)s %(levelname)s] %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        if self._handled_elsewhere(record):
            return
        self.setStream(sys.stderr)  # the current stderr, even if it was replaced
        super().emit(record)

    def _handled_elsewhere(self, record: logging.LogRecord) -> bool:
        current: logging.Logger | None = logging.getLogger(record.name)
        while current is not None:
            if any(handler is not self for handler in current.handlers):
                return True
            if not current.propagate:
                return False
            current = current.parent
        return False


def configure_from_env() -> None:
    """Apply `AGENTPLATFORM_LOG` once per process: set the level, add the stderr fallback.

    Raises `ConfigurationError` when the variable holds something other than a level name.
    """
    global _configured, _handler
    if _configured:
        return
    raw = os.environ.get(ENV_LOG, "").strip().lower()
    if raw and raw not in LEVELS:
        raise ConfigurationError(
            f"{ENV_LOG} must be a log level: debug, info, warning, error or critical "
            f"(or unset), got {raw[:20]!r}."
        )
    _configured = True
    if not raw:
        return
    _handler = FallbackHandler()
    logger.addHandler(_handler)
    logger.setLevel(LEVELS[raw])


def reset() -> None:
    """Undo `configure_from_env`, so the next client reads `AGENTPLATFORM_LOG` again."""
    global _configured, _handler
    if _handler is not None:
        logger.removeHandler(_handler)
        _handler = None
    logger.setLevel(logging.NOTSET)
    _configured = False


def log_attempt(
    request: httpx.Request,
    attempt: int,
    started: float,
    *,
    response: httpx.Response | None = None,
    error: Exception | None = None,
) -> None:
    """One line per HTTP attempt, at debug level; notes the attempt count for `log_request`."""
    request.extensions[_ATTEMPTS] = attempt + 1
    if not logger.isEnabledFor(logging.DEBUG):
        return
    elapsed_ms = (time.perf_counter() - started) * 1000.0
    if response is not None:
        logger.debug(
            "%s %s -> %d attempt=%d elapsed_ms=%.1f request_id=%s",
            request.method,
            request.url,
            response.status_code,
            attempt + 1,
            elapsed_ms,
            response.headers.get("x-request-id", "-"),
        )
    else:
        logger.debug(
            "%s %s -> %s attempt=%d elapsed_ms=%.1f",
            request.method,
            request.url,
            type(error).__name__,
            attempt + 1,
            elapsed_ms,
        )


def log_request(
    request: httpx.Request,
    started: float,
    *,
    response: httpx.Response | None = None,
    error: Exception | None = None,
) -> None:
    """One line per request when it is done (retries included), at info level."""
    if not logger.isEnabledFor(logging.INFO):
        return
    outcome = str(response.status_code) if response is not None else type(error).__name__
    request_id = response.headers.get("x-request-id", "-") if response is not None else "-"
    logger.info(
        "%s %s -> %s attempts=%d elapsed_ms=%.1f request_id=%s",
        request.method,
        request.url.raw_path.decode("ascii", "replace"),
        outcome,
        request.extensions.get(_ATTEMPTS, 1),
        (time.perf_counter() - started) * 1000.0,
        request_id,
    )


def log_not_retried(request: httpx.Request, reason: str) -> None:
    """Say why a failed attempt was not retried."""
    logger.info("%s %s not retried: %s", request.method, request.url, reason)
