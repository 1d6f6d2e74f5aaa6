"""Checks of single setting values; each message names where the bad value came from."""

from __future__ import annotations

from urllib.parse import urlsplit

from .errors import ConfigurationError

DEFAULT_BASE_URL = "https://api.agentplatform.dev"
DEFAULT_TIMEOUT = 60.0
DEFAULT_MAX_RETRIES = 2


def _source(where: str | None) -> str:
    return f" (from {where})" if where else ""


def check_api_key(value: object, where: str | None = None) -> str:
    """A checked API key (never echoed in a message)."""
    if value is None:
        raise ConfigurationError(
            "No API key: pass api_key=..., set AGENTPLATFORM_API_KEY, "
            "or run `agentplatform configure` to store one in a profile."
        )
    if not isinstance(value, str) or not value.strip():
        raise ConfigurationError(f"The API key must be a non-empty string{_source(where)}.")
    if any(c.isspace() or not c.isprintable() for c in value):
        raise ConfigurationError(
            f"The API key{_source(where)} contains whitespace or control characters; copy it again."
        )
    return value


def check_base_url(value: object, where: str | None = None) -> str:
    """A checked http(s) root URL, without a trailing slash (None gives the default).

    The API's paths start with `/v1`, so a URL ending in `/v1` is refused: every request
    would go to `/v1/v1/...`.
    """
    if value is None:
        return DEFAULT_BASE_URL
    if not isinstance(value, str):
        raise ConfigurationError(
            f"base_url must be a string, not {type(value).__name__}{_source(where)}."
        )
    if not value.strip():
        raise ConfigurationError(
            f"base_url must not be empty{_source(where)}; "
            f"leave it out to use the default {DEFAULT_BASE_URL}."
        )
    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigurationError(
            f"base_url {value!r}{_source(where)} is not an http(s) URL with a host, "
            "e.g. https://api.agentplatform.dev or http://127.0.0.1:8080."
        )
    if parts.query or parts.fragment:
        raise ConfigurationError(
            f"base_url {value!r}{_source(where)} must not have a query or fragment."
        )
    url = value.strip().rstrip("/")
    if url.lower().endswith("/v1"):
        raise ConfigurationError(
            f"base_url {value!r}{_source(where)} ends in /v1, but the SDK adds /v1 to every "
            f"path (e.g. /v1/health), so requests would go to /v1/v1/...: drop the /v1 and "
            f"use {url[:-3]!r}."
        )
    return url


def check_timeout(value: object, where: str | None = None) -> float:
    """Checked seconds (a positive finite number); None gives the default."""
    if value is None:
        return DEFAULT_TIMEOUT
    try:
        if isinstance(value, bool):
            raise TypeError
        timeout = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError, OverflowError):
        raise ConfigurationError(
            f"timeout must be a number of seconds, got {value!r}{_source(where)}."
        ) from None
    if not timeout > 0 or timeout == float("inf"):
        raise ConfigurationError(
            f"timeout must be a positive number of seconds, got {value!r}{_source(where)}."
        )
    return timeout


def check_max_retries(value: object, where: str | None = None) -> int:
    """A checked retry count (a whole number >= 0); None gives the default."""
    if value is None:
        return DEFAULT_MAX_RETRIES
    try:
        if isinstance(value, bool):
            raise TypeError
        retries: int = int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError, OverflowError):
        retries = -1
    if retries < 0 or (isinstance(value, float) and not value.is_integer()):
        raise ConfigurationError(
            f"max_retries must be a whole number >= 0, got {value!r}{_source(where)}."
        )
    return retries


def check_optional_id(name: str, value: object, where: str | None = None) -> str | None:
    """A checked optional id: None, or a non-empty string without spaces."""
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip() or any(c.isspace() for c in value):
        raise ConfigurationError(
            f"{name} must be a non-empty string without spaces{_source(where)}."
        )
    return value
