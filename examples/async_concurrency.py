"""Async: one AsyncClient, many calls in flight at once with asyncio.gather.

The client shares one connection pool between concurrent calls; each call keeps its
own retries and idempotency key.

Run against the sandbox:  agentplatform sandbox --port 8080  (in another terminal)
                          AGENTPLATFORM_BASE_URL=http://127.0.0.1:8080 \
                          AGENTPLATFORM_API_KEY=sk_test_sandbox_0000 python async_concurrency.py
"""

from __future__ import annotations

import asyncio
import time

import agentplatform as ap

CONCURRENT = 50


async def main() -> None:
    async with ap.AsyncClient() as client:
        health = await client.health()
        print(f"health: {health.status}")
        await client.ontology.put_schema(
            entity_types=[
                {"id": "Document", "properties": {"title": {"type": "string"}}},
            ],
            relation_types=[],
        )

        started = time.perf_counter()
        created = await asyncio.gather(
            *(
                client.entities.create(
                    type="Document",
                    properties={"title": f"doc {n}"},
                    embedding=[1.0, n / CONCURRENT, 0.0],
                )
                for n in range(CONCURRENT)
            )
        )
        elapsed = time.perf_counter() - started
        print(f"created {len(created)} entities concurrently in {elapsed:.2f} s")

        fetched = await asyncio.gather(*(client.entities.get(e.id) for e in created))
        assert [e.id for e in fetched] == [e.id for e in created]
        print(f"fetched {len(fetched)} entities back, in the order asked")

        # Mixed calls run side by side, and one failure does not cancel the others.
        results = await asyncio.gather(
            client.knowledge.search("idempotency", limit=1),
            client.chat.create("What is graph memory?"),
            client.entities.get("ent_does_not_exist"),
            return_exceptions=True,
        )
        for result in results:
            if isinstance(result, ap.NotFoundError):
                print(f"not found (HTTP {result.status_code}), as expected")
            elif isinstance(result, BaseException):
                raise result
            else:
                print(f"ok: {type(result).__name__}")

        count = 0
        async for _ in client.entities.list(type="Document", limit=20):
            count += 1
        print(f"async pagination saw {count} documents")


if __name__ == "__main__":
    asyncio.run(main())
