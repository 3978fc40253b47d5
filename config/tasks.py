"""Celery tasks of the portal itself: thin callers of config's services."""

from __future__ import annotations

from celery import shared_task

from config.tokens import tokens_expired_delete


@shared_task(name="config.tasks.delete_expired_tokens", soft_time_limit=120, time_limit=180)
def delete_expired_tokens() -> int:
    """Every night: knox removes a user's expired tokens only when one of that user's tokens is used."""
    return tokens_expired_delete()
