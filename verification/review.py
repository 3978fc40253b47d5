"""The review desk: reviewers' decisions on flags, and the reads their pages need.

Services (`flag_decide`, `flags_decide_bulk`) are the only writers of decisions:
they check the role and scope, guard against two reviewers deciding the same
flag (optimistic concurrency on `Flag.version`), correct the registry when a
collected value is accepted, append to the decision history and refresh the
plot outcomes. Selectors (`queue_page`, `code_counts`, `record_comparison`,
`plot_history`, `record_flags_with_notes`) read in a constant number of queries.
"""

from __future__ import annotations

import datetime as dt
import functools
import operator
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Case, Count, F, IntegerField, Max, Min, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Length
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from collection.models import CollectedRecord, DocumentAccess, Role
from collection.scope import restrict, user_scope
from landdata import normalize
from landdata.models import Certificate, LandUser, Plot
from verification.models import (
    OPEN_STATUSES,
    Flag,
    FlagCode,
    FlagDecision,
    FlagStatus,
    PlotOutcome,
    RegistryCorrection,
    Severity,
)

REVIEW_ROLES = (Role.REVIEWER, Role.ADMIN)
PAGE_SIZE = 50
MAX_PAGE = 200  # bounded pagination: narrow the filters rather than page past 10,000 plots

# Decisions a reviewer can take; the flag status each one leads to.
DECISIONS: dict[str, str] = {
    "accept": FlagStatus.ACCEPTED,
    "keep": FlagStatus.KEPT,
    "return": FlagStatus.RETURNED,
    "dismiss": FlagStatus.DISMISSED,
}
NOTE_REQUIRED = frozenset({"return", "dismiss"})
# Codes whose collected value has a registry field to go into (see `_planned_changes`).
ACCEPTABLE_CODES = frozenset({
    FlagCode.OWNER_NAME_MISMATCH, FlagCode.BIRTH_MISMATCH, FlagCode.ID_NUMBER_MISMATCH,
    FlagCode.CERTIFICATE_MISMATCH, FlagCode.CERTIFICATE_STATUS, FlagCode.AREA_MISMATCH,
    FlagCode.LAND_USE_MISMATCH,
})
SEVERITY_RANK = {Severity.HIGH: 3, Severity.MEDIUM: 2, Severity.LOW: 1}


class ReviewError(Exception):
    """A decision that cannot be taken; the message is shown to the reviewer."""

    def __init__(self, message: str):
        super().__init__(str(message))
        self.message = message


class StaleFlag(ReviewError):
    """Another reviewer decided the flag after this one loaded it: nothing was changed."""

    def __init__(self, message=None):
        super().__init__(message or _("Sai lệch này vừa được người khác xử lý"))


class DecisionNotAllowed(ReviewError):
    pass


# --- who may review ----------------------------------------------------------


def can_review(user: AbstractBaseUser | AnonymousUser) -> bool:
    return user_scope(user).role in REVIEW_ROLES


def require_reviewer(user: AbstractBaseUser | AnonymousUser) -> None:
    """Reviewers and admins (superusers without a scope are admins); officials never."""
    if not can_review(user):
        raise PermissionDenied


def scoped_flags(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Flag]:
    return restrict(Flag.objects.all(), user)


# --- registry corrections ----------------------------------------------------


@dataclass
class _Change:
    flag: Flag
    obj: Plot | LandUser | Certificate
    attr: str
    old: object
    new: object


def _land_user_for(flag: Flag) -> LandUser:
    if flag.land_user_id is not None:
        return flag.land_user
    plot = flag.plot or flag.record.plot
    users = list(plot.land_users.all()) if plot else []
    if len(users) > 1 and flag.registry_value:
        # Matching names the registered owner it compared against (e.g. the closest name): use that one.
        key = normalize.name_key(flag.registry_value)
        users = [u for u in users if normalize.name_key(u.full_name) == key] or users
    if len(users) == 1:
        return users[0]
    raise DecisionNotAllowed(_("Không xác định được người sử dụng đất trong sổ cần sửa."))


