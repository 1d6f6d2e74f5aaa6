"""The `agentplatform` logger. `AGENTPLATFORM_LOG=debug|info` turns on a stderr handler.

Log records name the method, URL, status, attempt, elapsed time and request id; never
headers (they hold the API key) and never bodies.
"""

from __future__ import annotations

import logging
import os
import time

import httpx

from .errors import ConfigurationError

logger = logging.getLogger("agentplatform")

_LEVELS = {"debug": logging.DEBUG, "info": logging.INFO}
_configured = False
_handler: logging.Handler | None = None


def configure_from_env() -> None:
    """Attach a stderr handler once when `AGENTPLATFORM_LOG` asks for one.

    Raises `ConfigurationError` when the variable holds something other than debug or info.
    """
    global _configured, _handler
    if _configured:
        return
    raw = os.environ.get("AGENTPLATFORM_LOG", "").strip().lower()
    if raw and raw not in _LEVELS:
        raise ConfigurationError(
            f"AGENTPLATFORM_LOG must be 'debug' or 'info' (or unset), got {raw[:20]!r}."
        )
    _configured = True
    if not raw:
        return
    _handler = logging.StreamHandler()
    _handler.setFormatter(logging.Formatter("[%(asctime)s %(name)s %(levelname)s] %(message)s"))
    logger.addHandler(_handler)
    logger.setLevel(_LEVELS[raw])


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
    """One line per HTTP attempt, at debug level."""
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


def log_not_retried(request: httpx.Request, reason: str) -> None:
    """Say why a failed attempt was not retried."""
    logger.info("%s %s not retried: %s", request.method, request.url, reason)
