"""Writes of verification: reviewers' decisions on flags, and the bookkeeping of batch matching runs.

Matching itself is `verification.matching.pipeline`; this module holds what a person or a batch
command decides around it. Decisions (`flag_decide`, `flags_decide_bulk`) are the only writers of
FlagDecision rows by people: they check the role and scope, guard against two reviewers deciding the
same flag (optimistic concurrency on `Flag.version`), correct the registry when a collected value is
accepted, append to the decision history and refresh the plot outcomes.
"""

from __future__ import annotations

import functools
import operator
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from collection import history
from collection.models import CollectedRecord, DocumentAccess, RecordChange
from landdata import normalize
from landdata.models import Certificate, LandUser, Plot
from verification import outcomes
from verification.matching.pipeline import MatchSummary
from verification.models import (
    DECISION_STATUS,
    NOTE_REQUIRED,
    OPEN_STATUSES,
    Decision,
    Flag,
    FlagCode,
    FlagDecision,
    MatchingChunk,
    MatchingRun,
    RegistryCorrection,
    Severity,
)
from verification.selectors import require_reviewer, scoped_flags, submitted_records, value_text

# Codes whose collected value has a registry field to go into (see `_planned_changes`).
ACCEPTABLE_CODES = frozenset(
    {
        FlagCode.OWNER_NAME_MISMATCH,
        FlagCode.BIRTH_MISMATCH,
        FlagCode.ID_NUMBER_MISMATCH,
        FlagCode.CERTIFICATE_MISMATCH,
        FlagCode.CERTIFICATE_STATUS,
        FlagCode.AREA_MISMATCH,
        FlagCode.LAND_USE_MISMATCH,
    }
)


class ReviewError(Exception):
    """A decision that cannot be taken; the message is shown to the reviewer."""

    def __init__(self, message: str | Promise):
        super().__init__(str(message))
        self.message = message


class StaleFlag(ReviewError):
    """Another reviewer decided the flag after this one loaded it: nothing was changed."""

    def __init__(self, message=None):
        super().__init__(message or _("Sai lệch này vừa được người khác xử lý"))


class DecisionNotAllowed(ReviewError):
    pass


# --- Batch runs -----------------------------------------------------------------------------


def matching_run_create(*, commune_code: str | None = None) -> MatchingRun:
    return MatchingRun.objects.create(commune_id=commune_code)


def matching_run_prepare(
    *, run_id: int | None, commune_code: str | None, chunk_size: int
) -> tuple[MatchingRun, list[tuple[int, list[int]]]]:
    """Split the submitted records into chunks recorded on the run; returns the chunks not done yet.

    Safe to call again for the same run (a redelivered task): chunks are created once.
    """
    with transaction.atomic():
        if run_id is None:
            run = matching_run_create(commune_code=commune_code)
        else:
            run = MatchingRun.objects.select_for_update().get(pk=run_id)
        ids = list(submitted_records(commune_code=commune_code).order_by("id").values_list("id", flat=True))
        chunks = [ids[i : i + chunk_size] for i in range(0, len(ids), chunk_size)]
        if not run.chunks_total:
            MatchingChunk.objects.bulk_create(
                [MatchingChunk(run=run, index=i, size=len(c)) for i, c in enumerate(chunks)], ignore_conflicts=True
            )
            run.total = len(ids)
            run.chunks_total = len(chunks)
            fields = ["total", "chunks_total"]
            if not chunks:
                run.status, run.finished_at = MatchingRun.Status.DONE, timezone.now()
                fields += ["status", "finished_at"]
            run.save(update_fields=fields)
            return run, list(enumerate(chunks))
        done = set(MatchingChunk.objects.filter(run=run, done=True).values_list("index", flat=True))
        return run, [(i, c) for i, c in enumerate(chunks) if i not in done]


def matching_chunk_finish(*, run_id: int, index: int, size: int, queries: int, summary: MatchSummary) -> None:
    """Count a chunk once, even when its task was redelivered, and close the run after the last one."""
    now = timezone.now()
    with transaction.atomic():
        first_time = MatchingChunk.objects.filter(run_id=run_id, index=index, done=False).update(
            done=True, queries=queries, finished_at=now
        )
        if not first_time:
            return
        MatchingRun.objects.filter(pk=run_id).update(
            done=F("done") + size,
            chunks_done=F("chunks_done") + 1,
            skipped=F("skipped") + summary.skipped,
            flags_created=F("flags_created") + summary.flags_created,
            flags_closed=F("flags_closed") + summary.flags_closed,
            queries=F("queries") + queries,
        )
        MatchingRun.objects.filter(
            pk=run_id, status=MatchingRun.Status.RUNNING, chunks_done__gte=F("chunks_total")
        ).update(status=MatchingRun.Status.DONE, finished_at=now)


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
            c
            for c in certificates
            if key in (normalize.certificate_key(c.serial), normalize.certificate_key(c.book_number))
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
        if value_text(change.old) != value_text(change.new):
            corrections.append(
                RegistryCorrection(
                    flag=change.flag,
                    model=model._meta.label,
                    object_id=str(change.obj.pk),
                    field=change.attr,
                    old_value=value_text(change.old)[:300],
                    new_value=value_text(change.new)[:300],
                    corrected_by=user,
                )
            )
    for model, objects in touched.items():
        model.objects.bulk_update(list(objects.values()), sorted(fields[model]))
    RegistryCorrection.objects.bulk_create(corrections)


