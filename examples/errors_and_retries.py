"""Errors and retries: typed exceptions, request ids, and retry settings.

Every failure is an `ap.AgentPlatformError`; HTTP errors carry the status, the request
id for support, and the RFC 9457 problem document. Connection errors, timeouts, 408,
409, 429 and 5xx are retried (2 times by default) with jittered backoff; every POST
carries one `Idempotency-Key`, the same on each retry, so a retry never writes twice.
"""

from __future__ import annotations

import os
import socket

import agentplatform as ap


def closed_port() -> int:
    """A local port nobody listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def main() -> None:
    with ap.Client() as client:
        try:
            client.entities.get("ent_missing")
        except ap.NotFoundError as error:
            print(f"NotFoundError: status={error.status_code} request_id={error.request_id}")
            print(f"  problem: {error.problem.title if error.problem else None}")
            print(f"  retryable: {error.retryable}")

        client.ontology.put_schema(
            entity_types=[{"id": "City", "properties": {"name": {"type": "string"}}}],
            relation_types=[],
        )
        try:
            client.entities.create(type="City", properties={"name": 42})
        except ap.UnprocessableEntityError as error:
            print(f"UnprocessableEntityError: {error.field_errors}")

        try:
            client.entities.create(type="City", properties={"name": "Oslo"}, timeout=-1)
        except ap.InvalidParameterError as error:
            print(f"InvalidParameterError (nothing was sent): {error}")

        # The same idempotency key with the same body replays the first result.
        first = client.entities.create(
            type="City", properties={"name": "Lima"}, idempotency_key="create-lima-1"
        )
        again = client.entities.create(
            type="City", properties={"name": "Lima"}, idempotency_key="create-lima-1"
        )
        print(f"idempotent replay returns the same entity: {first.id == again.id}")

        # Retries per client, per copy (sharing the pool) and per call.
        patient = client.with_options(max_retries=5, timeout=120.0)
        print(f"patient copy: {patient.settings.max_retries} retries")
        client.health(max_retries=0)

    bad_key = ap.Client(api_key="sk_test_wrong", base_url=os.environ["AGENTPLATFORM_BASE_URL"])
    with bad_key:
        try:
            bad_key.entities.list().to_list()
        except ap.AuthenticationError as error:
            print(f"AuthenticationError: {error}")

    offline = ap.Client(
        api_key="sk_test_x", base_url=f"http://127.0.0.1:{closed_port()}", max_retries=1
    )
    with offline:
        try:
            offline.health()
        except ap.APIConnectionError as error:
            print(f"APIConnectionError after retries: {type(error).__name__}")

    try:
        ap.Client(api_key="", base_url="http://127.0.0.1:1")
    except ap.ConfigurationError as error:
        print(f"ConfigurationError: {error}")


if __name__ == "__main__":
    main()
