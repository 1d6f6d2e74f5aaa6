"""Parsing a 1000-entity page: the generated `EntityPage.from_dict` vs the SDK's path.

Both start from the response bytes and end with typed models:

- json.loads only: the floor (no models);
- generated: `EntityPage.from_dict(json.loads(body))`, which trusts its input;
- agentplatform: `agentplatform._http.parse` on an `httpx.Response`, what every client
  call runs: decode, generated `from_dict`, then the field-by-field check of the body
  against the models (so a body that breaks the spec raises, naming the field).

    python bench/bench_parse.py [--entities 1000] [--dims 32] [--runs 30]
"""

from __future__ import annotations

import argparse
import json
import random
import time
from collections.abc import Callable
from typing import Any

import httpx
from _common import median, ratio


def page(entities: int, dims: int, seed: int = 3) -> bytes:
    """A realistic `EntityPage` body: properties, an embedding, timestamps, a cursor."""
    rng = random.Random(seed)
    data = [
        {
            "id": f"ent_{i:06d}",
            "type": rng.choice(["Person", "Engineer", "Company"]),
            "properties": {
                "name": f"Entity {i}",
                "age": rng.randint(18, 90),
                "tags": ["a", "b"],
                "active": rng.random() < 0.5,
            },
            "embedding": [round(rng.uniform(-1, 1), 6) for _ in range(dims)],
            "created_at": "2026-01-01T00:00:00Z",
            "updated_at": "2026-01-02T03:04:05.678Z",
            "version": rng.randint(1, 9),
        }
        for i in range(entities)
    ]
    return json.dumps({"data": data, "next_cursor": "c_1000", "has_more": True}).encode()


def variants(body: bytes) -> dict[str, Callable[[], Any]]:
    from agentplatform import _http
    from agentplatform._operation import Call
    from agentplatform_api.api.entities import list_entities
    from agentplatform_api.models import EntityPage

    request = httpx.Request("GET", "http://127.0.0.1/v1/entities")
    call: Call[Any] = Call(list_entities, {}, {})

    def overlay() -> Any:
        response = httpx.Response(
            200, content=body, headers={"content-type": "application/json"}, request=request
        )
        return _http.parse(call, response)

    return {
        "json.loads only": lambda: json.loads(body),
        "generated EntityPage.from_dict": lambda: EntityPage.from_dict(json.loads(body)),
        "agentplatform _http.parse (incl. validation)": overlay,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entities", type=int, default=1000)
    parser.add_argument("--dims", type=int, default=32, help="embedding length")
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args(argv)
    body = page(args.entities, args.dims)
    cases = variants(body)
    assert len(cases["agentplatform _http.parse (incl. validation)"]().data) == args.entities
    times: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(args.runs):  # interleaved, so a slow moment hits every variant
        for name, parse in cases.items():
            start = time.perf_counter()
            parse()
            times[name].append((time.perf_counter() - start) * 1e3)
    base = median(times["generated EntityPage.from_dict"])
    print(
        f"Parsing one page of {args.entities} entities ({len(body) / 1e6:.2f} MB, "
        f"{args.dims}-dim embeddings), median of {args.runs} runs"
    )
    print(f"{'variant':46} {'ms/page':>9} {'µs/entity':>10} {'vs generated':>13}")
    for name, values in times.items():
        ms = median(values)
        print(f"{name:46} {ms:9.2f} {ms * 1e3 / args.entities:10.2f} {ratio(ms, base):>13}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
