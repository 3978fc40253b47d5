"""Celery tasks of verification: thin callers of the matching pipeline and services (ids only, idempotent).

Only database hiccups (OperationalError: lost connection, deadlock between two chunks touching
the same partner flags, serialization failure) are retried, with exponential backoff and jitter.
acks_late + reject_on_worker_lost (settings) redeliver a chunk whose worker died; matching it
again is harmless (fingerprints) and MatchingChunk counts it once.
"""

from __future__ import annotations

from celery import shared_task
from django.db import OperationalError, connection
from django.test.utils import CaptureQueriesContext

from verification import selectors, services
from verification.matching import pipeline

# Records per matching task: a chunk's ~25 queries cost about the same whatever its size, so fewer,
# larger chunks match the province faster (bench/matching.py: 11.3 s at 500, 10.5 s at 1,000).
CHUNK_SIZE = 1000
RETRY = {
    "autoretry_for": (OperationalError,),
    "retry_backoff": 2,
    "retry_backoff_max": 120,
    "retry_jitter": True,
    "max_retries": 8,
}


@shared_task(name="verification.tasks.match_record", soft_time_limit=60, time_limit=90, **RETRY)
def match_record(record_id: int) -> int:
    """Match one record right after it was submitted (or a scan of it processed)."""
    return pipeline.match_record(record_id=record_id).matched


@shared_task(name="verification.tasks.match_chunk", soft_time_limit=600, time_limit=660, **RETRY)
def match_chunk(record_ids: list[int], run_id: int | None = None, index: int | None = None) -> int:
    """Match a chunk of records (CHUNK_SIZE) and count it once in its MatchingRun."""
    connection.queries_log.clear()  # a long-lived worker's log is capped: count from zero
    with CaptureQueriesContext(connection) as ctx:
        summary = pipeline.records_match(record_ids=record_ids)
    if run_id is not None and index is not None:
        services.matching_chunk_finish(
            run_id=run_id, index=index, size=len(record_ids), queries=len(ctx.captured_queries), summary=summary
        )
    return summary.matched


@shared_task(name="verification.tasks.match_batch", soft_time_limit=300, time_limit=360, **RETRY)
def match_batch(commune_code: str | None = None, run_id: int | None = None) -> int:
    """Split the submitted records (of a commune, or all) into chunks and queue them."""
    run, chunks = services.matching_run_prepare(run_id=run_id, commune_code=commune_code, chunk_size=CHUNK_SIZE)
    for index, ids in chunks:
        match_chunk.delay(ids, run.pk, index)
    return run.pk


@shared_task(name="verification.tasks.sweep_unmatched", soft_time_limit=120, time_limit=180, **RETRY)
def sweep_unmatched() -> int:
    """Every 5 minutes: queue records submitted but never matched or changed since (e.g. Redis was down)."""
    ids = list(selectors.records_needing_match().order_by("id").values_list("id", flat=True)[:20000])
    for start in range(0, len(ids), CHUNK_SIZE):
        match_chunk.delay(ids[start : start + CHUNK_SIZE])
    return len(ids)
