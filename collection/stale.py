"""Work that waits (issue 17.3): drafts nobody touched for days, records the office returned and
nobody corrected, and phones whose outbox stopped sending, each with the official who answers for it.

The official responsible for a record is the one its plot is handed to (`PlotAssignment`), else the
one who collected it. Each list is one query (plus none per row: relations are joined), bounded by
`limit`, oldest first, inside the user's scope; an official sees only what they answer for.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Max, Min, Q, QuerySet
from django.utils import timezone

from collection.models import ChunkedUpload, CollectedRecord, Role
from collection.plot_assignments import official_label
from collection.scope import restrict, user_scope

DEFAULT_DRAFT_DAYS = 3
OUTBOX_HOURS = 24
LIMIT = 200


@dataclass(frozen=True)
class WaitingRecord:
    record: CollectedRecord
    official: str  # who answers for it, in words
    since: dt.datetime


def responsible(record: CollectedRecord) -> str:
    held = getattr(record.plot, "official_assignment", None) if record.plot_id else None
    if held is not None:
        return official_label(held.official)
    if record.collected_by_user is not None:
        return official_label(record.collected_by_user)
    return record.collected_by


def _records(user) -> QuerySet[CollectedRecord]:
    qs = restrict(CollectedRecord.objects.all(), user).select_related(
        "former_commune", "collected_by_user", "plot__official_assignment__official"
    )
    if user_scope(user).role == Role.OFFICIAL:
        qs = qs.filter(Q(plot__official_assignment__official=user) | Q(collected_by_user=user))
    return qs


def stale_drafts(user, *, days: int = DEFAULT_DRAFT_DAYS, now: dt.datetime | None = None, limit: int = LIMIT):
    """Drafts not changed for `days` days or more, oldest first."""
    cutoff = (now or timezone.now()) - dt.timedelta(days=days)
    rows = _records(user).filter(status=CollectedRecord.Status.DRAFT, updated_at__lte=cutoff).order_by("updated_at")
    return [WaitingRecord(r, responsible(r), r.updated_at) for r in rows[:limit]]


def returned_records(user, *, limit: int = LIMIT):
    """Records the registration office sent back and nobody has corrected and sent again, oldest first."""
    rows = _records(user).filter(status=CollectedRecord.Status.RETURNED).order_by("updated_at")
    return [WaitingRecord(r, responsible(r), r.updated_at) for r in rows[:limit]]


@dataclass(frozen=True)
class StuckOutbox:
    official: str
    username: str
    photos: int  # photos started and not finished
    oldest: dt.datetime
    last: dt.datetime


def stuck_outboxes(user, *, hours: int = OUTBOX_HOURS, now: dt.datetime | None = None, limit: int = LIMIT):
    """Officials whose phone began sending photos and has sent nothing more for `hours` hours.

    The phone's outbox is on the phone; what the server sees of it is a resumable upload (tus) left
    unfinished. One row per official, the longest silent first."""
    cutoff = (now or timezone.now()) - dt.timedelta(hours=hours)
    uploads = ChunkedUpload.objects.filter(
        record__in=_records(user).values("pk"), user__isnull=False, scan__isnull=True, updated_at__lte=cutoff
    )
    rows = (
        uploads.values("user_id", "user__username", "user__first_name", "user__last_name")
        .annotate(photos=Count("pk"), oldest=Min("updated_at"), last=Max("updated_at"))
        .order_by("last")[:limit]
    )
    out = []
    for row in rows:
        name = f"{row['user__first_name']} {row['user__last_name']}".strip()
        label = f"{name} ({row['user__username']})" if name else row["user__username"]
        out.append(StuckOutbox(label, row["user__username"], row["photos"], row["oldest"], row["last"]))
    return out
