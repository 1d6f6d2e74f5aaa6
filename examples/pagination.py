"""Pagination: list calls return lazy paginators that walk every page.

`for item in client.entities.list(...)` fetches pages as it goes; `.pages()` yields
whole pages; `max_items=` stops early; `limit=` sets the page size.
"""

from __future__ import annotations

import asyncio

import agentplatform as ap


def main() -> None:
    with ap.Client() as client:
        client.ontology.put_schema(
            entity_types=[{"id": "Ticket", "properties": {"n": {"type": "integer"}}}],
            relation_types=[],
        )
        for n in range(25):
            client.entities.create(type="Ticket", properties={"n": n})

        every = [t.properties["n"] for t in client.entities.list(type="Ticket", limit=10)]
        print(f"items: {len(every)} (first {every[:3]}, last {every[-1]})")

        sizes = [len(page.data) for page in client.entities.list(type="Ticket", limit=10).pages()]
        print(f"page sizes with limit=10: {sizes}")

        first_five = client.entities.list(type="Ticket", limit=10, max_items=5).to_list()
        print(f"max_items=5 gives {len(first_five)} items")

        paginator = client.entities.list(type="Ticket", limit=10)
        print("nothing is fetched until iteration starts:", type(paginator).__name__)
        print("iterating twice starts again:", len(list(paginator)) == len(list(paginator)))

    asyncio.run(async_main())


async def async_main() -> None:
    async with ap.AsyncClient() as client:
        count = 0
        async for _ticket in client.entities.list(type="Ticket", limit=7):
            count += 1
        pages = [page async for page in client.entities.list(type="Ticket", limit=7).pages()]
        print(f"async: {count} items over {len(pages)} pages")


if __name__ == "__main__":
    main()
