"""Writes of the campaign's collected records: drafts, updates, submissions, file imports."""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from collection import history, import_kinds, validation
from collection.models import EDITABLE_STATUSES, CollectedRecord, RecordChange
from collection.signals import record_submitted, records_imported
from landdata import normalize
from landdata.models import FormerCommune, ImportBatch, Plot
from landdata.tabular import Column, RowErrors, read_rows, sha256_of

# Model fields a form or an import may set (the cleaned values of collection.validation).
RECORD_VALUE_FIELDS = (
    "holder_name",
    "holder_birth_year",
    "holder_birth_date",
    "holder_id_number",
    "holder_old_id_number",
    "co_holder_name",
    "co_holder_birth_year",
    "co_holder_birth_date",
    "co_holder_id_number",
    "co_holder_old_id_number",
    "certificate_serial",
    "certificate_book_number",
    "area_m2",
    "land_use",
    "actual_user_name",
    "certificate_status",
    "owner_far_away",
    "channel",
    "notes",
)


class RecordConflict(Exception):
    """The record changed since the form was opened (another tab, another official)."""


class RecordAlreadySubmitted(Exception):
    """A second submission of the same form: harmless, nothing is sent twice."""


class RecordNotEditable(Exception):
    """Submitted records are read-only until a reviewer returns them."""


def record_version(record: CollectedRecord) -> str:
    """Optimistic-lock token carried by the form: a digest of what the official can change and the status.

    Not `updated_at`: matching and scan processing touch the record (flag counts, fingerprints)
    while the form is open, and must not make the official's save fail.
    """
    payload = [record.pk, record.status, *(str(getattr(record, name)) for name in RECORD_VALUE_FIELDS)]
    return hashlib.sha256(json.dumps(payload, ensure_ascii=False).encode()).hexdigest()[:32]


def record_create_draft(*, plot: Plot, user) -> tuple[CollectedRecord, bool]:
    """Open the plot's record still being worked on (draft or returned), or start a draft.

    The plot row is locked so that a double click cannot start two drafts.
    """
    with transaction.atomic():
        Plot.objects.select_for_update().filter(pk=plot.pk).values_list("pk", flat=True).first()
        existing = (
            CollectedRecord.objects.filter(plot=plot, status__in=EDITABLE_STATUSES)
            .order_by("-status", "-updated_at")  # "returned" sorts before "draft"
            .first()
        )
        if existing is not None:
            return existing, False
        record = record_new_draft(plot=plot, user=user)
        return record, True


def record_new_draft(
    *,
    plot: Plot,
    user,
    client_id=None,
    source: str = CollectedRecord.Source.FORM,
    channel: str = "",
    actor: str | None = None,
) -> CollectedRecord:
    """A new draft of the plot; a phone passes the id it made, and its draft is never merged into a
    colleague's draft of the same plot. A citizen's link makes its draft for the official who made
    the link (`user`, None if the account is gone), with its own source, channel and actor."""
    record = CollectedRecord.objects.create(
        **({"client_id": client_id} if client_id else {}),
        former_commune_id=plot.former_commune_id,
        map_sheet=plot.map_sheet,
        plot_number=plot.plot_number,
        sheet_key=plot.sheet_key,
        number_key=plot.number_key,
        plot=plot,
        collected_by=user.get_username() if user else "",
        collected_by_user=user,
        collected_on=timezone.localdate(),
        status=CollectedRecord.Status.DRAFT,
        source=source,
        channel=channel,
    )
    # An actor in words (a citizen's link) is who acted, not the official the draft is made for.
    history.record_changed(record=record, user=None if actor else user, action=RecordChange.Action.CREATED, actor=actor)
    return record


def _lock(record_id: int) -> CollectedRecord:
    return CollectedRecord.objects.select_for_update().get(pk=record_id)


def _apply(record: CollectedRecord, values: dict) -> list[str]:
    changed = []
    for name in RECORD_VALUE_FIELDS:
        if name in values and getattr(record, name) != values[name]:
            setattr(record, name, values[name])
            changed.append(name)
    return changed


@transaction.atomic
def record_update(*, record_id: int, values: dict, user, version: str) -> CollectedRecord:
    """Save a draft; a stale `version` is refused unless it carries exactly what is stored
    (the same form posted twice)."""
    record = _lock(record_id)
    if record.status not in EDITABLE_STATUSES:
        raise RecordNotEditable
    if version != record_version(record):
        if not any(getattr(record, n) != values[n] for n in RECORD_VALUE_FIELDS if n in values):
            return record
        raise RecordConflict
    before = history.snapshot(record)
    if _apply(record, values):
        # A draft may still lack the holder's name; everything typed was checked by validation.
        record.full_clean(exclude=["collected_by_user", "plot", "batch", "former_commune", "holder_name"])
        record.save()
        history.record_changed(record=record, user=user, action=RecordChange.Action.CHANGED, before=before)
    return record