def _certificate_for(flag: Flag) -> Certificate:
    if flag.land_user_id is not None and flag.land_user.certificate_id is not None:
        return flag.land_user.certificate
    plot = flag.plot or flag.record.plot
    certificates = list(plot.certificates.all()) if plot else []
    if len(certificates) > 1 and flag.registry_value:
        key = normalize.certificate_key(flag.registry_value)
        certificates = [
            c for c in certificates if key in (normalize.certificate_key(c.serial), normalize.certificate_key(c.book_number))
        ] or certificates
    if len(certificates) == 1:
        return certificates[0]
    raise DecisionNotAllowed(_("Không xác định được giấy chứng nhận trong sổ cần sửa."))


def _plot_for(flag: Flag) -> Plot:
    plot = flag.plot or flag.record.plot
    if plot is None:
        raise DecisionNotAllowed(_("Thửa không có trong sổ địa chính: không có giá trị để sửa."))
    return plot


def _not_usable(flag: Flag) -> DecisionNotAllowed:
    return DecisionNotAllowed(
        _("Giá trị thu thập “%(value)s” không dùng được để sửa sổ địa chính.") % {"value": flag.collected_value}
    )


def _planned_changes(flag: Flag) -> list[_Change]:
    """What accepting `flag` writes into the registry; DecisionNotAllowed when nothing can be written."""
    value = flag.collected_value
    code = flag.code
    if code == FlagCode.OWNER_NAME_MISMATCH:
        new = normalize.nfc(value)
        if not new:
            raise _not_usable(flag)
        user = _land_user_for(flag)
        return [_Change(flag, user, "full_name", user.full_name, new)]
    if code == FlagCode.BIRTH_MISMATCH:
        try:
            birth = normalize.parse_partial_date(value)
        except ValueError:
            birth = None
        if birth is None:
            raise _not_usable(flag)
        user = _land_user_for(flag)
        return [
            _Change(flag, user, "birth_year", user.birth_year, birth.year),
            _Change(flag, user, "birth_date", user.birth_date, birth.date),
        ]
    if code == FlagCode.ID_NUMBER_MISMATCH:
        user = _land_user_for(flag)
        number = normalize.clean_id(value)
        kind = normalize.classify_id(number, birth_year=user.birth_year)
        if kind not in (normalize.IdKind.CCCD, normalize.IdKind.CMND):
            raise _not_usable(flag)
        changes = [_Change(flag, user, "id_number", user.id_number, number)]
        old_kind = normalize.classify_id(user.id_number)
        if old_kind == normalize.IdKind.CMND and kind == normalize.IdKind.CCCD and not user.former_id_number:
            changes.append(_Change(flag, user, "former_id_number", "", normalize.clean_id(user.id_number)))
        return changes
    if code == FlagCode.CERTIFICATE_MISMATCH:
        new = normalize.nfc(value)
        if not new:
            raise _not_usable(flag)
        certificate = _certificate_for(flag)
        attr = "book_number" if "book" in flag.field or "so_vao_so" in flag.field else "serial"
        return [_Change(flag, certificate, attr, getattr(certificate, attr), new)]
    if code == FlagCode.CERTIFICATE_STATUS:
        status = normalize.nfc(value).casefold()
        if status not in Certificate.Status.values:
            status = flag.record.certificate_status
        if status not in Certificate.Status.values or status == Certificate.Status.HELD:
            raise DecisionNotAllowed(
                _("Tình trạng này không có trường tương ứng trong sổ địa chính; hãy chọn Giữ hoặc Bỏ qua.")
            )
        certificate = _certificate_for(flag)
        return [_Change(flag, certificate, "status", certificate.status, status)]
    if code == FlagCode.AREA_MISMATCH:
        try:
            area = normalize.parse_decimal(value)
        except ValueError:
            area = None
        if area is None or area <= 0:
            raise _not_usable(flag)
        plot = _plot_for(flag)
        return [_Change(flag, plot, "area_m2", plot.area_m2, area)]
    if code == FlagCode.LAND_USE_MISMATCH:
        codes = normalize.parse_land_use(value)
        if not codes:
            raise _not_usable(flag)
        plot = _plot_for(flag)
        return [_Change(flag, plot, "land_use", plot.land_use, normalize.format_land_use(codes))]
    raise DecisionNotAllowed(
        _("Sai lệch loại %(code)s không có giá trị để ghi vào sổ địa chính; hãy chọn Giữ, Trả về xã hoặc Bỏ qua.")
        % {"code": code}
    )


