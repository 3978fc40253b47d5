"""Who has seen one person's data: the answer a province admin owes a citizen who asks (personal data law).

For one land user (a registry row), three lists, newest first, each a bounded page in a fixed
number of queries:

- every opening of their documents: `DocumentAccess` rows of the collected records of their plot
  (a record of a plot is about its certificate, which names every holder of the plot);
- every bulk export that included them: `ExportedPerson` rows (collection.export_log);
- every change to those records and their photos: `RecordChange` (collection.history).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet

from collection.history import HistoryEntry, history_entry
from collection.models import CollectedRecord, DocumentAccess, ExportedPerson, RecordChange, Role
from collection.scope import get_scoped_or_404, require_role
from landdata.models import LandUser

PER_PAGE = 50


@dataclass(frozen=True)
class PersonTrail:
    land_user: LandUser
    records: list[CollectedRecord]
    accesses: Page
    exports: Page
    changes: Page
    change_entries: list[tuple[RecordChange, HistoryEntry]]


def _page(qs: QuerySet, number) -> Page:
    return Paginator(qs, PER_PAGE).get_page(number)


def person_trail(*, user, land_user_id: int, pages: dict[str, str | None]) -> PersonTrail:
    """The trail of one land user for a province admin (anyone else: PermissionDenied; an id outside
    the admin's scope: 404). `pages` holds the page number of each list ("accesses", "exports",
    "changes"), as the query string gave it."""
    require_role(user, Role.ADMIN)
    land_user = get_scoped_or_404(
        LandUser.objects.select_related("plot__former_commune__commune"), user, pk=land_user_id
    )
    records = list(
        CollectedRecord.objects.filter(plot_id=land_user.plot_id)
        .only("id", "former_commune_id", "map_sheet", "plot_number", "holder_name", "status", "collected_on")
        .order_by("-collected_on", "-pk")
    )
    record_ids = [r.pk for r in records]
    accesses = DocumentAccess.objects.filter(record_id__in=record_ids).select_related("user", "scan", "record")
    exports = (
        ExportedPerson.objects.filter(land_user_id=land_user.pk)
        .select_related("export__user", "export__commune")
        .order_by("-export__at", "-export_id")
    )
    changes = (
        RecordChange.objects.filter(record_id__in=record_ids).select_related("user", "record").order_by("-at", "-pk")
    )
    change_page = _page(changes, pages.get("changes"))
    return PersonTrail(
        land_user=land_user,
        records=records,
        accesses=_page(accesses.order_by("-at", "-pk"), pages.get("accesses")),
        exports=_page(exports, pages.get("exports")),
        changes=change_page,
        change_entries=[(row, history_entry(row, full_ids=True)) for row in change_page.object_list],
    )