@transaction.atomic
def record_submit(*, record_id: int, values: dict, user, version: str) -> CollectedRecord:
    """Submit (or resubmit a returned record): status submitted, time stamped, verification told.

    The signal is sent inside the transaction; verification queues matching on commit.
    """
    record = _lock(record_id)
    if record.status == CollectedRecord.Status.SUBMITTED:
        raise RecordAlreadySubmitted
    if version != record_version(record):
        raise RecordConflict
    missing = [key for key in validation.REQUIRED_ON_SUBMIT if not (values.get(key) or getattr(record, key))]
    if missing:
        raise ValueError(f"required: {', '.join(missing)}")
    before = history.snapshot(record)
    _apply(record, values)
    record.status = CollectedRecord.Status.SUBMITTED
    record.submitted_at = timezone.now()
    record.collected_on = timezone.localdate()
    if record.collected_by_user_id is None:
        record.collected_by = user.get_username()
        record.collected_by_user = user
    record.full_clean(exclude=["collected_by_user", "plot", "batch", "former_commune"])
    record.save()
    history.record_changed(record=record, user=user, action=RecordChange.Action.SUBMITTED, before=before)
    record_submitted.send(sender=CollectedRecord, record_id=record.pk)
    return record


# --- import_collection (contract §2.3, §3) -----------------------------------------------------


def collection_columns():
    return [
        Column("old_commune_code", "Mã xã cũ", True),
        Column("map_sheet", "Số tờ", True),
        Column("plot_number", "Số thửa", True),
        Column("holder_name", "Họ tên người đứng tên", True),
        Column("holder_birth", "Ngày sinh"),
        Column("holder_id_number", "Số CCCD"),
        Column("holder_old_id_number", "Số CMND cũ"),
        Column("co_holder_name", "Họ tên đồng sở hữu"),
        Column("co_holder_birth", "Ngày sinh đồng sở hữu"),
        Column("co_holder_id_number", "Số CCCD đồng sở hữu"),
        Column("co_holder_old_id_number", "Số CMND cũ đồng sở hữu"),
        Column("certificate_serial", "Số phát hành GCN"),
        Column("certificate_book_number", "Số vào sổ"),
        Column("area_m2", "Diện tích"),
        Column("land_use", "Mục đích sử dụng"),
        Column("actual_user_name", "Người đang sử dụng"),
        Column("certificate_status", "Tình trạng GCN"),
        Column("owner_far_away", "Chủ ở xa"),
        Column("collected_by", "Người thu thập", True),
        Column("collected_on", "Ngày thu thập", True),
        Column("channel", "Hình thức"),
        Column("notes", "Ghi chú"),
    ]


@dataclass(frozen=True)
class RecordsImportResult:
    batch_id: int | None
    rows: int
    created: int
    unchanged: int
    not_in_registry: int
    linked_users: int
    seconds: float

    def summary(self, file_name: str) -> str:
        return (
            f"{file_name}: {self.rows} rows, {self.created} records created, {self.unchanged} already imported, "
            f"{self.not_in_registry} not in registry, {self.linked_users} linked to accounts ({self.seconds:.1f}s)"
        )


def _import_row_values(row_number: int, raw: dict, errors: RowErrors) -> dict:
    """The model values of one imported row; its problems go to `errors` as `row N: column: problem`."""
    cleaned = validation.clean_record_values(raw, require_complete=True, strict_ids=False)
    for key, messages in cleaned.errors.items():
        for message in messages:
            errors.add(row_number, key, message)
    values = dict(cleaned.values)
    values["former_commune_id"] = normalize.commune_code(raw.get("old_commune_code"))
    for key in ("map_sheet", "plot_number"):
        cell = raw.get(key)
        # A spreadsheet cell may hold the number 12.0: the sheet is "12".
        values[key] = normalize.plot_key_part(cell) if isinstance(cell, float) else normalize.nfc(str(cell or ""))
    values["collected_by"] = normalize.nfc(str(raw.get("collected_by") or ""))
    for key, name in (
        ("old_commune_code", "former_commune_id"),
        ("map_sheet", "map_sheet"),
        ("plot_number", "plot_number"),
        ("collected_by", "collected_by"),
    ):
        if not values[name]:
            errors.add(row_number, key, _("Bắt buộc."))
    values["collected_on"], problem = validation.parse_collected_on(raw.get("collected_on"))
    if problem:
        errors.add(row_number, "collected_on", problem)
    return values


def _check_former_communes(rows: list[tuple[int, dict]], codes: set[str], errors: RowErrors) -> None:
    known = set(FormerCommune.objects.filter(code__in=codes).values_list("code", flat=True))
    for row_number, values in rows:
        code = values["former_commune_id"]
        if code and code not in known:
            errors.add(row_number, "old_commune_code", _("Mã xã cũ %(code)s không có trong danh mục.") % {"code": code})


