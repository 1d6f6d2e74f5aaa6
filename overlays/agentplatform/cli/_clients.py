"""Build a client from the command line's `--profile` and `--base-url`."""

from __future__ import annotations

from .._client import Client as SyncClient
from .._setup import ClientOptions


def client_options(profile: str | None, base_url: str | None) -> ClientOptions:
    """The client options the common flags ask for (absent flags are left out)."""
    options: ClientOptions = {}
    if profile is not None:
        options["profile"] = profile
    if base_url is not None:
        options["base_url"] = base_url
    return options


def make_client(profile: str | None, base_url: str | None) -> SyncClient:
    """A `Client` resolved like any other: flags, then environment, then the profile file."""
    return SyncClient(**client_options(profile, base_url))
