"""Queue matching when the campaign submits a record; the task runs only after commit."""

from django.db import transaction
from django.dispatch import receiver

from collection.signals import record_submitted, scan_processed


@receiver(record_submitted)
def queue_match_on_submit(sender, record_id: int, **kwargs) -> None:
    from verification.tasks import match_record

    transaction.on_commit(lambda: match_record.delay(record_id))


@receiver(scan_processed)
def queue_match_on_scan(sender, scan_id: str, record_id: int, **kwargs) -> None:
    from verification.tasks import match_record

    transaction.on_commit(lambda: match_record.delay(record_id))
