"""Queue matching when the campaign submits a record; the task runs only after commit."""

import logging

from django.db import transaction
from django.dispatch import receiver
from kombu.exceptions import KombuError

from collection.signals import record_submitted, records_imported, scan_processed

logger = logging.getLogger(__name__)


def _queue_match(record_id: int) -> None:
    """Queue matching of one record; a broker outage must not turn a saved submission into an error page.

    The record is already committed: `sweep_unmatched` (every 5 minutes) finds it and matches it later.
    """
    from verification.tasks import match_record

    try:
        match_record.delay(record_id)
    except (KombuError, OSError):  # broker unreachable or frozen; not matching errors (eager tests raise them)
        logger.exception("could not queue matching of record %s; the periodic sweep will match it", record_id)


@receiver(record_submitted)
def queue_match_on_submit(sender, record_id: int, **kwargs) -> None:
    transaction.on_commit(lambda: _queue_match(record_id))


def _queue_chunks(record_ids: list[int]) -> None:
    """Imported records are matched in chunks on the bulk queue, not one task per record."""
    from verification.tasks import CHUNK_SIZE, match_chunk

    try:
        for start in range(0, len(record_ids), CHUNK_SIZE):
            match_chunk.delay(record_ids[start : start + CHUNK_SIZE])
    except (KombuError, OSError):
        logger.exception("could not queue matching of %s imported records; the periodic sweep will match them",
                         len(record_ids))


@receiver(records_imported)
def queue_match_on_import(sender, record_ids: list[int], **kwargs) -> None:
    ids = list(record_ids)
    transaction.on_commit(lambda: _queue_chunks(ids))


@receiver(scan_processed)
def queue_match_on_scan(sender, scan_id: str, record_id: int, **kwargs) -> None:
    transaction.on_commit(lambda: _queue_match(record_id))
