"""Writes of landdata: the official 2025 units, and the stored uploads of imports with their ImportBatch rows.

The registry extract import itself is `landdata.registry_import`.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from landdata import admin_units
from landdata.models import Commune, FormerCommune, ImportBatch, Province
from landdata.tabular import RowError, sha256_of

Progress = Callable[[int, int], None]

UPLOAD_EXTENSIONS = {"csv", "xlsx"}


def import_file_path(stored_name: str) -> Path:
    """Where an uploaded import file lives: MEDIA_ROOT/imports/<uuid>.<ext> (no user-chosen path)."""
    safe = Path(stored_name).name
    return Path(settings.MEDIA_ROOT) / "imports" / safe


def import_file_store(*, uploaded, kind: str, user=None) -> tuple[ImportBatch, str]:
    """Save an uploaded file under a generated name and create its PENDING batch."""
    ext = Path(uploaded.name or "").suffix.lower().lstrip(".")
    ext = ext if ext in UPLOAD_EXTENSIONS else "dat"
    stored_name = f"{uuid.uuid4().hex}.{ext}"
    target = import_file_path(stored_name)
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target, "wb") as out:
        for chunk in uploaded.chunks():
            out.write(chunk)
    batch = import_batch_create(kind=kind, file_name=uploaded.name or stored_name, user=user, sha256=sha256_of(target))
    return batch, stored_name


def import_batch_create(*, kind: str, file_name: str, user=None, sha256: str = "") -> ImportBatch:
    """A PENDING batch, created before a background import so its page can show progress."""
    return ImportBatch.objects.create(
        kind=kind, file_name=file_name[:255], sha256=sha256, imported_by=user if user and user.pk else None
    )


def import_batch_fail(
    *, batch_id: int, problems: list[str], row_errors: Sequence[RowError] = (), total: int | None = None
) -> None:
    """Record a refused import on its batch (outside the rolled-back transaction).

    `problems` as the command prints them; `row_errors` the same problems of the rows kept apart (an
    ImportFailed's), and `total` how many problems there were, listed or not (default: those given).
    """
    ImportBatch.objects.filter(pk=batch_id).update(
        status=ImportBatch.Status.FAILED,
        errors="\n".join(problems),
        error_count=total if total is not None else (len(row_errors) or len(problems)),
        error_rows=[error.as_dict() for error in row_errors],
        finished_at=timezone.now(),
    )


def import_batch_progress(*, batch_id: int) -> Progress:
    """A progress callback that stores rows_done/rows_total on the batch (a bounded number of updates)."""

    def report(done: int, total: int) -> None:
        ImportBatch.objects.filter(pk=batch_id).update(rows_done=done, rows_total=max(total, done))

    return report


def throttled(progress: Progress | None, total: int) -> Progress | None:
    """Call `progress` at most about 100 times whatever the file size."""
    if progress is None:
        return None
    step = max(total // 100, 1000)
    state = {"next": step}

    def report(done: int, total_now: int) -> None:
        if done >= state["next"] or done == total_now:
            state["next"] = done + step
            progress(done, total_now)

    return report


# --- the official 2025 units (load_admin_units) ------------------------------------------------


@dataclass
class AdminUnitsLoadResult:
    province: str
    communes: int = 0
    communes_created: int = 0
    communes_renamed: int = 0
    former_communes: int = 0
    former_communes_created: int = 0
    former_communes_renamed: int = 0
    former_communes_moved: int = 0

    def summary(self) -> str:
        return _(
            "Tỉnh %(province)s: %(communes)d xã/phường (mới %(cc)d, đổi tên %(cr)d), %(formers)d xã cũ (mới %(fc)d, "
            "đổi tên %(fr)d, chuyển xã %(fm)d)."
        ) % {
            "province": self.province,
            "communes": self.communes,
            "cc": self.communes_created,
            "cr": self.communes_renamed,
            "formers": self.former_communes,
            "fc": self.former_communes_created,
            "fr": self.former_communes_renamed,
            "fm": self.former_communes_moved,
        }


@transaction.atomic
def admin_units_load(*, province_code: str) -> AdminUnitsLoadResult:
    """Load (again) the official 2025 communes and wards of a province and the former units each was made of.

    Idempotent: a second load changes nothing. Names come from the official list; a former unit the
    campaign already filed under one of the units it went into stays there (a split unit may be
    worked by either).
    """
    official = admin_units.official_province(province_code)
    province, _created = Province.objects.update_or_create(code=official.code, defaults={"name": official.name})
    result = AdminUnitsLoadResult(province=f"{official.code} {official.name}", communes=len(official.units))

    existing = Commune.objects.in_bulk([u.code for u in official.units])
    new, renamed = [], []
    for unit in official.units:
        commune = existing.get(unit.code)
        if commune is None:
            new.append(Commune(code=unit.code, name=unit.name, province=province))
        elif commune.name != unit.name or commune.province_id != province.code:
            commune.name, commune.province = unit.name, province
            renamed.append(commune)
    Commune.objects.bulk_create(new)
    Commune.objects.bulk_update(renamed, ["name", "province"])
    result.communes_created, result.communes_renamed = len(new), len(renamed)

    formers = official.former_units
    result.former_communes = len(formers)
    existing_formers = FormerCommune.objects.in_bulk(list(formers))
    new_formers, changed = [], []
    for code, former in formers.items():
        row = existing_formers.get(code)
        if row is None:
            new_formers.append(FormerCommune(code=code, name=former.name, commune_id=former.merged_into[0]))
            continue
        moved = row.commune_id not in former.merged_into
        if row.name != former.name:
            result.former_communes_renamed += 1
        if moved:
            result.former_communes_moved += 1
            row.commune_id = former.merged_into[0]
        if moved or row.name != former.name:
            row.name = former.name
            changed.append(row)
    FormerCommune.objects.bulk_create(new_formers)
    FormerCommune.objects.bulk_update(changed, ["name", "commune"])
    result.former_communes_created = len(new_formers)

    through = FormerCommune.merged_into.through
    wanted = {(code, unit) for code, former in formers.items() for unit in former.merged_into}
    have = set(through.objects.filter(formercommune_id__in=list(formers)).values_list("formercommune_id", "commune_id"))
    if wanted != have:
        through.objects.filter(formercommune_id__in=list(formers)).delete()
        through.objects.bulk_create([through(formercommune_id=f, commune_id=c) for f, c in sorted(wanted)])
    return result
