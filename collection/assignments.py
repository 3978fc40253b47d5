"""The commune assignment list import (contract §2.2): communes, targets, groups, assignments.

A list has a few hundred rows, so it is validated in memory and written with a
fixed number of bulk statements in one transaction. A corrected list may move a
former commune to another commune: that is applied and said in the summary.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from collection import import_kinds
from collection.models import Assignment, CommuneTarget, PlotAssignment, Role, UserScope, WorkingGroup
from landdata import normalize
from landdata.models import Commune, FormerCommune, ImportBatch, Plot, Province
from landdata.services import import_batch_fail, import_file_path
from landdata.tabular import Column, ImportFailed, RowErrors, read_rows, sha256_of, text_value

ASSIGNMENT_COLUMNS: tuple[Column, ...] = (
    Column("commune_code", "Mã xã", required=True),
    Column("commune_name", "Tên xã", required=True),
    Column("old_commune_code", "Mã xã cũ", required=True),
    Column("old_commune_name", "Tên xã cũ", required=True),
    Column("target_plots", "Chỉ tiêu", required=True),
    Column("working_group", "Tổ công tác"),
    # Optional, an extension of §2.2: the username of the official who answers for the former
    # commune's plots (those not yet handed to anyone). Plots the registry brings later are handed
    # when the list is imported again.
    Column("assigned_to", "Cán bộ được giao"),
)


@dataclass
class AssignmentImportResult:
    batch_id: int | None = None
    rows: int = 0
    communes_created: int = 0
    communes_renamed: int = 0
    former_communes_created: int = 0
    former_communes_moved: int = 0
    assignments_created: int = 0
    assignments_updated: int = 0
    assignments_unchanged: int = 0
    working_groups_created: int = 0
    targets_set: int = 0  # communes of the file (each has its target)
    targets_created: int = 0
    targets_changed: int = 0
    targets_unchanged: int = 0
    # Rows (one per former commune) by what they changed: a new assignment; anything of the row
    # changed (its assignment, its commune's target or name, its former commune's name); nothing.
    rows_created: int = 0
    rows_changed: int = 0
    rows_unchanged: int = 0
    # Rows naming an official (assigned_to), and the plots newly handed to one.
    rows_with_official: int = 0
    plots_handed: int = 0
    seconds: float = 0.0
    moves: list[str] = field(default_factory=list)
    # Disagreements with the official 2025 units (load_admin_units): said, not refused.
    warnings: list[str] = field(default_factory=list)

    def summary(self) -> str:
        text = _(
            "%(rows)d dòng trong %(seconds).1f giây: %(targets)d xã có chỉ tiêu (xã mới %(cc)d, đổi tên %(cr)d; "
            "chỉ tiêu mới %(tc)d, thay đổi %(tu)d, không đổi %(tn)d); xã cũ mới %(fc)d; "
            "phân công mới %(ac)d, thay đổi %(au)d, không đổi %(an)d; tổ công tác mới %(wc)d."
        ) % {
            "rows": self.rows,
            "seconds": self.seconds,
            "targets": self.targets_set,
            "cc": self.communes_created,
            "cr": self.communes_renamed,
            "tc": self.targets_created,
            "tu": self.targets_changed,
            "tn": self.targets_unchanged,
            "fc": self.former_communes_created,
            "ac": self.assignments_created,
            "au": self.assignments_updated,
            "an": self.assignments_unchanged,
            "wc": self.working_groups_created,
        }
        if self.rows_with_official:
            text += " " + _("%(n)d thửa mới giao cho cán bộ.") % {"n": self.plots_handed}
        if self.moves:
            text += " " + _("Xã cũ chuyển sang xã khác: %(moves)s.") % {"moves": "; ".join(self.moves)}
        if self.warnings:
            text += " " + _("Cảnh báo (so với danh mục đơn vị hành chính 2025): %(warnings)s.") % {
                "warnings": "; ".join(self.warnings)
            }
        return text


@dataclass
class _Row:
    row_no: int
    commune_code: str
    commune_name: str
    former_code: str
    former_name: str
    target: int
    group: str
    assigned_to: str = ""


def _code(raw: object) -> str:
    return normalize.commune_code(text_value(raw))


def _validate(path, name: str) -> list[_Row]:
    errors = RowErrors()
    rows: list[_Row] = []
    commune_first: dict[str, _Row] = {}
    former_first: dict[str, int] = {}
    for row_no, raw in read_rows(path, ASSIGNMENT_COLUMNS, file_name=name, on_header=errors.use_headers):
        bad = errors.count
        values: dict[str, str] = {}
        for key in ("commune_code", "old_commune_code"):
            code = _code(raw.get(key))
            if not code:
                errors.add(row_no, key, _("bắt buộc"))
            elif not (len(code) == 5 and code.isdigit() and code.isascii()):
                errors.add(row_no, key, _("“%(value)s” không phải mã xã 5 chữ số") % {"value": code})
            values[key] = code
        for key in ("commune_name", "old_commune_name"):
            values[key] = text_value(raw.get(key))
            if not values[key]:
                errors.add(row_no, key, _("bắt buộc"))
            elif len(values[key]) > 200:
                errors.add(row_no, key, _("dài quá 200 ký tự"))
        group = text_value(raw.get("working_group"))
        assigned_to = text_value(raw.get("assigned_to"))
        if len(group) > 120:
            errors.add(row_no, "working_group", _("dài quá 120 ký tự"))
        target = None
        try:
            number = normalize.parse_decimal(raw.get("target_plots"))
        except ValueError:
            number = None
            errors.add(row_no, "target_plots", _("“%(value)s” không phải là số") % {"value": raw.get("target_plots")})
        else:
            if number is None:
                errors.add(row_no, "target_plots", _("bắt buộc"))
            elif number < 0 or number != number.to_integral_value() or number > 10**9:
                errors.add(
                    row_no,
                    "target_plots",
                    _("“%(value)s” không phải số nguyên không âm") % {"value": raw.get("target_plots")},
                )
            else:
                target = int(number)
        if errors.count > bad:
            continue
        row = _Row(
            row_no,
            values["commune_code"],
            values["commune_name"],
            values["old_commune_code"],
            values["old_commune_name"],
            target,
            group,
            assigned_to,
        )
        first = commune_first.setdefault(row.commune_code, row)
        if first is not row:
            if first.target != row.target:
                errors.add(
                    row_no,
                    "target_plots",
                    _("%(value)d khác chỉ tiêu %(other)d ở dòng %(row)d của cùng xã")
                    % {"value": row.target, "other": first.target, "row": first.row_no},
                )
            if normalize.name_key(first.commune_name) != normalize.name_key(row.commune_name):
                errors.add(
                    row_no,
                    "commune_name",
                    _("“%(value)s” khác tên ở dòng %(row)d của cùng xã")
                    % {"value": row.commune_name, "row": first.row_no},
                )
        if (seen := former_first.get(row.former_code)) is not None:
            errors.add(
                row_no,
                "old_commune_code",
                _("“%(value)s” đã được giao ở dòng %(row)d") % {"value": row.former_code, "row": seen},
            )
        else:
            former_first[row.former_code] = row_no
        rows.append(row)
    _check_officials(rows, errors)
    errors.raise_if_any(name)
    if not rows:
        raise ImportFailed(f"{name}: " + _("tệp chỉ có dòng tiêu đề, không có dữ liệu"))
    return rows


def _check_officials(rows: list[_Row], errors: RowErrors) -> None:
    """Each `assigned_to` names an active official or leader of the row's commune (and of its group
    when both have one): one query for the whole file."""
    names = {r.assigned_to for r in rows if r.assigned_to}
    if not names:
        return
    scopes = {
        s.user.username: s
        for s in UserScope.objects.filter(user__username__in=names, user__is_active=True).select_related(
            "user", "working_group"
        )
    }
    for r in rows:
        if not r.assigned_to:
            continue
        scope = scopes.get(r.assigned_to)
        if scope is None or scope.role not in (Role.OFFICIAL, Role.GROUP_LEADER):
            errors.add(r.row_no, "assigned_to", _("“%(value)s” không phải tài khoản cán bộ") % {"value": r.assigned_to})
        elif scope.commune_id != r.commune_code:
            errors.add(
                r.row_no,
                "assigned_to",
                _("“%(value)s” là cán bộ của xã khác (%(code)s)") % {"value": r.assigned_to, "code": scope.commune_id},
            )
        elif scope.working_group is not None and r.group and scope.working_group.name != r.group:
            errors.add(
                r.row_no,
                "assigned_to",
                _("“%(value)s” thuộc %(group)s, không thuộc %(row_group)s")
                % {"value": r.assigned_to, "group": scope.working_group.name, "row_group": r.group},
            )


def _hand_plots(rows: list[_Row], result: AssignmentImportResult) -> None:
    """The plots of each row's former commune that nobody holds yet go to the row's official."""
    wanted = {r.former_code: r.assigned_to for r in rows if r.assigned_to}
    result.rows_with_official = len(wanted)
    if not wanted:
        return
    users = dict(User.objects.filter(username__in=set(wanted.values())).values_list("username", "pk"))
    free = Plot.objects.filter(former_commune_id__in=list(wanted), official_assignment__isnull=True).values_list(
        "pk", "former_commune_id"
    )
    now = timezone.now()
    handed = [PlotAssignment(plot_id=pk, official_id=users[wanted[code]], assigned_at=now) for pk, code in free]
    PlotAssignment.objects.bulk_create(handed, batch_size=2000, ignore_conflicts=True)
    result.plots_handed = len(handed)


def assignments_import(
    *, path: str | Path, file_name: str | None = None, user=None, batch_id: int | None = None
) -> AssignmentImportResult:
    """Import a commune assignment list: all rows valid or nothing changes; re-import is harmless."""
    started = time.monotonic()
    name = file_name or Path(path).name
    sha256 = sha256_of(path)
    if batch_id is not None:
        ImportBatch.objects.filter(pk=batch_id).update(status=ImportBatch.Status.RUNNING, sha256=sha256)
    try:
        rows = _validate(path, name)
    except ImportFailed as exc:
        if batch_id is not None:
            import_batch_fail(batch_id=batch_id, problems=exc.problems, row_errors=exc.row_errors, total=exc.total)
        raise
    try:
        return _write_batch(rows, name=name, sha256=sha256, user=user, batch_id=batch_id, started=started)
    except Exception as exc:
        if batch_id is not None:  # never leave the admin's progress page waiting forever
            import_batch_fail(batch_id=batch_id, problems=[_("Lỗi hệ thống khi nhập: %(error)s") % {"error": exc}])
        raise


def _write_batch(
    rows: list[_Row], *, name: str, sha256: str, user, batch_id: int | None, started: float
) -> AssignmentImportResult:
    with transaction.atomic():
        if batch_id is not None:
            batch = ImportBatch.objects.select_for_update().get(pk=batch_id)
        else:
            batch = ImportBatch.objects.create(
                kind=import_kinds.ASSIGNMENTS,
                file_name=name[:255],
                sha256=sha256,
                imported_by=user if user and user.pk else None,
                status=ImportBatch.Status.RUNNING,
            )
        result = _write(rows, batch=batch)
        result.rows = len(rows)
        result.seconds = time.monotonic() - started
        batch.status = ImportBatch.Status.DONE
        batch.finished_at = timezone.now()
        batch.rows_total = batch.rows_done = len(rows)
        batch.rows_created = result.rows_created
        batch.rows_updated = result.rows_changed
        batch.rows_unchanged = result.rows_unchanged
        batch.summary = result.summary()
        batch.save()
    return result


@dataclass
class _OfficialUnits:
    """The units of the file that the official 2025 list knows: names, and where each former unit went."""

    communes: dict[str, str]  # code → official name
    formers: dict[str, tuple[str, set[str]]]  # code → (official name, the 2025 units it went into)

    def warnings(self, rows: list[_Row]) -> list[str]:
        out = []
        for r in rows:
            official_name = self.communes.get(r.commune_code)
            if official_name and normalize.unit_name_key(official_name) != normalize.unit_name_key(r.commune_name):
                out.append(
                    _("dòng %(row)d: mã xã %(code)s là %(official)s, tệp ghi “%(name)s”")
                    % {"row": r.row_no, "code": r.commune_code, "official": official_name, "name": r.commune_name}
                )
            if r.former_code not in self.formers:
                continue
            former_name, merged_into = self.formers[r.former_code]
            if normalize.unit_name_key(former_name) != normalize.unit_name_key(r.former_name):
                out.append(
                    _("dòng %(row)d: mã xã cũ %(code)s là %(official)s, tệp ghi “%(name)s”")
                    % {"row": r.row_no, "code": r.former_code, "official": former_name, "name": r.former_name}
                )
            if merged_into and r.commune_code not in merged_into:
                went = ", ".join(f"{self.communes.get(c, c)} ({c})" for c in sorted(merged_into))
                out.append(
                    _(
                        "dòng %(row)d: %(former)s (%(code)s) được giao cho %(commune)s (%(commune_code)s) nhưng đã sáp nhập vào %(went)s"
                    )
                    % {
                        "row": r.row_no,
                        "former": former_name,
                        "code": r.former_code,
                        "commune": r.commune_name,
                        "commune_code": r.commune_code,
                        "went": went,
                    }
                )
        return out


def _official_units(communes: dict[str, _Row], formers: dict[str, _Row]) -> _OfficialUnits:
    """Two queries: the file's former units that the official list knows, and the names of their units."""
    merged: dict[str, tuple[str, set[str]]] = {}
    through = FormerCommune.merged_into.through
    for code, name, commune in through.objects.filter(formercommune_id__in=list(formers)).values_list(
        "formercommune_id", "formercommune__name", "commune_id"
    ):
        merged.setdefault(code, (name, set()))[1].add(commune)
    codes = set(communes) | {c for _n, went in merged.values() for c in went}
    names = dict(
        Commune.objects.filter(code__in=codes, official_former_communes__isnull=False)
        .distinct()
        .values_list("code", "name")
    )
    return _OfficialUnits(communes=names, formers=merged)


