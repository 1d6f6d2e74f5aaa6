"""The `agentplatform` logger. `AGENTPLATFORM_LOG=debug|info` turns on a stderr handler.

Log records name the method, URL, status, attempt, elapsed time and request id; never
headers (they hold the API key) and never bodies.
"""

from __future__ import annotations

import logging
import os
import time

import httpx

logger = logging.getLogger("agentplatform")

_LEVELS = {"debug": logging.DEBUG, "info": logging.INFO}
_configured = False


def configure_from_env() -> None:
    """Attach a stderr handler once when `AGENTPLATFORM_LOG` asks for one."""
    global _configured
    if _configured:
        return
    _configured = True
    level = _LEVELS.get(os.environ.get("AGENTPLATFORM_LOG", "").strip().lower())
    if level is None:
        return
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("[%(asctime)s %(name)s %(levelname)s] %(message)s"))
    logger.addHandler(handler)
    logger.setLevel(level)


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
