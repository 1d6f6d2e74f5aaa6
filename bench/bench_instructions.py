"""Instructions per sequential request, counted by valgrind's callgrind: repeatable under load.

Wall and CPU time move with whatever else runs on the machine; the number of
instructions a client executes for one request does not. Each variant runs in its own
interpreter under `valgrind --tool=callgrind`, against bench/server.py (a separate
process, not under valgrind). The interpreter builds the client and sends --warmup
requests uncounted, then sends --requests requests inside a ctypes callback: callgrind
counts only what runs inside that callback (`--toggle-collect=closure_fcn`, a function
of ctypes that no HTTP client calls), so imports, setup, the server and the kernel are
not counted. Ratios are to raw httpx.

"agentplatform on httpx2" is the SDK unchanged, in an interpreter where `import httpx`
resolves to the httpx2 fork (`httpx2.alias_httpx()`): what moving the sync path to
httpx2 would change.

    python bench/bench_instructions.py [--requests 200] [--warmup 50]
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import _callgrind
import _sequential

BENCH = Path(__file__).resolve().parent
MARKER = "closure_fcn"  # ctypes' C entry of a Python callback (Modules/_ctypes/callbacks.c)
# (row, variant of _sequential, on httpx2 through alias_httpx)
VARIANTS: list[tuple[str, str, bool]] = [
    ("raw httpx", "raw httpx", False),
    ("raw httpx2 (the peers' HTTP stack)", "raw httpx2", False),
    ("agentplatform Client.health()", "agentplatform", False),
    ("agentplatform on httpx2 (alias_httpx)", "agentplatform", True),
    ("openai client.get(cast_to=model)", "openai", False),
    ("anthropic client.get(cast_to=model)", "anthropic", False),
]


def child(variant: str, alias: bool, url: str, requests: int, warmup: int) -> int:
    """Run in the interpreter under callgrind: warm up, then the counted requests."""
    if alias:
        _sequential.alias_httpx()
    import ctypes
    import gc

    call, close = _sequential.build(variant, url)
    if alias and sys.modules["httpx"].__name__ != "httpx2":
        raise RuntimeError("alias_httpx() did not take effect")
    for _ in range(warmup):
        call()
    gc.collect()
    done: list[int] = []

    def counted() -> None:
        for _ in range(requests):
            call()
        done.append(requests)

    ctypes.CFUNCTYPE(None)(counted)()  # an exception inside is printed, then `done` is empty
    close()
    return 0 if done else 1


def count(variant: str, alias: bool, url: str, requests: int, warmup: int) -> int:
    """Instructions of `requests` requests of one variant (callgrind's collected total)."""
    command = [
        sys.executable,
        str(BENCH / "bench_instructions.py"),
        *("--child", variant, "--url", url),
        *("--requests", str(requests), "--warmup", str(warmup)),
        *(["--alias-httpx"] if alias else []),
    ]
    return _callgrind.instructions(command, {**os.environ, "PYTHONHASHSEED": "0"}, MARKER)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200, help="counted requests")
    parser.add_argument("--warmup", type=int, default=50, help="uncounted requests first")
    parser.add_argument("--child", metavar="VARIANT", help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--alias-httpx", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        return child(args.child, args.alias_httpx, args.url, args.requests, args.warmup)
    if not _callgrind.available():
        print(_callgrind.MISSING)
        return 0
    from _common import health_server, ratio

    rows: dict[str, float] = {}
    with health_server() as url:
        for row, variant, alias in VARIANTS:
            if not _sequential.available(variant) or (
                alias and not _sequential.available("raw httpx2")
            ):
                print(f"({row}: not installed, skipped)", file=sys.stderr)
                continue
            rows[row] = count(variant, alias, url, args.requests, args.warmup) / args.requests
    base = rows["raw httpx"]
    print(
        f"Instructions per sequential GET {_sequential.HEALTH_PATH} (callgrind, "
        f"{args.requests} requests after {args.warmup} uncounted)"
    )
    print(f"{'variant':46} {'instructions/req':>17} {'vs raw':>7}")
    for row, value in rows.items():
        print(f"{row:46} {value:17,.0f} {ratio(value, base):>7}")
    sdk = rows.get("agentplatform Client.health()")
    if sdk is not None:
        print()
        print(f"SDK instructions per request vs raw httpx: {ratio(sdk, base)}")
        on_httpx2 = rows.get("agentplatform on httpx2 (alias_httpx)")
        if on_httpx2 is not None:
            print(f"SDK on httpx2 vs SDK on httpx: {ratio(on_httpx2, sdk)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
