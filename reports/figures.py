"""Campaign figures of contract §5, for campaign_report, dashboards and the API.

Every figure is first counted per *former commune* with a few GROUP BY queries, then
rolled up in Python to communes, working groups or the whole province through the
small assignment table, so the number of queries is constant whatever the number of
communes (seven, nine when the registry changed).

Definitions (contract §5 and the team's choices):
- assigned plots: registry plots of the former communes assigned to the commune
  (`collection.Assignment`);
- collected plots: `PlotOutcome` rows (one per collected plot key, drafts excluded
  by the matching code that fills it), by outcome;
- open flags: flags whose status is open or returned (`OPEN_STATUSES`: still
  waiting for someone);
- land users: the registry land users of the commune's ASSIGNED plots. A land
  user with a `LandUserStatus` row counts under that status; one without a row
  (its plot not collected yet) counts as unified if the registry holds a valid
  CCCD for it (`id_kind == cccd`), otherwise as not_identified.

Speed at province size (270k plots, 570k land users): joining every land user to its
plot is the costly part, and it only depends on the registry. So the registry-only
counts (plots, land users, land users with a CCCD, per former commune) are cached
under a registry version (imports, corrections, new rows); live queries count the
outcomes, open flags and the land users of *collected* plots (starting from
PlotOutcome: `verification.outcomes` keeps a LandUserStatus row exactly for the land
users of collected plots); the land users of the other plots are the difference.
`land_users_by_former_direct` is the plain one-query count the tests compare with.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import Count, Max, Min, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import get_language

from collection.models import CollectedRecord, CommuneTarget, WorkingGroup
from collection.scope import Area, Reach
from landdata.models import Commune, FormerCommune, ImportBatch, LandUser, Plot
from verification.models import (
    OPEN_STATUSES,
    Flag,
    FlagCode,
    LandUserStatus,
    Outcome,
    PlotOutcome,
    RegistryCorrection,
)

OUTCOME_KEYS = ("verified", "enriched", "cleaned", "pending_review", "not_in_registry")
LAND_USER_KEYS = ("unified", "not_matched", "not_identified")


@dataclass
class Figures:
    """The §5 figures of one unit (commune, working group, or a total)."""

    code: str
    name: str
    target_plots: int | None = None
    assigned_plots: int = 0
    outcomes: dict[str, int] = field(default_factory=lambda: dict.fromkeys(OUTCOME_KEYS, 0))
    open_flags: int = 0
    land_users: dict[str, int] = field(default_factory=lambda: dict.fromkeys(LAND_USER_KEYS, 0))

    @property
    def collected_plots(self) -> int:
        return sum(self.outcomes.values())

    @property
    def percent_of_target(self) -> float:
        """Collected / target × 100, one decimal, half rounded up (0.0 without a target)."""
        if not self.target_plots:
            return 0.0
        value = Decimal(self.collected_plots * 100) / Decimal(self.target_plots)
        return float(value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))

    @property
    def land_users_total(self) -> int:
        return sum(self.land_users.values())

    def add(self, other: Figures) -> None:
        if other.target_plots is not None:
            self.target_plots = (self.target_plots or 0) + other.target_plots
        self.add_assigned(other)
        self.add_collected(other)

    def add_assigned(self, counts: Figures | FormerCounts) -> None:
        """Plots assigned and their land users: they count for the unit the plots are assigned to."""
        self.assigned_plots += counts.assigned_plots
        for key in LAND_USER_KEYS:
            self.land_users[key] += counts.land_users[key]

    def add_collected(self, counts: Figures | FormerCounts) -> None:
        """Outcomes of what was collected, and open flags: they count for the commune the plots are in."""
        self.open_flags += counts.open_flags
        for key in OUTCOME_KEYS:
            self.outcomes[key] += counts.outcomes[key]

    def as_contract_dict(self) -> dict:
        """Exactly the keys of contract §5, in its order."""
        return {
            "commune_code": self.code,
            "commune_name": self.name,
            "target_plots": self.target_plots or 0,
            "assigned_plots": self.assigned_plots,
            "collected_plots": self.collected_plots,
            "percent_of_target": self.percent_of_target,
            **{key: self.outcomes[key] for key in OUTCOME_KEYS},
            "open_flags": self.open_flags,
            "land_users": {key: self.land_users[key] for key in LAND_USER_KEYS},
        }


@dataclass(frozen=True)
class FormerInfo:
    commune_id: str
    assigned_commune_id: str | None
    working_group_id: int | None


def former_communes_map(former_codes: Iterable[str] | None = None) -> dict[str, FormerInfo]:
    """Former commune -> (current commune, assigned commune, working group): one small query."""
    qs = FormerCommune.objects.all()
    if former_codes is not None:
        qs = qs.filter(code__in=list(former_codes))
    return {
        row["code"]: FormerInfo(row["commune_id"], row["assignment__commune_id"], row["assignment__working_group_id"])
        for row in qs.values("code", "commune_id", "assignment__commune_id", "assignment__working_group_id")
    }


@dataclass
class FormerCounts:
    """Raw counts of one former commune."""

    assigned_plots: int = 0
    outcomes: dict[str, int] = field(default_factory=lambda: dict.fromkeys(OUTCOME_KEYS, 0))
    open_flags: int = 0
    land_users: dict[str, int] = field(default_factory=lambda: dict.fromkeys(LAND_USER_KEYS, 0))


def _former_filter(former_codes: list[str] | None, path: str) -> dict:
    """Internal to the per-former counts below, whose None comes only from an Area of the whole province."""
    return {} if former_codes is None else {f"{path}__in": former_codes}


def area_formers(area: Area) -> QuerySet[FormerCommune]:
    """The former communes an area counts: those in or assigned to its communes (only its working
    group's, when it has one); all of them for the province, none for NOTHING."""
    if area.reach is Reach.PROVINCE:
        return FormerCommune.objects.all()
    if area.reach is Reach.NOTHING:
        return FormerCommune.objects.none()
    qs = FormerCommune.objects.filter(Q(commune_id__in=area.communes) | Q(assignment__commune_id__in=area.communes))
    if area.working_group_id is not None:
        qs = qs.filter(assignment__working_group_id=area.working_group_id)
    return qs


def _area_q(area: Area, path: str) -> Q:
    """A filter on `path` (a former commune's code) keeping the rows of the area: one subquery, no query."""
    if area.reach is Reach.PROVINCE:
        return Q()
    if area.reach is Reach.NOTHING:
        return Q(**{f"{path}__in": []})
    return Q(**{f"{path}__in": area_formers(area).values("code")})


REGISTRY_CACHE_SECONDS = 600


def registry_version() -> tuple:
    """Changes whenever the registry may have changed: an import started or finished, a reviewer's
    correction, plots or land users added. One query of index lookups."""

    tables = {m: connection.ops.quote_name(m._meta.db_table) for m in (ImportBatch, RegistryCorrection, Plot, LandUser)}
    with connection.cursor() as cur:
        cur.execute(
            f"SELECT (SELECT MAX(id) FROM {tables[ImportBatch]}), (SELECT MAX(finished_at) FROM {tables[ImportBatch]}),"
            f" (SELECT MAX(id) FROM {tables[RegistryCorrection]}), (SELECT MAX(id) FROM {tables[Plot]}),"
            f" (SELECT MAX(id) FROM {tables[LandUser]})"
        )
        return tuple(str(v) for v in cur.fetchone())


@dataclass(frozen=True)
class RegistryCounts:
    plots: int = 0
    land_users: int = 0
    land_users_cccd: int = 0


def registry_counts() -> dict[str, RegistryCounts]:
    """Plots, land users and land users with a valid CCCD per former commune: registry-only figures.

    Counting them joins every land user to its plot (the slowest part of the figures at
    province size), yet they change only with imports and corrections: they are kept in
    the cache under the registry version (and for at most ten minutes).
    """

    # Hashed: the version holds timestamps with spaces, which memcached-style keys must not contain.
    key = "reports:v1:registry:" + hashlib.sha256("|".join(registry_version()).encode()).hexdigest()[:32]
    hit = cache.get(key)
    if hit is not None:
        return hit
    plots = dict(
        Plot.objects.values("former_commune_id")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("former_commune_id", "n")
    )
    users = {
        row["plot__former_commune_id"]: row
        for row in LandUser.objects.values("plot__former_commune_id")
        .annotate(n=Count("id"), cccd=Count("id", filter=Q(id_kind=LandUser.IdKind.CCCD)))
        .order_by()
    }
    value = {
        code: RegistryCounts(plots.get(code, 0), users.get(code, {}).get("n", 0), users.get(code, {}).get("cccd", 0))
        for code in set(plots) | set(users)
    }
    cache.set(key, value, REGISTRY_CACHE_SECONDS)
    return value


def _collected_land_users(codes: list[str] | None) -> list[tuple[str, str | None, bool, int]]:
    """(former commune, status or None, has a valid CCCD, count) for the land users of collected
    plots: starts from PlotOutcome, so only collected plots are joined, never the whole registry."""

    qn = connection.ops.quote_name
    outcome, user, status = (qn(m._meta.db_table) for m in (PlotOutcome, LandUser, LandUserStatus))
    where, params = "", [str(LandUser.IdKind.CCCD)]
    if codes is not None:
        if not codes:
            return []
        # IN (...) rather than = ANY(%s): the embedded default runs on SQLite too.
        where, params = f"WHERE o.former_commune_id IN ({', '.join(['%s'] * len(codes))})", [*params, *codes]
    with connection.cursor() as cur:
        cur.execute(
            f"SELECT o.former_commune_id, s.status, (u.id_kind = %s) AS cccd, COUNT(*) FROM {outcome} o "
            f"JOIN {user} u ON u.plot_id = o.plot_id LEFT JOIN {status} s ON s.land_user_id = u.id "
            f"{where} GROUP BY 1, 2, 3",
            params,
        )
        return [(row[0], row[1], bool(row[2]), row[3]) for row in cur.fetchall()]


def counts_by_former(former: dict[str, FormerInfo], *, whole_province: bool) -> dict[str, FormerCounts]:
    """Outcomes, open flags and land users of collected plots counted live (three GROUP BY queries);
    plots and the rest of the land users from the registry counts. Keyed by former commune.

    Land users: those of collected plots count under their LandUserStatus (or, lacking one,
    by their registry ID); the others (plots not collected yet, which have no status) are
    the registry totals minus those, split by whether the registry holds a valid CCCD.
    """
    codes = None if whole_province else list(former)
    assigned = {code for code, info in former.items() if info.assigned_commune_id}
    counts: dict[str, FormerCounts] = defaultdict(FormerCounts)
    registry = registry_counts()

    outcome_rows = (
        PlotOutcome.objects.filter(**_former_filter(codes, "former_commune_id"))
        .values("former_commune_id", "outcome")
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in outcome_rows:
        if row["outcome"] in OUTCOME_KEYS:
            counts[row["former_commune_id"]].outcomes[row["outcome"]] += row["n"]

    flag_rows = (
        Flag.objects.filter(status__in=OPEN_STATUSES, **_former_filter(codes, "former_commune_id"))
        .values("former_commune_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in flag_rows:
        counts[row["former_commune_id"]].open_flags = row["n"]

    collected_users: dict[str, int] = defaultdict(int)
    collected_cccd: dict[str, int] = defaultdict(int)
    for code, status, cccd, n in _collected_land_users(codes if codes is None else sorted(assigned)):
        if code not in assigned:
            continue
        target = counts[code].land_users
        key = status if status in LAND_USER_KEYS else ("unified" if cccd else "not_identified")
        target[key] += n
        collected_users[code] += n
        collected_cccd[code] += n if cccd else 0
    for code in assigned:
        reg = registry.get(code)
        if reg is None:
            continue
        c = counts[code]
        c.assigned_plots = reg.plots
        rest_cccd = reg.land_users_cccd - collected_cccd[code]
        c.land_users["unified"] += rest_cccd
        c.land_users["not_identified"] += reg.land_users - collected_users[code] - rest_cccd
    return counts


def land_users_by_former_direct(former_codes: list[str]) -> dict[str, dict[str, int]]:
    """The land-user figures counted in one plain query over the registry: the reference the fast
    path is tested against (and a fallback to reason about the rule)."""
    status = "campaign_status__status"
    rows = (
        LandUser.objects.filter(plot__former_commune_id__in=former_codes)
        .values("plot__former_commune_id")
        .annotate(
            unified=Count(
                "pk",
                filter=Q(**{status: LandUserStatus.Status.UNIFIED})
                | Q(campaign_status__isnull=True, id_kind=LandUser.IdKind.CCCD),
            ),
            not_matched=Count("pk", filter=Q(**{status: LandUserStatus.Status.NOT_MATCHED})),
            not_identified=Count(
                "pk",
                filter=Q(**{status: LandUserStatus.Status.NOT_IDENTIFIED})
                | (Q(campaign_status__isnull=True) & ~Q(id_kind=LandUser.IdKind.CCCD)),
            ),
        )
        .order_by()
    )
    return {row["plot__former_commune_id"]: {k: row[k] for k in LAND_USER_KEYS} for row in rows}


def commune_figures(area: Area, *, only_active: bool = True) -> list[Figures]:
    """§5 figures per commune of the area, in code order, with a constant number of queries (seven).

    Headline totals of whole communes: an area narrowed to a working group still gets its
    communes' totals (no names in them). NOTHING gives an empty list. With `only_active` a
    commune is listed only if it has a target or an assignment (units of the province that
    take no part in the campaign are left out).
    """
    if area.reach is Reach.NOTHING:
        return []
    whole_province = area.reach is Reach.PROVINCE
    communes = Commune.objects.order_by("code")
    if not whole_province:
        communes = communes.filter(code__in=area.communes)
    commune_rows = list(communes.values("code", "name"))
    codes = [row["code"] for row in commune_rows]
    former = former_communes_map() if whole_province else _formers_of(codes)
    targets = dict(
        (
            CommuneTarget.objects.all() if whole_province else CommuneTarget.objects.filter(commune_id__in=codes)
        ).values_list("commune_id", "target_plots")
    )
    counts = counts_by_former(former, whole_province=whole_province)
    result = {
        row["code"]: Figures(code=row["code"], name=row["name"], target_plots=targets.get(row["code"]))
        for row in commune_rows
    }
    assigned_communes = {info.assigned_commune_id for info in former.values() if info.assigned_commune_id}
    for code, info in former.items():
        c = counts.get(code)
        if c is None:
            continue
        # Assigned plots and land users belong to the assigned commune; what was collected
        # and flagged belongs to the commune the former commune is part of.
        owner = result.get(info.assigned_commune_id or "")
        if owner is not None:
            owner.add_assigned(c)
        here = result.get(info.commune_id)
        if here is not None:
            here.add_collected(c)
    figures = list(result.values())
    if only_active:
        figures = [f for f in figures if f.target_plots is not None or f.code in assigned_communes or f.collected_plots]
    return figures


def _formers_of(commune_codes: list[str]) -> dict[str, FormerInfo]:
    """Former communes that belong to, or are assigned to, the given communes."""
    qs = FormerCommune.objects.filter(Q(commune_id__in=commune_codes) | Q(assignment__commune_id__in=commune_codes))
    return {
        row["code"]: FormerInfo(row["commune_id"], row["assignment__commune_id"], row["assignment__working_group_id"])
        for row in qs.values("code", "commune_id", "assignment__commune_id", "assignment__working_group_id")
    }


def total_figures(figures: Iterable[Figures], *, code: str = "", name: str = "") -> Figures:
    total = Figures(code=code, name=name)
    for item in figures:
        total.add(item)
    return total


def commune_and_groups(*, commune: Commune) -> tuple[Figures, list[Figures]]:
    """One commune's figures and the same split per working group, from one set of counts.

    Former communes assigned to no group are shown under "—".
    """
    former = _formers_of([commune.code])
    counts = counts_by_former(former, whole_province=False)
    target = CommuneTarget.objects.filter(commune=commune).values_list("target_plots", flat=True).first()
    total = Figures(code=commune.code, name=commune.name, target_plots=target)
    groups = {g.pk: Figures(code=str(g.pk), name=g.name) for g in WorkingGroup.objects.filter(commune=commune)}
    ungrouped = Figures(code="", name="—")
    for code, info in former.items():
        c = counts.get(code)
        if c is None:
            continue
        if info.assigned_commune_id == commune.code:
            total.add_assigned(c)
        if info.commune_id == commune.code:
            total.add_collected(c)
        if info.assigned_commune_id != commune.code:
            continue
        unit = groups.get(info.working_group_id, ungrouped) if info.working_group_id else ungrouped
        unit.add_assigned(c)
        unit.add_collected(c)
    rows = list(groups.values())
    if ungrouped.assigned_plots or ungrouped.collected_plots:
        rows.append(ungrouped)
    return total, rows


def group_figures(*, commune: Commune) -> list[Figures]:
    """Figures per working group of one commune."""
    return commune_and_groups(commune=commune)[1]


def working_group_figures(*, group: WorkingGroup) -> Figures:
    for item in group_figures(commune=group.commune):
        if item.code == str(group.pk):
            return item
    return Figures(code=str(group.pk), name=group.name)


def open_flags_by_code(area: Area) -> list[tuple[str, str, int]]:
    """(code, label, count) of the area's open/returned flags, most frequent first."""
    rows = (
        Flag.objects.filter(_area_q(area, "former_commune_id"), status__in=OPEN_STATUSES)
        .values("code")
        .annotate(n=Count("id"))
        .order_by("-n", "code")
    )
    labels = dict(FlagCode.choices)
    return [(row["code"], labels.get(row["code"], row["code"]), row["n"]) for row in rows]


def _records(area: Area) -> QuerySet[CollectedRecord]:
    return CollectedRecord.objects.filter(_area_q(area, "former_commune_id")).exclude(
        status=CollectedRecord.Status.DRAFT
    )


def collected_per_day(
    area: Area, *, collected_by: str | None = None, days: int | None = None
) -> list[tuple[dt.date, int]]:
    """Records of the area collected per day (drafts excluded), oldest first."""
    qs = _records(area)
    if collected_by is not None:
        qs = qs.filter(collected_by=collected_by)
    if days is not None:
        last = qs.aggregate(last=Max("collected_on"))["last"]
        if last is None:
            return []
        qs = qs.filter(collected_on__gt=last - dt.timedelta(days=days))
    rows = qs.values("collected_on").annotate(n=Count("id")).order_by("collected_on")
    return [(row["collected_on"], row["n"]) for row in rows]


@dataclass(frozen=True)
class OfficialRow:
    collected_by: str
    records: int
    days: int
    first_day: dt.date | None
    last_day: dt.date | None
    open_flags: int


def collected_per_official(area: Area, *, collected_by: str | None = None) -> list[OfficialRow]:
    """Records of the area per official (`CollectedRecord.collected_by`, or only that one), most
    productive first."""
    qs = _records(area)
    if collected_by is not None:
        qs = qs.filter(collected_by=collected_by)
    rows = (
        qs.values("collected_by")
        .annotate(
            records=Count("id"),
            days=Count("collected_on", distinct=True),
            first_day=Min("collected_on"),
            last_day=Max("collected_on"),
            open_flag_sum=Sum("open_flags"),
        )
        .order_by("-records", "collected_by")
    )
    return [
        OfficialRow(r["collected_by"], r["records"], r["days"], r["first_day"], r["last_day"], r["open_flag_sum"] or 0)
        for r in rows
    ]


def outcome_labels() -> dict[str, str]:
    return dict(Outcome.choices)


# --- short-lived cache for dashboards ---------------------------------------------------


def cache_seconds() -> int:
    """How long dashboards may show figures already computed (settings.REPORTS_CACHE_SECONDS, 0 = never)."""
    return int(getattr(settings, "REPORTS_CACHE_SECONDS", 60))


def cached(key: str, build):
    """`(value, computed_at)` from the cache, or built now and kept for `cache_seconds()`.

    At province size the figures take about a second to count (the land-user aggregate
    joins every registry land user to its plot); dashboards are opened by many leaders
    and may be a minute old, so they share one computation. `campaign_report` and the
    API compute live. The language is part of the key (the chart carries text).
    """

    seconds = cache_seconds()
    if seconds <= 0:
        return build(), timezone.now()
    full_key = f"reports:v1:{get_language()}:{key}"
    hit = cache.get(full_key)
    if hit is not None:
        return hit
    value = (build(), timezone.now())
    cache.set(full_key, value, seconds)
    return value
