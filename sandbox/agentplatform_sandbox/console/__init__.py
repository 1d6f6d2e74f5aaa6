"""The sandbox console: a browser view of one tenant's data at `/console`.

`ConsoleApp` serves it inside the sandbox's ASGI app (same port, no extra process).
It shows one tenant at a time, the signed-in API key's, and never a full API key or
a webhook secret. `is_loopback_host` is the default rule for turning it on: only
when the sandbox listens on a loopback address (`off_reason` says why it is off).
"""

from __future__ import annotations

import ipaddress

from .app import ConsoleApp, is_console_path


def is_loopback_host(host: str) -> bool:
    """Whether `host` (an address or `localhost`) is a loopback address."""
    if host.strip("[]").lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def off_reason(host: str) -> str:
    """The message a console that is off on `host` answers with."""
    return (
        f"The sandbox console is off: the sandbox listens on {host}, not a loopback "
        "address, and the console shows its data to anyone who can reach it. Start the "
        "sandbox with --console (or Sandbox(console=True)) to serve it there anyway."
    )


__all__ = ["ConsoleApp", "is_console_path", "is_loopback_host", "off_reason"]
