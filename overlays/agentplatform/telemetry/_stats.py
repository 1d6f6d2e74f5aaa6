"""`TelemetryStats`: what became of the records of one buffered pipeline."""

from __future__ import annotations

import attrs


@attrs.frozen
class TelemetryStats:
    """Counters of one pipeline since its client was created.

    Every record enqueued ends up in exactly one of `sent`, `duplicates`, `failed` or
    `dropped`, or is still `queued` (in memory) or `spooled` (on disk), including
    batches being sent. Records that sampling left out are counted in `sampled_out`
    and nowhere else. Records an ended process left in the spool are counted in
    `spooled` and then `sent` (or `failed`/`dropped`), but not in `enqueued`.

    Attributes:
        enqueued: records accepted by `track`, `log_*` or `buffered.ingest`.
        sent: records the service accepted (including ones left by an earlier process).
        duplicates: records the service already had (same `event_id`); not stored again.
        dropped: records discarded on the client: queue or spool overflow, or still
            undelivered at `close()` without a spool.
        failed: records the service rejected, batches that failed for good (4xx), and
            records that are not JSON-serializable.
        sampled_out: records left out by `sample_rate`.
        queued: records only in memory that are not yet acknowledged.
        spooled: records in spool files that are not yet acknowledged (with a spool,
            every waiting record); after `close()`, what was left there for the next
            process.
        batches: requests the service acknowledged.
        retries: repeated attempts at whole batches after transient failures.
    """

    enqueued: int = 0
    sent: int = 0
    duplicates: int = 0
    dropped: int = 0
    failed: int = 0
    sampled_out: int = 0
    queued: int = 0
    spooled: int = 0
    batches: int = 0
    retries: int = 0
