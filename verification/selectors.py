"""Reads for matching: which records need matching, run progress, the flag export."""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import Exists, F, OuterRef, Q, QuerySet

from collection.models import CollectedRecord, Scan
from verification.models import OPEN_STATUSES, Flag, MatchingRun


def submitted_records(*, commune_code: str | None = None) -> QuerySet[CollectedRecord]:
    qs = CollectedRecord.objects.filter(status=CollectedRecord.Status.SUBMITTED)
    if commune_code:
        qs = qs.filter(former_commune__commune_id=commune_code)
    return qs


def records_needing_match(*, commune_code: str | None = None) -> QuerySet[CollectedRecord]:
    """Submitted records never matched, edited since, or given a scan since (what the sweep re-queues)."""
    newer_scan = Scan.objects.filter(record_id=OuterRef("pk")).filter(
        Q(uploaded_at__gt=OuterRef("matched_at")) | Q(processed_at__gt=OuterRef("matched_at"))
    )
    return submitted_records(commune_code=commune_code).filter(
        Q(matched_at__isnull=True) | Q(matched_fingerprint="") | Q(updated_at__gt=F("matched_at")) | Exists(newer_scan)
    )


def matching_run_latest(*, commune_code: str | None = None) -> MatchingRun | None:
    return MatchingRun.objects.filter(commune_id=commune_code).order_by("-started_at", "-id").first()


EXPORT_COLUMNS = (
    "old_commune_code", "map_sheet", "plot_number", "code", "field",
    "registry_value", "collected_value", "severity", "status",
)


def flags_for_export(*, commune_code: str | None = None) -> Iterator[tuple[str, ...]]:
    """Rows of contract §4's export in a stable order (plot key, code, field, id), streamed."""
    qs = Flag.objects.all()
    if commune_code:
        qs = qs.filter(commune_id=commune_code)
    rows = qs.order_by(
        "former_commune_id", "record__sheet_key", "record__number_key", "record_id", "code", "field", "id"
    ).values_list(
        "former_commune_id", "record__map_sheet", "record__plot_number", "code", "field",
        "registry_value", "collected_value", "severity", "status",
    )
    yield from rows.iterator(chunk_size=2000)


def flags_open_count(*, commune_code: str | None = None) -> int:
    qs = Flag.objects.filter(status__in=OPEN_STATUSES)
    if commune_code:
        qs = qs.filter(commune_id=commune_code)
    return qs.count()