def _as_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value == value.to_integral() else str(value)
    return str(value)


# Derived columns the models compute in save(); bulk_update bypasses save(), so recompute them here.
_DERIVED = {
    (LandUser, "full_name"): lambda obj: [("name_folded", normalize.name_folded(obj.full_name))],
    (LandUser, "id_number"): lambda obj: [
        ("id_kind", normalize.classify_id(obj.id_number, birth_year=obj.birth_year).value)
    ],
    (LandUser, "birth_year"): lambda obj: [
        ("id_kind", normalize.classify_id(obj.id_number, birth_year=obj.birth_year).value)
    ],
    (Certificate, "serial"): lambda obj: [("serial_key", normalize.certificate_key(obj.serial))],
}


def _apply_changes(changes: Sequence[_Change], *, user) -> None:
    """Write the registry changes (one bulk_update per model) and their RegistryCorrection rows."""
    touched: dict[type, dict[object, object]] = {}
    fields: dict[type, set[str]] = {}
    corrections = []
    for change in changes:
        model = type(change.obj)
        obj = touched.setdefault(model, {}).setdefault(change.obj.pk, change.obj)
        setattr(obj, change.attr, change.new)
        fields.setdefault(model, set()).add(change.attr)
        for derived_attr, derived_value in _DERIVED.get((model, change.attr), lambda o: [])(obj):
            setattr(obj, derived_attr, derived_value)
            fields[model].add(derived_attr)
        if _as_text(change.old) != _as_text(change.new):
            corrections.append(
                RegistryCorrection(
                    flag=change.flag,
                    model=model._meta.label,
                    object_id=str(change.obj.pk),
                    field=change.attr,
                    old_value=_as_text(change.old)[:300],
                    new_value=_as_text(change.new)[:300],
                    corrected_by=user,
                )
            )
    for model, objects in touched.items():
        model.objects.bulk_update(list(objects.values()), sorted(fields[model]))
    RegistryCorrection.objects.bulk_create(corrections)


# --- decisions ---------------------------------------------------------------


def _check_decision(decision: str, note: str) -> str:
    if decision not in DECISIONS:
        raise DecisionNotAllowed(_("Quyết định không hợp lệ."))
    if decision in NOTE_REQUIRED and not note.strip():
        raise DecisionNotAllowed(_("Cần ghi lý do khi trả về xã hoặc bỏ qua."))
    return DECISIONS[decision]


def _load_flags(user, flag_ids: Iterable[int]) -> list[Flag]:
    return list(
        scoped_flags(user)
        .filter(pk__in=list(flag_ids))
        .select_related("record__plot", "plot", "land_user__certificate")
        .prefetch_related("plot__land_users", "plot__certificates", "record__plot__land_users",
                          "record__plot__certificates")
        .order_by("pk")
    )


def _decide(*, user, flags: Sequence[Flag], versions: dict[int, int], decision: str, note: str) -> list[Flag]:
    """The shared body of single and bulk decisions; caller holds the transaction."""
    to_status = _check_decision(decision, note)
    for flag in flags:
        if flag.status not in OPEN_STATUSES or flag.version != versions[flag.pk]:
            raise StaleFlag()
    changes: list[_Change] = []
    if decision == "accept":
        for flag in flags:
            changes.extend(_planned_changes(flag))
    # One conditional UPDATE: a flag decided meanwhile (version moved on) matches no row.
    guard = functools.reduce(operator.or_, (Q(pk=f.pk, version=versions[f.pk]) for f in flags))
    updated = Flag.objects.filter(guard, status__in=OPEN_STATUSES).update(
        status=to_status, version=F("version") + 1, updated_at=timezone.now()
    )
    if updated != len(flags):
        raise StaleFlag()
    FlagDecision.objects.bulk_create(
        FlagDecision(flag=flag, from_status=flag.status, to_status=to_status, note=note.strip(), decided_by=user)
        for flag in flags
    )
    if changes:
        _apply_changes(changes, user=user)
    if decision == "return":
        CollectedRecord.objects.filter(pk__in={f.record_id for f in flags}).update(
            status=CollectedRecord.Status.RETURNED, updated_at=timezone.now()
        )
    keys = {(f.former_commune_id, f.record.sheet_key, f.record.number_key) for f in flags}
    _refresh(keys)
    for flag in flags:
        flag.status = to_status
        flag.version += 1
    return list(flags)


