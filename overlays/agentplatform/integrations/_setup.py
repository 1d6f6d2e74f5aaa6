"""What `instrument()` of every library shares: its options, checked, and the install."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypedDict

from ..errors import ConfigurationError, InvalidParameterError
from ._hooks import install
from ._otel_genai import GenAiSpans
from ._prices import PriceTable, resolve_prices
from ._provider import Provider
from ._record import Options
from ._sink import Sink


class InstrumentOptions(TypedDict, total=False):
    """The keyword options of `instrument()` (see its docstring)."""

    service: str | None
    capture_content: bool
    redact: Callable[[str], str] | None
    prices: PriceTable | Mapping[str, object] | None
    otel: bool
    tracer_provider: Any
    metadata: Mapping[str, Any] | None


def instrument_client(
    provider: Provider,
    client: Any,
    telemetry: object,
    options: InstrumentOptions,
    *,
    resources: Iterable[Any],
    is_async: bool,
    stream_types: tuple[type, ...],
) -> None:
    """Check the options (raising before anything is hooked), then hook `resources`."""
    checked = checked_options(provider, client, telemetry, options)
    install(client, resources, checked, is_async=is_async, stream_types=stream_types)


def checked_options(
    provider: Provider, client: Any, telemetry: object, options: InstrumentOptions
) -> Options:
    """The `Options` of `options` for `client`; raises naming the first bad option."""
    unknown = set(options) - set(InstrumentOptions.__annotations__)
    if unknown:
        raise InvalidParameterError(sorted(unknown)[0], "is not an option of instrument().")
    sink = Sink(telemetry)
    service = options.get("service")
    if service is None and sink.service_name is None:
        raise ConfigurationError(
            "instrument() needs a service name: pass service=... or create the client with "
            "TelemetryConfig(service_name=...)."
        )
    capture_content = options.get("capture_content", True)
    if not isinstance(capture_content, bool):
        raise InvalidParameterError("capture_content", "expected True or False.")
    redact = options.get("redact")
    if redact is not None and not callable(redact):
        raise InvalidParameterError("redact", "expected a function text -> text, or None.")
    metadata = options.get("metadata")
    if metadata is not None and not isinstance(metadata, Mapping):
        raise InvalidParameterError("metadata", "expected a mapping.")
    base_url = getattr(client, "base_url", None)
    return Options(
        provider=provider,
        sink=sink,
        service=service,
        capture_content=capture_content,
        redact=redact,
        prices=resolve_prices(options.get("prices")),
        spans=GenAiSpans(options.get("tracer_provider")) if options.get("otel") else None,
        metadata=dict(metadata or {}),
        server=(getattr(base_url, "host", None) or None, getattr(base_url, "port", None)),
    )
