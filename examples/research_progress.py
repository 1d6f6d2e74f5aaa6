"""Research jobs: start one, then wait for it with a progress display.

`wait` polls with backoff (0.5 s, doubling up to 5 s) until the job ends; with
`progress=True` it shows a progress bar on a terminal and plain lines otherwise (on
standard error). A failed job raises; a wait past `timeout` raises `TimeoutError`
while the job goes on.
"""

from __future__ import annotations

import agentplatform as ap
from agentplatform.types import ResearchResult


def main() -> None:
    with ap.Client() as client:
        job = client.research.create("How do agents use graph memory?", depth=1)
        print(f"started {job.id}: {job.status}")
        done = client.research.wait(job.id, progress=True, poll_interval=0.2, timeout=120)
        print(f"{done.status} at {done.progress:.0%}")
        if isinstance(done.result, ResearchResult):
            print(done.result.summary)
            for source in done.result.sources:
                print(f"  source: {source.title} <{source.url}>")


if __name__ == "__main__":
    main()
