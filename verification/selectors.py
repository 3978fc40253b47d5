"""Reads of verification: which records need matching, run progress, the flag export, and the review
desk's pages (the queue, the side-by-side comparison, a plot's history), each in a constant number of
queries."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Length
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from collection.models import CollectedRecord, Role, Scan
from collection.scope import get_scoped_or_404, restrict, user_scope
from landdata import normalize
from landdata.models import Certificate, LandUser
from verification import wording
from verification.models import (
    OPEN_STATUSES,
    Flag,
    FlagCode,
    FlagDecision,
    FlagStatus,
    MatchingRun,
    PlotOutcome,
    RegistryCorrection,
    Severity,
)

REVIEW_ROLES = (Role.REVIEWER, Role.ADMIN)
PAGE_SIZE = 25  # a phone's page: 25 records keep the queue under ~500 elements
MAX_PAGE = 400  # bounded pagination: narrow the filters rather than page past 10,000 plots
SEVERITY_RANK = {Severity.HIGH: 3, Severity.MEDIUM: 2, Severity.LOW: 1}


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
    "old_commune_code",
    "map_sheet",
    "plot_number",
    "code",
    "field",
    "registry_value",
    "collected_value",
    "severity",
    "status",
)


def flags_for_export(*, commune_code: str | None = None) -> Iterator[tuple[str, ...]]:
    """Rows of contract §4's export in a stable order (plot key, code, field, id), streamed."""
    rows = (
        _flags_of(commune_code)
        .order_by("former_commune_id", "record__sheet_key", "record__number_key", "record_id", "code", "field", "id")
        .values_list(
            "former_commune_id",
            "record__map_sheet",
            "record__plot_number",
            "code",
            "field",
            "registry_value",
            "collected_value",
            "severity",
            "status",
        )
    )
    yield from rows.iterator(chunk_size=2000)


def flags_export_plot_ids(*, commune_code: str | None = None) -> list[int]:
    """The registry plots the flags of an export concern: whose land users it names."""
    qs = _flags_of(commune_code).filter(plot_id__isnull=False)
    return list(qs.order_by().values_list("plot_id", flat=True).distinct())


def flags_open_count(*, commune_code: str | None = None) -> int:
    return _flags_of(commune_code).filter(status__in=OPEN_STATUSES).count()


def _flags_of(commune_code: str | None) -> QuerySet[Flag]:
    """Every flag, or a commune's (the scope of the export and its counts)."""
    qs = Flag.objects.all()
    return qs.filter(commune_id=commune_code) if commune_code else qs


# --- who may review ----------------------------------------------------------


def can_review(user: AbstractBaseUser | AnonymousUser) -> bool:
    return user_scope(user).role in REVIEW_ROLES


def require_reviewer(user: AbstractBaseUser | AnonymousUser) -> None:
    """Reviewers and admins (superusers without a scope are admins); officials never."""
    if not can_review(user):
        raise PermissionDenied


def scoped_flags(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Flag]:
    return restrict(Flag.objects.all(), user)


# --- queue -------------------------------------------------------------------


@dataclass(frozen=True)
class QueueFilters:
    commune: str = ""
    former_commune: str = ""
    code: str = ""
    severity: str = ""
    statuses: tuple[str, ...] = (FlagStatus.OPEN, FlagStatus.RETURNED)
    older_than_days: int | None = None
    sort: str = "age"  # age | severity | plot
    page: int = 1


def _filtered_flags(user, filters: QueueFilters, *, with_code: bool = True) -> QuerySet[Flag]:
    qs = scoped_flags(user)
    if filters.statuses:
        qs = qs.filter(status__in=filters.statuses)
    if filters.commune:
        qs = qs.filter(commune_id=filters.commune)
    if filters.former_commune:
        qs = qs.filter(former_commune_id=filters.former_commune)
    if filters.severity:
        qs = qs.filter(severity=filters.severity)
    if filters.older_than_days:
        qs = qs.filter(created_at__lt=timezone.now() - dt.timedelta(days=filters.older_than_days))
    if with_code and filters.code:
        qs = qs.filter(code=filters.code)
    return qs


