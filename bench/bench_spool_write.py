"""CPU cost of one `track()` with and without the write-through spool.

    python bench/bench_spool_write.py [--records 5000] [--rounds 15] [--repeats 3]

Each round builds a client-less `Telemetry` whose exporter is held (nothing is sent),
tracks `--records` built events and keeps the calling thread's CPU time per call
(`time.thread_time`, system time included), so other processes on a shared machine move
the result less than wall time would. The in-memory and the spooled pipelines
alternate; each keeps its best round. To compare two versions of the spool, run it once
with an older `overlays/` first on PYTHONPATH.
"""

from __future__ import annotations

import argparse
import logging
import shutil
import tempfile
import time

from bench_telemetry import held_telemetry, sample_event


def per_track_us(records: int, spooled: bool) -> float:
    """Thread CPU µs per `track()` of one round (a fresh pipeline, a fresh spool)."""
    directory = tempfile.mkdtemp(prefix="bench-spool-") if spooled else None
    telemetry, held = held_telemetry(records + 10, directory)
    try:
        event = sample_event()
        track = telemetry.track
        started = time.thread_time()
        for _ in range(records):
            track(event)
        return (time.thread_time() - started) / records * 1e6
    finally:
        held.release.set()
        telemetry.close(timeout=0)
        if directory is not None:
            shutil.rmtree(directory, ignore_errors=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    # Each round ends by abandoning its held records (and their spool): not news.
    logging.getLogger("agentplatform.telemetry").setLevel(logging.CRITICAL)
    print("thread CPU µs per track() of a built event (best round)")
    for _ in range(args.repeats):
        memory = spool = float("inf")
        for _ in range(args.rounds):
            memory = min(memory, per_track_us(args.records, False))
            spool = min(spool, per_track_us(args.records, True))
        print(f"  in memory {memory:5.2f}   write-through {spool:5.2f}   {spool / memory:.2f}x")


if __name__ == "__main__":
    main()