def _refresh(keys: set[tuple[str, str, str]]) -> None:
    from verification.outcomes import refresh_outcomes

    refresh_outcomes(plot_keys=sorted(keys))


@transaction.atomic
def flag_decide(*, user, flag_id: int, expected_version: int, decision: str, note: str = "") -> Flag:
    """Decide one flag as `user`: accept / keep / return / dismiss.

    Raises PermissionDenied (not a reviewer), Flag.DoesNotExist (outside the scope),
    StaleFlag (someone decided first; nothing changed), DecisionNotAllowed.
    """
    require_reviewer(user)
    flags = _load_flags(user, [flag_id])
    if not flags:
        raise Flag.DoesNotExist
    return _decide(user=user, flags=flags, versions={flag_id: expected_version}, decision=decision, note=note)[0]


@transaction.atomic
def flags_decide_bulk(*, user, versions: dict[int, int], decision: str, note: str = "") -> list[Flag]:
    """Decide many LOW severity flags at once: all or nothing, outcomes refreshed once."""
    require_reviewer(user)
    if not versions:
        raise DecisionNotAllowed(_("Chưa chọn sai lệch nào."))
    if decision == "return":
        raise DecisionNotAllowed(_("Trả về xã phải làm từng bản ghi, kèm lý do."))
    flags = _load_flags(user, versions)
    if len(flags) != len(versions):
        raise Flag.DoesNotExist
    if any(f.severity != Severity.LOW for f in flags):
        raise DecisionNotAllowed(_("Chỉ xử lý hàng loạt được các sai lệch mức độ thấp."))
    return _decide(user=user, flags=flags, versions=versions, decision=decision, note=note)


def review_opened_log(*, user, record: CollectedRecord, ip_address: str | None) -> None:
    """Opening the side-by-side page shows full IDs: the personal data law wants it logged."""
    DocumentAccess.objects.create(user=user, record=record, action=DocumentAccess.Action.REVIEW,
                                  ip_address=ip_address)


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
    return QueuePage(items=items, page=page, has_next=has_next and page < MAX_PAGE, has_previous=page > 1,
                     filters=filters)


def _is_id_field(flag: Flag) -> bool:
    return flag.code.startswith("ID_") or "id_number" in flag.field


def _masked_values(flag: Flag) -> tuple[str, str]:
    """Registry and collected values as shown in lists: ID numbers masked."""
    if _is_id_field(flag):
        return normalize.mask_id(flag.registry_value), normalize.mask_id(flag.collected_value)
    return flag.registry_value, flag.collected_value


# --- side by side ------------------------------------------------------------


@dataclass
class ComparisonRow:
    label: str
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