def code_counts(user, filters: QueueFilters) -> dict[str, int]:
    """Flags per code under every filter but the code itself (one aggregate query)."""
    rows = _filtered_flags(user, filters, with_code=False).values("code").annotate(n=Count("id")).order_by()
    return {row["code"]: row["n"] for row in rows}


_SEVERITY_CASE = Case(
    *(When(severity=sev, then=Value(rank)) for sev, rank in SEVERITY_RANK.items()),
    default=Value(0),
    output_field=IntegerField(),
)
_SEVERITY_BY_RANK = {rank: sev for sev, rank in SEVERITY_RANK.items()}


@dataclass
class QueueItem:
    record: CollectedRecord
    flags: list[Flag]
    oldest: dt.datetime
    severity: str
    masked_holder_id: str

    @property
    def severity_label(self) -> str:
        return Severity(self.severity).label if self.severity in Severity.values else ""


@dataclass
class QueuePage:
    items: list[QueueItem]
    page: int
    has_next: bool
    has_previous: bool
    filters: QueueFilters
    counts: dict[str, int] = field(default_factory=dict)


def queue_page(user, filters: QueueFilters) -> QueuePage:
    """One page of flagged records (grouped by record), in a fixed number of queries."""
    page = max(1, min(filters.page, MAX_PAGE))
    flags = _filtered_flags(user, filters)
    groups = flags.values("record_id").annotate(
        oldest=Min("created_at"),
        sev=Max(_SEVERITY_CASE),
    )
    if filters.sort == "severity":
        groups = groups.order_by("-sev", "oldest", "record_id")
    elif filters.sort == "plot":
        groups = groups.annotate(
            fc=Min("former_commune_id"),
            sk=Min("record__sheet_key"),
            nk=Min("record__number_key"),
        ).order_by("fc", Length("sk"), "sk", Length("nk"), "nk", "record_id")
    else:
        groups = groups.order_by("oldest", "record_id")
    start = (page - 1) * PAGE_SIZE
    rows = list(groups[start : start + PAGE_SIZE + 1])
    has_next = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    ids = [row["record_id"] for row in rows]
    records = CollectedRecord.objects.filter(pk__in=ids).select_related("former_commune__commune", "plot")
    by_id = {r.pk: r for r in records}
    flags_by_record: dict[int, list[Flag]] = {i: [] for i in ids}
    for flag in flags.filter(record_id__in=ids).order_by("pk"):
        flag.masked = _masked_values(flag)
        flags_by_record[flag.record_id].append(flag)
    for flag_list in flags_by_record.values():
        flag_list.sort(key=lambda f: (-SEVERITY_RANK.get(f.severity, 0), f.code, f.pk))
    items = [
        QueueItem(
            record=by_id[row["record_id"]],
            flags=flags_by_record[row["record_id"]],
            oldest=row["oldest"],
            severity=_SEVERITY_BY_RANK.get(row["sev"], ""),
            masked_holder_id=normalize.mask_id(by_id[row["record_id"]].holder_id_number),
        )
        for row in rows
        if row["record_id"] in by_id
    ]
    return QueuePage(
        items=items, page=page, has_next=has_next and page < MAX_PAGE, has_previous=page > 1, filters=filters
    )


def _is_id_field(flag: Flag) -> bool:
    return flag.code.startswith("ID_") or "id_number" in flag.field


def _masked_values(flag: Flag) -> tuple[str, str]:
    """Registry and collected values as shown in lists: ID numbers masked."""
    if _is_id_field(flag):
        return normalize.mask_id(flag.registry_value), normalize.mask_id(flag.collected_value)
    return flag.registry_value, flag.collected_value


# --- the reviewer's home -------------------------------------------------------