def _imported_keys(keys: list[str]) -> set[str]:
    """The import keys already in the database (rows of a file imported before)."""
    existing: set[str] = set()
    for start in range(0, len(keys), 5000):
        existing.update(
            CollectedRecord.objects.filter(import_key__in=keys[start : start + 5000]).values_list(
                "import_key", flat=True
            )
        )
    return existing


def _imported_record(values: dict, *, key: str, batch: ImportBatch, plots: dict, users: dict, now) -> CollectedRecord:
    sheet_key = normalize.plot_key_part(values["map_sheet"])
    number_key = normalize.plot_key_part(values["plot_number"])
    return CollectedRecord(
        **{name: values[name] for name in RECORD_VALUE_FIELDS},
        former_commune_id=values["former_commune_id"],
        map_sheet=values["map_sheet"],
        plot_number=values["plot_number"],
        sheet_key=sheet_key,
        number_key=number_key,
        plot_id=plots.get((values["former_commune_id"], sheet_key, number_key)),
        collected_by=values["collected_by"],
        collected_by_user_id=users.get(values["collected_by"]),
        collected_on=values["collected_on"],
        status=CollectedRecord.Status.SUBMITTED,
        source=CollectedRecord.Source.IMPORT,
        batch=batch,
        import_key=key,
        submitted_at=now,
    )


def _import_key(values: dict) -> str:
    """sha256 of the normalised row: the same row imported twice has the same key."""
    payload = {k: (str(v) if v is not None else None) for k, v in sorted(values.items())}
    return hashlib.sha256(json.dumps(payload, ensure_ascii=False, sort_keys=True).encode()).hexdigest()


def _importer(user, file_name: str) -> str:
    """Who imported: the account that ran the import, else the file (a command run on the server)."""
    return user.get_username() if getattr(user, "pk", None) else f"{history.SYSTEM} {file_name}"[:150]


def records_import(*, path: str | Path, file_name: str | None = None, user=None) -> RecordsImportResult:
    """Import collected records from CSV/XLSX: all or nothing, every bad row reported, re-import harmless.

    Queries are batched (codes, plots, users, existing keys), then one bulk insert.
    """
    started = time.monotonic()
    path = Path(path)
    file_name = file_name or path.name
    errors = RowErrors()
    rows = [
        (row_number, _import_row_values(row_number, raw, errors))
        for row_number, raw in read_rows(path, collection_columns(), file_name=file_name, on_header=errors.use_headers)
    ]
    codes = {values["former_commune_id"] for _, values in rows if values["former_commune_id"]}
    _check_former_communes(rows, codes, errors)
    errors.raise_if_any(file_name)

    plots = {
        (fc, sheet, number): pk
        for pk, fc, sheet, number in Plot.objects.filter(former_commune_id__in=codes).values_list(
            "pk", "former_commune_id", "sheet_key", "number_key"
        )
    }
    usernames = {values["collected_by"] for _, values in rows}
    users = {u.get_username(): u.pk for u in get_user_model().objects.filter(username__in=usernames)}
    keyed: dict[str, dict] = {}
    for _row, values in rows:
        keyed.setdefault(_import_key(values), values)
    existing = _imported_keys(list(keyed))

    now = timezone.now()
    with transaction.atomic():
        batch = ImportBatch.objects.create(
            kind=import_kinds.COLLECTION,
            file_name=file_name,
            sha256=sha256_of(path),
            imported_by=user if getattr(user, "pk", None) else None,
            status=ImportBatch.Status.RUNNING,
            rows_total=len(rows),
        )
        new = [
            _imported_record(values, key=key, batch=batch, plots=plots, users=users, now=now)
            for key, values in keyed.items()
            if key not in existing
        ]
        created = CollectedRecord.objects.bulk_create(new, batch_size=2000)
        ids = [record.pk for record in created]
        if ids and ids[0] is None:  # a backend that does not return ids
            ids = list(CollectedRecord.objects.filter(batch=batch).values_list("pk", flat=True))
        # bulk_create sends no signal and calls no save(): the history is written in bulk here.
        history.records_changed_bulk(
            record_ids=ids, user=user, action=RecordChange.Action.IMPORTED, actor=_importer(user, file_name)
        )
        records_imported.send(sender=CollectedRecord, record_ids=ids)
        batch.status = ImportBatch.Status.DONE
        batch.finished_at = timezone.now()
        batch.rows_done = len(rows)
        batch.rows_created = len(created)
        batch.rows_unchanged = len(rows) - len(created)
        batch.save()
    return RecordsImportResult(
        batch_id=batch.pk,
        rows=len(rows),
        created=len(created),
        unchanged=len(rows) - len(created),
        not_in_registry=sum(1 for r in created if r.plot_id is None),
        linked_users=sum(1 for r in created if r.collected_by_user_id),
        seconds=time.monotonic() - started,
    )
