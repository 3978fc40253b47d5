"""Celery task of the reports: a thin caller of `bundles.bundle_build` (bulk queue)."""

from __future__ import annotations

import datetime as dt
import logging

from celery import shared_task
from django.conf import settings

from reports.bundles import bundle_build, bundles_expire
from reports.daily import send_daily_reports

logger = logging.getLogger(__name__)


@shared_task(name="reports.tasks.build_scan_bundle")
def build_scan_bundle(bundle_id: int) -> str:
    bundle = bundle_build(bundle_id=bundle_id)
    if bundle is None:
        logger.info("scan bundle %s no longer exists", bundle_id)
        return "missing"
    return str(bundle.status)


@shared_task(name="reports.tasks.expire_scan_bundles")
def expire_scan_bundles() -> int:
    """Daily (beat): delete bundle files older than settings.BUNDLE_RETENTION_DAYS."""
    return bundles_expire(older_than=dt.timedelta(days=settings.BUNDLE_RETENTION_DAYS))


@shared_task(name="reports.tasks.send_daily_reports")
def daily_reports_mail() -> int:
    """Each morning (beat): the leaders' daily report by e-mail, when DAILY_REPORT_EMAIL is on."""
    return send_daily_reports()