@dataclass
class WaitingFlags:
    """Flags waiting for a decision, as the queue shows them by default (open or returned)."""

    total: int
    by_code: list[tuple[str, str | Promise, int]]  # (code, label, count), most frequent first
    by_age: list[tuple[str, str | Promise, int]]  # ("day" | "days" | "older", label, count)


def waiting_flags(user) -> WaitingFlags:
    """The user's waiting flags per code and by age (under a day, one to three days, over three
    days since the flag was raised), in one aggregate query over the user's scope."""
    now = timezone.now()
    day, three_days = now - dt.timedelta(days=1), now - dt.timedelta(days=3)
    rows = list(
        scoped_flags(user)
        .filter(status__in=OPEN_STATUSES)
        .values("code")
        .annotate(
            n=Count("id"),
            day=Count("id", filter=Q(created_at__gte=day)),
            older=Count("id", filter=Q(created_at__lt=three_days)),
        )
        .order_by()
    )
    labels = dict(FlagCode.choices)
    total = sum(row["n"] for row in rows)
    under_a_day = sum(row["day"] for row in rows)
    older = sum(row["older"] for row in rows)
    return WaitingFlags(
        total=total,
        by_code=[
            (row["code"], labels.get(row["code"], row["code"]), row["n"])
            for row in sorted(rows, key=lambda row: (-row["n"], row["code"]))
        ],
        by_age=[
            ("day", _("Dưới 1 ngày"), under_a_day),
            ("days", _("Từ 1 đến 3 ngày"), total - under_a_day - older),
            ("older", _("Trên 3 ngày"), older),
        ],
    )


# --- side by side ------------------------------------------------------------


@dataclass
class ComparisonRow:
    label: str | Promise
    registry: str
    collected: str
    differs: bool


def _holders(record: CollectedRecord, flags: Sequence[Flag]) -> tuple[LandUser | None, LandUser | None]:
    """The registered owners the holder and co-holder correspond to (by flag, then by name)."""
    users = list(record.plot.land_users.all()) if record.plot else []
    if not users:
        return None, None
    by_pk = {u.pk: u for u in users}

    def best(name: str, exclude: LandUser | None) -> LandUser | None:
        candidates = [u for u in users if u is not exclude]
        if not candidates or not name:
            return None
        key = normalize.name_key(name)
        folded = normalize.name_folded(name)
        for u in candidates:
            if normalize.name_key(u.full_name) == key:
                return u
        for u in candidates:
            if u.name_folded == folded:
                return u
        return None

    holder = best(record.holder_name, None)
    if holder is None:
        flagged = [f.land_user_id for f in flags if f.land_user_id in by_pk and not f.field.startswith("co_")]
        holder = by_pk[flagged[0]] if flagged else users[0]
    co_holder = best(record.co_holder_name, holder)
    if co_holder is None:
        rest = [u for u in users if u is not holder]
        co_holder = rest[0] if rest else None
    return holder, co_holder


def value_text(value: object) -> str:
    """A registry or collected value as text: ISO dates, decimals without trailing zeros."""
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value == value.to_integral() else str(value)
    return str(value)


def _area_differs(registry: Decimal | None, collected: Decimal | None) -> bool:
    if registry is None or collected is None:
        return False
    return abs(registry - collected) > max(Decimal("1"), abs(registry) / 100)


