"""TLS and proxy options (`verify=`, `cert=`, `proxy=`), checked and made ready for httpx."""

from __future__ import annotations

import os
import ssl
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import httpx

from .errors import ConfigurationError

if TYPE_CHECKING:
    from ._setup import ClientOptions

_PROXY_SCHEMES = ("http", "https", "socks5", "socks5h")


def transport_options(options: ClientOptions) -> dict[str, Any]:
    """verify=, cert= and proxy= checked and turned into what httpx takes."""
    result: dict[str, Any] = {}
    if "proxy" in options:
        result["proxy"] = proxy_of(options["proxy"])
    verify = options.get("verify", True)
    cert = options.get("cert")
    if isinstance(verify, bool) and cert is None:
        if "verify" in options:
            result["verify"] = verify
        return result
    result["verify"] = ssl_context(verify, cert)
    return result


def proxy_of(proxy: object) -> httpx.Proxy:
    """A checked proxy: an http, https or socks5 URL with a host."""
    if not isinstance(proxy, (str, httpx.URL)):
        raise ConfigurationError(f"proxy must be a URL string, got {type(proxy).__name__}.")
    try:
        parts = urlsplit(str(proxy))
        port_ok = parts.port is None or parts.port > 0
    except ValueError:
        parts, port_ok = None, False
    if parts is None or not port_ok or parts.scheme not in _PROXY_SCHEMES or not parts.hostname:
        raise ConfigurationError(  # the URL is not echoed: it may hold a password
            "proxy must be an http, https or socks5 URL with a host and a valid port."
        )
    return httpx.Proxy(str(proxy))


def ssl_context(verify: object, cert: object) -> ssl.SSLContext:
    """An SSLContext from a CA bundle path (or bool, or context) and an optional client cert."""
    try:
        if isinstance(verify, ssl.SSLContext):
            context = verify
        elif isinstance(verify, bool):
            context = httpx.create_ssl_context(verify=verify)
        elif isinstance(verify, (str, os.PathLike)):
            path = Path(verify)
            context = (
                ssl.create_default_context(capath=path)
                if path.is_dir()
                else ssl.create_default_context(cafile=path)
            )
        else:
            raise ConfigurationError(
                "verify must be True, False, a CA bundle path or an ssl.SSLContext, "
                f"got {type(verify).__name__}."
            )
        if isinstance(cert, (str, os.PathLike)):
            context.load_cert_chain(cert)
        elif (
            isinstance(cert, tuple)
            and len(cert) in (2, 3)
            and all(isinstance(part, (str, os.PathLike)) for part in cert[:2])
        ):
            context.load_cert_chain(*cert)
        elif cert is not None:
            raise ConfigurationError(
                "cert must be a PEM file path or a (certificate, key[, password]) tuple."
            )
    except (OSError, ssl.SSLError) as exc:
        raise ConfigurationError(
            f"Cannot load the TLS files given as verify=/cert=: {exc}"
        ) from None
    return context