def _write(rows: list[_Row], *, batch: ImportBatch) -> AssignmentImportResult:
    result = AssignmentImportResult(batch_id=batch.pk)
    province, _created = Province.objects.get_or_create(
        code=settings.PROVINCE_CODE, defaults={"name": settings.PROVINCE_NAME}
    )

    communes = {r.commune_code: r for r in rows}
    formers = {r.former_code: r for r in rows}
    official = _official_units(communes, formers)
    result.warnings = official.warnings(rows)
    existing = Commune.objects.in_bulk(list(communes))
    new = [Commune(code=c, name=r.commune_name, province=province) for c, r in communes.items() if c not in existing]
    renamed = []
    for code, commune in existing.items():
        # The official list names its units; the file names only the units the official list does not know.
        if commune.name != communes[code].commune_name and code not in official.communes:
            commune.name = communes[code].commune_name
            renamed.append(commune)
    Commune.objects.bulk_create(new)
    Commune.objects.bulk_update(renamed, ["name"])
    result.communes_created, result.communes_renamed = len(new), len(renamed)

    existing_formers = FormerCommune.objects.in_bulk(list(formers))
    new_formers, changed_formers = [], []
    for code, r in formers.items():
        former = existing_formers.get(code)
        if former is None:
            new_formers.append(FormerCommune(code=code, name=r.former_name, commune_id=r.commune_code))
            continue
        if former.commune_id != r.commune_code:
            result.moves.append(
                _("%(former)s từ %(old)s sang %(new)s")
                % {"former": code, "old": former.commune_id, "new": r.commune_code}
            )
        name = former.name if code in official.formers else r.former_name
        if former.commune_id != r.commune_code or former.name != name:
            former.commune_id, former.name = r.commune_code, name
            changed_formers.append(former)
    FormerCommune.objects.bulk_create(new_formers)
    FormerCommune.objects.bulk_update(changed_formers, ["commune", "name"])
    result.former_communes_created = len(new_formers)
    result.former_communes_moved = len(result.moves)

    targets_before = dict(
        CommuneTarget.objects.filter(commune_id__in=list(communes)).values_list("commune_id", "target_plots")
    )
    CommuneTarget.objects.bulk_create(
        [CommuneTarget(commune_id=c, target_plots=r.target) for c, r in communes.items()],
        update_conflicts=True,
        unique_fields=["commune"],
        update_fields=["target_plots"],
    )
    result.targets_set = len(communes)
    result.targets_created = sum(1 for c in communes if c not in targets_before)
    result.targets_changed = sum(
        1 for c, r in communes.items() if c in targets_before and targets_before[c] != r.target
    )
    result.targets_unchanged = result.targets_set - result.targets_created - result.targets_changed
    # The communes and former communes whose own values this file changed: their rows are changed rows.
    changed_communes = {c for c, r in communes.items() if targets_before.get(c) != r.target}
    changed_communes |= {commune.code for commune in renamed}
    changed_former_codes = {former.code for former in changed_formers}

    group_keys = {(r.commune_code, r.group) for r in rows if r.group}
    if group_keys:
        before = WorkingGroup.objects.filter(commune_id__in={c for c, _g in group_keys}).count()
        WorkingGroup.objects.bulk_create(
            [WorkingGroup(commune_id=c, name=g) for c, g in sorted(group_keys)], ignore_conflicts=True
        )
        groups = {
            (g.commune_id, g.name): g.pk
            for g in WorkingGroup.objects.filter(commune_id__in={c for c, _g in group_keys})
        }
        result.working_groups_created = len(groups) - before
    else:
        groups = {}

    current = {a.former_commune_id: a for a in Assignment.objects.filter(former_commune_id__in=list(formers))}
    wanted = []
    for code, r in formers.items():
        group_id = groups.get((r.commune_code, r.group)) if r.group else None
        now = current.get(code)
        if now is None:
            result.assignments_created += 1
            result.rows_created += 1
        elif now.commune_id != r.commune_code or now.working_group_id != group_id:
            result.assignments_updated += 1
            result.rows_changed += 1
        else:
            result.assignments_unchanged += 1
            if r.commune_code in changed_communes or code in changed_former_codes:
                result.rows_changed += 1
            else:
                result.rows_unchanged += 1
            continue
        wanted.append(
            Assignment(former_commune_id=code, commune_id=r.commune_code, working_group_id=group_id, batch=batch)
        )
    Assignment.objects.bulk_create(
        wanted,
        update_conflicts=True,
        unique_fields=["former_commune"],
        update_fields=["commune", "working_group", "batch"],
    )
    _hand_plots(rows, result)
    return result


def assignments_import_stored(*, batch_id: int, stored_name: str) -> str:
    """Import an uploaded file for its PENDING batch; a second delivery of the task does nothing."""
    batch = ImportBatch.objects.filter(pk=batch_id).first()
    if batch is None:
        return "missing"
    if batch.status in (ImportBatch.Status.DONE, ImportBatch.Status.FAILED):
        return batch.status
    path = import_file_path(stored_name)
    try:
        assignments_import(path=path, file_name=batch.file_name, user=batch.imported_by, batch_id=batch_id)
    except ImportFailed:
        return ImportBatch.Status.FAILED
    path.unlink(missing_ok=True)
    return ImportBatch.Status.DONE