def record_comparison(record: CollectedRecord, flags: Sequence[Flag]) -> list[ComparisonRow]:
    """Registry and collected values field by field, with differences decided by the §1 keys.

    An empty side is not a difference (the collection adds what the registry lacks).
    """
    holder, co_holder = _holders(record, flags)
    certificate = None
    if holder is not None and holder.certificate_id:
        certificate = holder.certificate
    elif record.plot is not None:
        certificates = list(record.plot.certificates.all())
        certificate = certificates[0] if certificates else None
    plot = record.plot
    status_labels = dict(Certificate.Status.choices)

    def both(a: str, b: str) -> bool:
        return bool(a) and bool(b)

    rows: list[ComparisonRow] = []

    def name_row(label, reg: LandUser | None, collected: str):
        reg_name = reg.full_name if reg else ""
        rows.append(
            ComparisonRow(
                label,
                reg_name,
                collected,
                both(reg_name, collected) and normalize.name_key(reg_name) != normalize.name_key(collected),
            )
        )

    def birth_row(label, reg: LandUser | None, year, date):
        reg_text = normalize.birth_text(reg.birth_year, reg.birth_date) if reg else ""
        col_text = normalize.birth_text(year, date)
        rows.append(
            ComparisonRow(label, reg_text, col_text, bool(reg and reg.birth_year and year) and reg.birth_year != year)
        )

    def id_row(label, reg_value: str, collected: str, old_number: str = ""):
        a, b = normalize.clean_id(reg_value), normalize.clean_id(collected)
        # An ID upgrade (registry CMND = the card's former number) is an enrichment, not a difference.
        upgrade = len(a) == 9 and normalize.clean_id(old_number) == a
        rows.append(ComparisonRow(label, a, b, both(a, b) and a != b and not upgrade))

    name_row(_("Người đứng tên"), holder, record.holder_name)
    birth_row(_("Năm/ngày sinh"), holder, record.holder_birth_year, record.holder_birth_date)
    id_row(_("Số CCCD/CMND"), holder.id_number if holder else "", record.holder_id_number, record.holder_old_id_number)
    id_row(_("Số CMND cũ"), holder.former_id_number if holder else "", record.holder_old_id_number)
    if co_holder is not None or record.co_holder_name:
        name_row(_("Đồng sở hữu"), co_holder, record.co_holder_name)
        birth_row(_("Năm/ngày sinh đồng sở hữu"), co_holder, record.co_holder_birth_year, record.co_holder_birth_date)
        id_row(
            _("Số CCCD đồng sở hữu"),
            co_holder.id_number if co_holder else "",
            record.co_holder_id_number,
            record.co_holder_old_id_number,
        )
    serial = certificate.serial if certificate else ""
    rows.append(
        ComparisonRow(
            _("Số phát hành GCN"),
            serial,
            record.certificate_serial,
            both(serial, record.certificate_serial)
            and normalize.certificate_key(serial) != normalize.certificate_key(record.certificate_serial),
        )
    )
    book = certificate.book_number if certificate else ""
    rows.append(
        ComparisonRow(
            _("Số vào sổ"),
            book,
            record.certificate_book_number,
            both(book, record.certificate_book_number)
            and normalize.certificate_key(book) != normalize.certificate_key(record.certificate_book_number),
        )
    )
    reg_area = plot.area_m2 if plot else None
    rows.append(
        ComparisonRow(
            _("Diện tích (m²)"),
            value_text(reg_area),
            value_text(record.area_m2),
            _area_differs(reg_area, record.area_m2),
        )
    )
    reg_use = plot.land_use if plot else ""
    rows.append(
        ComparisonRow(
            _("Mục đích sử dụng"),
            reg_use,
            record.land_use,
            both(reg_use, record.land_use)
            and normalize.parse_land_use(reg_use) != normalize.parse_land_use(record.land_use),
        )
    )
    holder_keys = {normalize.name_key(record.holder_name), normalize.name_key(record.co_holder_name)}
    rows.append(
        ComparisonRow(
            _("Người đang sử dụng"),
            "",
            record.actual_user_name,
            bool(record.actual_user_name) and normalize.name_key(record.actual_user_name) not in holder_keys,
        )
    )
    reg_status = certificate.status if certificate else ""
    rows.append(
        ComparisonRow(
            _("Tình trạng GCN"),
            str(status_labels.get(reg_status, "")),
            record.get_certificate_status_display() + (" · " + str(_("chủ ở xa")) if record.owner_far_away else ""),
            bool(reg_status) and (reg_status != record.certificate_status or record.owner_far_away),
        )
    )
    return rows


