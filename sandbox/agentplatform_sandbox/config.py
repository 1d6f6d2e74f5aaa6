"""Settings of a running sandbox that are not data."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class SandboxConfig:
    """How the sandbox behaves.

    Attributes:
        rate_limit_per_min: requests per API key per minute (token bucket, same burst).
        research_step_s: seconds per research step (a job takes `depth + 2` steps).
        allow_external_webhooks: deliver webhooks to non-loopback hosts too.
        validate_responses: check every response against the spec; a response that
            breaks it is turned into a 500 naming the problem (for the sandbox's tests).
        webhook_retry_delays_s: waits between delivery attempts (one retry per entry).
        webhook_timeout_s: timeout of one delivery attempt.
        stream_token_delay_s: pause between streamed chat events.
        max_body_bytes: ceiling on any request body (after gzip decoding); each
            operation's own `x-max-body-bytes` in openapi.yaml applies below it.
        console: serve the console at `/console` (`Sandbox` and the command line turn
            it off on a non-loopback host unless asked for).
        console_off_reason: what `/console` answers while the console is off.
    """

    rate_limit_per_min: int = 10_000
    research_step_s: float = 1.0
    allow_external_webhooks: bool = False
    validate_responses: bool = False
    webhook_retry_delays_s: tuple[float, ...] = (0.2, 0.5, 1.0)
    webhook_timeout_s: float = 5.0
    stream_token_delay_s: float = 0.0
    max_body_bytes: int = 32 * 1024 * 1024
    console: bool = True
    console_off_reason: str = "The sandbox console is off."