# --- decisions ---------------------------------------------------------------


def _check_decision(decision: str, note: str) -> str:
    if decision not in DECISION_STATUS:
        raise DecisionNotAllowed(_("Quyết định không hợp lệ."))
    if decision in NOTE_REQUIRED and not note.strip():
        raise DecisionNotAllowed(_("Cần ghi lý do khi trả về xã hoặc bỏ qua."))
    return DECISION_STATUS[decision]


def _load_flags(user, flag_ids: Iterable[int]) -> list[Flag]:
    return list(
        scoped_flags(user)
        .filter(pk__in=list(flag_ids))
        .select_related("record__plot", "plot", "land_user__certificate")
        .prefetch_related(
            "plot__land_users", "plot__certificates", "record__plot__land_users", "record__plot__certificates"
        )
        .order_by("pk")
    )


def _decide(
    *,
    user,
    flags: Sequence[Flag],
    versions: dict[int, int],
    decision: str,
    note: str,
    planned: list[_Change] | None = None,
) -> list[Flag]:
    """The shared body of single and bulk decisions; caller holds the transaction. `planned`: the
    registry changes of an accept, when the caller has already worked them out."""
    to_status = _check_decision(decision, note)
    for flag in flags:
        if flag.status not in OPEN_STATUSES or flag.version != versions[flag.pk]:
            raise StaleFlag()
    changes: list[_Change] = list(planned or [])
    if decision == Decision.ACCEPT and planned is None:
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
    if decision == Decision.RETURN:
        returned = sorted({f.record_id for f in flags})
        CollectedRecord.objects.filter(pk__in=returned).update(
            status=CollectedRecord.Status.RETURNED, updated_at=timezone.now()
        )
        # A bulk UPDATE: no save(), so the records' history is written here, in bulk as well.
        history.records_changed_bulk(
            record_ids=returned,
            user=user,
            action=RecordChange.Action.RETURNED,
            changes={"status": [CollectedRecord.Status.SUBMITTED, CollectedRecord.Status.RETURNED]},
        )
    outcomes.refresh_outcomes(
        plot_keys=sorted({(f.former_commune_id, f.record.sheet_key, f.record.number_key) for f in flags})
    )
    for flag in flags:
        flag.status = to_status
        flag.version += 1
    return list(flags)


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


@dataclass
class BulkResult:
    """What a bulk decision did: the flags decided, and those it did not fit, each with the reason."""

    decided: list[Flag] = field(default_factory=list)
    skipped: list[tuple[Flag, str]] = field(default_factory=list)

    def reasons(self) -> list[tuple[str, int]]:
        """Each reason once, with how many flags it kept back, the most frequent first."""
        return Counter(reason for _flag, reason in self.skipped).most_common()


@transaction.atomic
def flags_decide_bulk(*, user, versions: dict[int, int], decision: str, note: str = "") -> BulkResult:
    """Decide many LOW severity flags at once: every selected flag the decision fits is decided (and
    the outcomes refreshed once); the others are left as they were, each with the reason."""
    require_reviewer(user)
    if not versions:
        raise DecisionNotAllowed(_("Chưa chọn sai lệch nào."))
    if decision == Decision.RETURN:
        raise DecisionNotAllowed(_("Trả về xã phải làm từng bản ghi, kèm lý do."))
    _check_decision(decision, note)
    flags = _load_flags(user, versions)
    if len(flags) != len(versions):
        raise Flag.DoesNotExist
    result = BulkResult()
    fitting: list[Flag] = []
    planned: list[_Change] = []
    for flag in flags:
        try:
            if flag.status not in OPEN_STATUSES or flag.version != versions[flag.pk]:
                raise StaleFlag()
            if flag.severity != Severity.LOW:
                raise DecisionNotAllowed(_("Chỉ xử lý hàng loạt được các sai lệch mức độ thấp."))
            if decision == Decision.ACCEPT:
                planned.extend(_planned_changes(flag))
        except ReviewError as exc:
            result.skipped.append((flag, str(exc.message)))
        else:
            fitting.append(flag)
    if fitting:
        result.decided = _decide(
            user=user, flags=fitting, versions=versions, decision=decision, note=note, planned=planned
        )
    return result


def review_opened_log(*, user, record: CollectedRecord, ip_address: str | None) -> None:
    """Opening the side-by-side page shows full IDs: the personal data law wants it logged."""
    DocumentAccess.objects.create(user=user, record=record, action=DocumentAccess.Action.REVIEW, ip_address=ip_address)
