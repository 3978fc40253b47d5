"""Reads of the campaign: the official's plot list and search, a plot's page, progress figures.

Everything goes through `collection.scope.restrict`; lists use keyset pagination on the
plot id (no COUNT over the province) and a fixed number of queries per page.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from collection import plot_assignments
from collection.models import Assignment, CollectedRecord, CommuneTarget, WorkingGroup
from collection.scope import Reach, get_scoped_or_404, restrict, scoped_communes, user_scope
from landdata import normalize
from landdata.models import FormerCommune, LandUser, Plot, former_commune_labels

PAGE_SIZE = 25
# A name search first finds matching land users; this many plots at most (keeps the page bounded).
NAME_MATCH_LIMIT = 2000

STATUS_NOT_COLLECTED = "not_collected"
STATUS_COLLECTED = "collected"
STATUS_FLAGGED = "flagged"
STATUS_RETURNED = "returned"
STATUSES = (STATUS_NOT_COLLECTED, STATUS_COLLECTED, STATUS_FLAGGED, STATUS_RETURNED)
ASSIGNED_ME = "me"
ASSIGNED_NONE = "none"
STATUS_LABELS = {
    STATUS_NOT_COLLECTED: _("Chưa thu thập"),
    STATUS_COLLECTED: _("Đã thu thập"),
    STATUS_FLAGGED: _("Có sai lệch"),
    STATUS_RETURNED: _("Bị trả lại"),
}

_SHEET_PLOT = re.compile(r"^\s*([0-9A-Za-z]+)\s*/\s*([0-9A-Za-z]+)\s*$")
_ID_LIKE = re.compile(r"^[\d\s.\-]{9,20}$")


@dataclass(frozen=True)
class PlotFilters:
    q: str = ""
    sheet: str = ""
    plot: str = ""
    former_commune: str = ""
    working_group: int | None = None
    status: str = ""
    hamlet: str = ""
    # Whose plots: "" all, ASSIGNED_ME the user's own, ASSIGNED_NONE nobody's yet, or an official's id.
    assigned: str = ""


@dataclass
class PlotPage:
    rows: list[Plot]
    next_after: int | None = None
    prev_before: int | None = None
    filters: PlotFilters = field(default_factory=PlotFilters)


def _records(**lookup) -> QuerySet[CollectedRecord]:
    return CollectedRecord.objects.filter(plot=OuterRef("pk"), **lookup)


def plot_status(records: list[tuple[str, int]]) -> str:
    """One status per plot from its (status, open_flags) records: returned > flagged > collected > not collected."""
    statuses = {status for status, _flags in records}
    if CollectedRecord.Status.RETURNED in statuses:
        return STATUS_RETURNED
    if any(flags > 0 and status != CollectedRecord.Status.DRAFT for status, flags in records):
        return STATUS_FLAGGED
    if CollectedRecord.Status.SUBMITTED in statuses:
        return STATUS_COLLECTED
    return STATUS_NOT_COLLECTED


def plot_search(
    *, user, filters: PlotFilters, former_communes: Sequence[FormerCommuneChoice] | None = None
) -> QuerySet[Plot]:
    """Plots of the user's scope matching the search and filters, with their collection state.

    `former_communes`: `former_communes_for(user)` when the caller has it already (the page's form
    offers it), so that the scope costs no query of its own; read here otherwise."""
    if former_communes is None:
        former_communes = former_communes_for(user)
    qs = _scoped_plots(user, former_communes)
    sheet, number = filters.sheet.strip(), filters.plot.strip()
    text = normalize.nfc(filters.q)
    if text and (match := _SHEET_PLOT.match(text)):
        sheet, number = match.groups()
        text = ""
    if sheet:
        qs = qs.filter(sheet_key=normalize.plot_key_part(sheet))
    if number:
        qs = qs.filter(number_key=normalize.plot_key_part(number))
    if text:
        qs = _text_search(qs, text, user)
    if filters.former_commune:
        qs = qs.filter(former_commune_id=filters.former_commune)
    if filters.working_group:
        group = filters.working_group
        qs = qs.filter(former_commune_id__in=[fc.code for fc in former_communes if fc.assigned_group_id == group])
    if filters.hamlet:
        qs = qs.filter(plot_assignments.hamlet_filter(filters.hamlet))
    if filters.assigned == ASSIGNED_ME:
        qs = qs.filter(official_assignment__official=user)
    elif filters.assigned == ASSIGNED_NONE:
        qs = qs.filter(official_assignment__isnull=True)
    elif filters.assigned.isdigit():
        qs = qs.filter(official_assignment__official_id=int(filters.assigned))
    # Status filters as EXISTS on the record's plot FK; the page's own statuses are read
    # afterwards for its 25 plots only (see plot_list_page), never for the whole scope.
    not_draft = ~Q(status=CollectedRecord.Status.DRAFT)
    if filters.status == STATUS_NOT_COLLECTED:
        qs = qs.filter(~Exists(_records().filter(not_draft)))
    elif filters.status == STATUS_COLLECTED:
        qs = qs.filter(Exists(_records(status=CollectedRecord.Status.SUBMITTED)))
    elif filters.status == STATUS_FLAGGED:
        qs = qs.filter(Exists(_records(open_flags__gt=0).filter(not_draft)))
    elif filters.status == STATUS_RETURNED:
        qs = qs.filter(Exists(_records(status=CollectedRecord.Status.RETURNED)))
    return qs


def _scoped_plots(user, former_communes: Sequence[FormerCommuneChoice]) -> QuerySet[Plot]:
    """The plots `restrict` gives the user, spelled as a list of former-commune codes.

    The same rows: a plot is in the scope exactly when its former commune is (`restrict` on
    FormerCommune, narrowed to the user's group), and `former_communes` is that list. Spelled so
    because PostgreSQL cannot estimate restrict's joins through former commune, commune and
    assignment: it took a working group's 18,000 plots for 9, read and sorted them all for a page of
    25 (37 ms instead of 0.4 ms at province size, bench/plot_list.py); on a list of codes it reads its
    statistics of each and walks the plot ids in order. Nothing-seen and the whole province stay
    restrict's (none, no filter).
    """
    scope = user_scope(user)
    if scope.sees_nothing or scope.whole_province:
        return restrict(Plot.objects.all(), user)
    return Plot.objects.filter(former_commune_id__in=[fc.code for fc in former_communes])


def _text_search(qs: QuerySet[Plot], text: str, user) -> QuerySet[Plot]:
    """An ID number (exact, current or former) or an owner's name typed with or without diacritics."""
    if _ID_LIKE.match(text):
        number = normalize.clean_id(text)
        owners = LandUser.objects.filter(Q(id_number=number) | Q(former_id_number=number)).values_list("plot_id")
        records = CollectedRecord.objects.filter(
            Q(holder_id_number=number) | Q(co_holder_id_number=number), plot__isnull=False
        ).values_list("plot_id")
        # Resolved first (both lookups use their indexes), so the plot query is a primary-key lookup.
        plot_ids = [pk for (pk,) in owners.union(records)[:NAME_MATCH_LIMIT]]
        return qs.filter(pk__in=plot_ids)
    folded = normalize.name_folded(text)
    plot_ids: list[int] = []
    if " " in folded:
        # A full name is usually typed from its start: a prefix match uses the btree pattern index.
        plot_ids = _owner_plot_ids(user, name_folded__startswith=folded)
    if not plot_ids:
        # Any part of the name (a given name, "van hanh"): substring match, served by the trigram
        # GIN index on PostgreSQL (landdata migration 0001).
        plot_ids = _owner_plot_ids(user, name_folded__contains=folded)
    return qs.filter(pk__in=plot_ids)


def _owner_plot_ids(user, **lookup) -> list[int]:
    """Plots of the land users matching `lookup`, at most NAME_MATCH_LIMIT.

    First without the scope join (an index-only lookup; the plot query applies the scope);
    only when a name is so common that the cap is reached is the lookup repeated inside
    the scope, so that the user's own plots are never crowded out by other communes'.
    """
    ids = list(LandUser.objects.filter(**lookup).values_list("plot_id", flat=True)[: NAME_MATCH_LIMIT + 1])
    if len(ids) > NAME_MATCH_LIMIT:
        ids = list(
            restrict(LandUser.objects.filter(**lookup), user).values_list("plot_id", flat=True)[:NAME_MATCH_LIMIT]
        )
    return ids


def plot_list_page(
    *,
    user,
    filters: PlotFilters,
    after: int | None = None,
    before: int | None = None,
    page_size: int = PAGE_SIZE,
    former_communes: Sequence[FormerCommuneChoice] | None = None,
) -> PlotPage:
    """One page of plots ordered by id, keyset-paginated (`after` / `before` a plot id);
    `former_communes` as for `plot_search`."""
    qs = (
        plot_search(user=user, filters=filters, former_communes=former_communes)
        .select_related("former_commune", "official_assignment__official")
        .prefetch_related(
            Prefetch(
                "land_users",
                queryset=LandUser.objects.only("id", "plot_id", "full_name", "birth_year", "id_number").order_by("id"),
            )
        )
    )
    if before is not None:
        rows = list(qs.filter(pk__lt=before).order_by("-pk")[: page_size + 1])
        has_more = len(rows) > page_size
        rows = list(reversed(rows[:page_size]))
        next_after = rows[-1].pk if rows else None
        prev_before = rows[0].pk if rows and has_more else None
    else:
        if after is not None:
            qs = qs.filter(pk__gt=after)
        rows = list(qs.order_by("pk")[: page_size + 1])
        has_more = len(rows) > page_size
        rows = rows[:page_size]
        next_after = rows[-1].pk if rows and has_more else None
        prev_before = rows[0].pk if rows and after is not None else None
    states: dict[int, list[tuple[str, int]]] = {}
    if rows:
        for plot_id, status, flags in CollectedRecord.objects.filter(plot_id__in=[p.pk for p in rows]).values_list(
            "plot_id", "status", "open_flags"
        ):
            states.setdefault(plot_id, []).append((status, flags))
    for plot in rows:
        plot.status = plot_status(states.get(plot.pk, []))
        plot.status_label = STATUS_LABELS[plot.status]
    return PlotPage(rows=rows, next_after=next_after, prev_before=prev_before, filters=filters)


@dataclass(frozen=True)
class FormerCommuneChoice:
    """A former commune of the user's scope as the pages offer it."""

    code: str
    label: str  # FormerCommune.label
    assigned_group_id: int | None  # the working group it is assigned to; None: none


def former_communes_for(user) -> list[FormerCommuneChoice]:
    """The former communes of the user's scope, by code. Plain rows rather than model instances (with
    their communes and assignments): a province has hundreds, offered on every plot-list page."""
    rows = list(
        restrict(FormerCommune.objects.all(), user)
        .order_by("code")
        .values_list("code", "name", "commune__name", "assignment__working_group_id")
    )
    labels = former_commune_labels((code, name, commune) for code, name, commune, _group in rows)
    return [FormerCommuneChoice(row[0], label, row[3]) for row, label in zip(rows, labels, strict=True)]


def working_groups_for(user) -> list[WorkingGroup]:
    scope = user_scope(user)
    qs = restrict(WorkingGroup.objects.all(), user)
    if scope.working_group_id is not None:
        qs = qs.filter(pk=scope.working_group_id)
    return list(qs.order_by("commune_id", "name"))


def plot_detail(*, user, plot_id: int) -> Plot:
    """A plot of the user's scope with its owners, certificates and collected records; 404 outside."""
    qs = Plot.objects.select_related("former_commune__commune").prefetch_related(
        Prefetch("land_users", queryset=LandUser.objects.select_related("certificate").order_by("id")),
        "certificates",
        Prefetch(
            "collected_records",
            queryset=CollectedRecord.objects.select_related("collected_by_user").order_by("-updated_at"),
        ),
    )
    return get_scoped_or_404(qs, user, pk=plot_id)


@dataclass(frozen=True)
class Progress:
    commune_name: str
    working_group: str
    target: int | None
    collected_total: int
    collected_today: int
    collected_by_me: int
    assigned_plots: int

    @property
    def percent(self) -> float:
        if not self.target:
            return 0.0
        return round(self.collected_total * 100 / self.target, 1)

    @property
    def bar_percent(self) -> float:
        return min(self.percent, 100.0)


def _collected_plots(qs: QuerySet[CollectedRecord]) -> int:
    """Collected plots = distinct plot keys with a submitted (or returned) record."""
    return qs.values("former_commune_id", "sheet_key", "number_key").distinct().count()


def progress_for(user) -> Progress | None:
    """Today's and total collected plots of the official's commune (or group) against its target."""
    scope = user_scope(user)
    if scope.reach is not Reach.COMMUNES or scope.role not in ("official", "group_leader"):
        return None
    commune = scoped_communes(user).select_related("target").first()
    if commune is None:
        return None
    records = restrict(CollectedRecord.objects.exclude(status=CollectedRecord.Status.DRAFT), user)
    today = timezone.localdate()
    group = WorkingGroup.objects.filter(pk=scope.working_group_id).first() if scope.working_group_id else None
    try:
        target = commune.target.target_plots
    except CommuneTarget.DoesNotExist:
        target = None
    return Progress(
        commune_name=str(commune),
        working_group=group.name if group else "",
        target=target,
        collected_total=_collected_plots(records),
        collected_today=_collected_plots(records.filter(collected_on=today)),
        collected_by_me=_collected_plots(records.filter(collected_by_user=user)),
        assigned_plots=restrict(Plot.objects.all(), user).count(),
    )


def assignments_for(user) -> QuerySet[Assignment]:
    return restrict(Assignment.objects.select_related("former_commune", "working_group"), user)
