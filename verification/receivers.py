"""Queue matching when the campaign submits records; the tasks run only after commit.

A broker outage never turns a saved submission into an error page: the records are
committed, and `sweep_unmatched` (every 5 minutes) matches whatever could not be queued.
"""

from django.db import transaction
from django.dispatch import receiver

from collection.signals import record_submitted, records_imported, scan_processed
from config.queueing import queue_safely
from verification import tasks


def _queue_match(record_id: int) -> None:
    queue_safely(lambda: tasks.match_record.delay(record_id), what=f"matching of record {record_id}")


def _queue_chunks(record_ids: list[int]) -> None:
    """Imported records are matched in chunks on the bulk queue, not one task per record."""

    def send() -> None:
        for start in range(0, len(record_ids), tasks.CHUNK_SIZE):
            tasks.match_chunk.delay(record_ids[start : start + tasks.CHUNK_SIZE])

    queue_safely(send, what=f"matching of {len(record_ids)} imported records")


@receiver(record_submitted)
def queue_match_on_submit(sender, record_id: int, **kwargs) -> None:
    transaction.on_commit(lambda: _queue_match(record_id))


@receiver(records_imported)
def queue_match_on_import(sender, record_ids: list[int], **kwargs) -> None:
    ids = list(record_ids)
    transaction.on_commit(lambda: _queue_chunks(ids))


@receiver(scan_processed)
def queue_match_on_scan(sender, scan_id: str, record_id: int, **kwargs) -> None:
    transaction.on_commit(lambda: _queue_match(record_id))
