"""Celery tasks of verification: thin callers of verification.services."""

from celery import shared_task


@shared_task(name="verification.tasks.match_record")
def match_record(record_id: int) -> str:
    return "not-implemented"


@shared_task(name="verification.tasks.sweep_unmatched")
def sweep_unmatched() -> int:
    return 0