def review_record(user, record_id: int) -> CollectedRecord:
    """The record for the side-by-side page, scoped (404 outside), with what the page shows."""
    return get_scoped_or_404(
        CollectedRecord.objects.select_related("former_commune__commune", "plot", "collected_by_user").prefetch_related(
            "plot__land_users__certificate", "plot__certificates", "scans"
        ),
        user,
        pk=record_id,
    )


def with_latest_note(flags: QuerySet[Flag]) -> QuerySet[Flag]:
    """Annotate each flag with its latest decision note and time (one subquery, no query per flag)."""
    latest = FlagDecision.objects.filter(flag=OuterRef("pk")).exclude(note="").order_by("-decided_at", "-pk")
    return flags.annotate(
        latest_note=Subquery(latest.values("note")[:1]),
        latest_note_at=Subquery(latest.values("decided_at")[:1]),
    )


def record_flags(record: CollectedRecord) -> list[Flag]:
    """The record's flags, open ones first, then by severity."""
    flags = list(with_latest_note(record.flags.select_related("land_user")))
    flags.sort(key=lambda f: (f.status not in OPEN_STATUSES, -SEVERITY_RANK.get(f.severity, 0), f.code, f.pk))
    return flags


@dataclass
class PlotHistory:
    records: list[CollectedRecord]
    decisions: list[FlagDecision]
    corrections: list[RegistryCorrection]
    outcome: PlotOutcome | None


def plot_history(record: CollectedRecord) -> PlotHistory:
    """Everything decided about the plot key of `record`, across all its records."""
    same_key = CollectedRecord.objects.filter(
        former_commune_id=record.former_commune_id, sheet_key=record.sheet_key, number_key=record.number_key
    )
    return PlotHistory(
        records=list(same_key.order_by("-collected_on", "-pk")[:20]),
        decisions=list(
            FlagDecision.objects.filter(flag__record__in=same_key)
            .select_related("flag", "decided_by")
            .order_by("-decided_at", "-pk")[:100]
        ),
        corrections=list(
            RegistryCorrection.objects.filter(flag__record__in=same_key)
            .select_related("flag", "corrected_by")
            .order_by("-corrected_at", "-pk")[:100]
        ),
        outcome=plot_outcome(record),
    )


def plot_outcome(record: CollectedRecord) -> PlotOutcome | None:
    return PlotOutcome.objects.filter(
        former_commune_id=record.former_commune_id, sheet_key=record.sheet_key, number_key=record.number_key
    ).first()


@dataclass(frozen=True)
class FlagInWords:
    """A flag as the official's record page shows it: the office's latest note, the sentence, and the
    values (masked unless the user reviews)."""

    flag: Flag
    sentence: str
    masked: tuple[str, str]
    note: str
    note_at: dt.datetime | None


def record_flags_with_notes(user, record_id: int) -> tuple[CollectedRecord, list[FlagInWords]]:
    """The record's flags with the latest decision note, for the official's record page (scoped):
    those the office returned (with a note to follow) first, each also as a sentence in words."""
    record = get_scoped_or_404(CollectedRecord.objects.all(), user, pk=record_id)
    show_full = can_review(user)
    shown = []
    for flag in with_latest_note(record.flags.all()).order_by("status", "code", "pk"):
        masked = _masked_values(flag)
        note, note_at = getattr(flag, "latest_note", "") or "", getattr(flag, "latest_note_at", None)
        full = (flag.registry_value, flag.collected_value)
        shown.append(
            FlagInWords(
                flag,
                wording.flag_sentence(flag.code, flag.field, *masked),
                full if show_full else masked,
                note,
                note_at,
            )
        )
    shown.sort(key=lambda item: (item.flag.status != FlagStatus.RETURNED, not item.note))
    return record, shown


def record_awaits_matching(record: CollectedRecord) -> bool:
    """A submitted record the worker has not matched in its current state: its flags are not known yet."""
    return records_needing_match().filter(pk=record.pk).exists()