def _birth_text(year: int | None, date: dt.date | None) -> str:
    if date:
        return date.strftime("%d/%m/%Y")
    return str(year) if year else ""


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
        rows.append(ComparisonRow(label, reg_name, collected,
                                  both(reg_name, collected) and normalize.name_key(reg_name) != normalize.name_key(collected)))

    def birth_row(label, reg: LandUser | None, year, date):
        reg_text = _birth_text(reg.birth_year, reg.birth_date) if reg else ""
        col_text = _birth_text(year, date)
        rows.append(ComparisonRow(label, reg_text, col_text, bool(reg and reg.birth_year and year) and reg.birth_year != year))

    def id_row(label, reg_value: str, collected: str, old_number: str = ""):
        a, b = normalize.clean_id(reg_value), normalize.clean_id(collected)
        # An ID upgrade (registry CMND = the card's former number) is an enrichment, not a difference.
        upgrade = len(a) == 9 and normalize.clean_id(old_number) == a
        rows.append(ComparisonRow(label, a, b, both(a, b) and a != b and not upgrade))

    name_row(_("Người đứng tên"), holder, record.holder_name)
    birth_row(_("Năm/ngày sinh"), holder, record.holder_birth_year, record.holder_birth_date)
    id_row(_("Số CCCD/CMND"), holder.id_number if holder else "", record.holder_id_number,
           record.holder_old_id_number)
    id_row(_("Số CMND cũ"), holder.former_id_number if holder else "", record.holder_old_id_number)
    if co_holder is not None or record.co_holder_name:
        name_row(_("Đồng sở hữu"), co_holder, record.co_holder_name)
        birth_row(_("Năm/ngày sinh đồng sở hữu"), co_holder, record.co_holder_birth_year,
                  record.co_holder_birth_date)
        id_row(_("Số CCCD đồng sở hữu"), co_holder.id_number if co_holder else "", record.co_holder_id_number,
               record.co_holder_old_id_number)
    serial = certificate.serial if certificate else ""
    rows.append(ComparisonRow(_("Số phát hành GCN"), serial, record.certificate_serial,
                              both(serial, record.certificate_serial)
                              and normalize.certificate_key(serial) != normalize.certificate_key(record.certificate_serial)))
    book = certificate.book_number if certificate else ""
    rows.append(ComparisonRow(_("Số vào sổ"), book, record.certificate_book_number,
                              both(book, record.certificate_book_number)
                              and normalize.certificate_key(book) != normalize.certificate_key(record.certificate_book_number)))
    reg_area = plot.area_m2 if plot else None
    rows.append(ComparisonRow(_("Diện tích (m²)"), _as_text(reg_area), _as_text(record.area_m2),
                              _area_differs(reg_area, record.area_m2)))
    reg_use = plot.land_use if plot else ""
    rows.append(ComparisonRow(_("Mục đích sử dụng"), reg_use, record.land_use,
                              both(reg_use, record.land_use)
                              and normalize.parse_land_use(reg_use) != normalize.parse_land_use(record.land_use)))
    holder_keys = {normalize.name_key(record.holder_name), normalize.name_key(record.co_holder_name)}
    rows.append(ComparisonRow(_("Người đang sử dụng"), "", record.actual_user_name,
                              bool(record.actual_user_name)
                              and normalize.name_key(record.actual_user_name) not in holder_keys))
    reg_status = certificate.status if certificate else ""
    rows.append(ComparisonRow(_("Tình trạng GCN"), str(status_labels.get(reg_status, "")),
                              record.get_certificate_status_display()
                              + (" · " + str(_("chủ ở xa")) if record.owner_far_away else ""),
                              bool(reg_status) and (reg_status != record.certificate_status or record.owner_far_away)))
    return rows


def review_record(user, record_id: int) -> CollectedRecord:
    """The record for the side-by-side page, scoped (404 outside), with what the page shows."""
    from collection.scope import get_scoped_or_404

    return get_scoped_or_404(
        CollectedRecord.objects.select_related("former_commune__commune", "plot", "collected_by_user")
        .prefetch_related("plot__land_users__certificate", "plot__certificates", "scans"),
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


def record_flags_with_notes(user, record_id: int) -> tuple[CollectedRecord, list[Flag]]:
    """The record's flags with the latest decision note, for the official's record page (scoped)."""
    from collection.scope import get_scoped_or_404

    record = get_scoped_or_404(CollectedRecord.objects.all(), user, pk=record_id)
    flags = list(with_latest_note(record.flags.all()).order_by("status", "code", "pk"))
    show_full = can_review(user)
    for flag in flags:
        flag.masked = (flag.registry_value, flag.collected_value) if show_full else _masked_values(flag)
    return record, flags
