"""The registry import service: all rows valid or nothing changes; progress on the batch."""

from __future__ import annotations

import itertools
import time
from collections import defaultdict
from pathlib import Path

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from landdata import bulkload, imports
from landdata.cycles import cyclic_gc_paused
from landdata.models import FormerCommune, ImportBatch
from landdata.registry_import.columns import REGISTRY_COLUMNS
from landdata.registry_import.result import ImportResult
from landdata.registry_import.stage import STAGE_ANALYZED, STAGE_TABLE, Stage, drop_stage, stage_rows
from landdata.registry_import.validate import FormerUnit, RegistryValidator
from landdata.registry_import.write import (
    REGISTRY_TABLES,
    copy_all_new,
    replace_absent,
    tables_empty,
    upsert,
    worth_rebuilding_indexes,
)
from landdata.services import Progress, import_batch_fail, import_batch_progress, throttled
from landdata.tabular import ImportFailed, RowErrors, estimate_rows, file_kind, read_values, sha256_of

__all__ = ["ImportResult", "registry_import"]

# Rows validated at a time, a column at a time (RegistryValidator.rows): big enough that the
# per-chunk work is nothing, small enough that the rows read but not yet staged stay few.
CHUNK_ROWS = 10_000


def registry_import(
    *,
    path: str | Path,
    file_name: str | None = None,
    replace: bool = False,
    user=None,
    progress: Progress | None = None,
    batch_id: int | None = None,
) -> ImportResult:
    """Import a registry extract (contract §2.1): all rows valid or nothing changes.

    With `batch_id` (a batch created beforehand by the admin upload) progress and a
    refusal are recorded on that batch; otherwise a batch row is written only on success.
    """
    started = time.monotonic()
    name = file_name or Path(path).name
    result = ImportResult()
    try:
        file_kind(path, file_name=name)  # wrong type, empty or too big: refused before reading it
        sha256 = sha256_of(path)
        total = estimate_rows(path)
        if batch_id is not None:
            ImportBatch.objects.filter(pk=batch_id).update(
                status=ImportBatch.Status.RUNNING, sha256=sha256, rows_total=total, rows_done=0
            )
        if progress is None and batch_id is not None:
            progress = import_batch_progress(batch_id=batch_id)
        report = throttled(progress, total)
        with connection.cursor() as cursor, cyclic_gc_paused():
            try:
                # A province's first import keeps the valid rows to copy them straight into the
                # tables (write.copy_all_new) instead of staging them. Whether the tables are empty
                # is asked again once they are locked: this is only a hint.
                first_import = (
                    connection.vendor == "postgresql"
                    and bulkload.worth_rebuilding(new_rows=total, existing_rows=0)
                    and tables_empty(cursor)
                )
                rows, plots, certificates, kept = _stage_rows(
                    cursor, path=path, name=name, report=report, total=total, keep=first_import
                )
                result.stage_seconds = time.monotonic() - started
                with transaction.atomic():
                    if connection.vendor == "postgresql":
                        cursor.execute("SELECT pg_advisory_xact_lock(hashtext('landdata.registry_import'))")
                        # Memory for the hash joins of 270,000 staged rows against the tables
                        # (this transaction only), and statistics on the join columns.
                        cursor.execute("SET LOCAL work_mem = '128MB'")
                        # The joins on the plot key (three text columns) are hash joins: a merge
                        # join sorts both sides under the database's collation, which the planner
                        # prices far below its cost (0.6 s against 0.1 s at 270,000 rows). JIT
                        # compilation of these one-off statements costs more than it saves.
                        cursor.execute("SET LOCAL enable_mergejoin = off")
                        cursor.execute("SET LOCAL jit = off")
                        if not first_import:  # the joins of `upsert` are planned with these statistics
                            cursor.execute(f"ANALYZE {STAGE_TABLE} ({STAGE_ANALYZED})")
                    batch = _batch_for(batch_id=batch_id, kind=imports.REGISTRY, name=name, sha256=sha256, user=user)
                    result.batch_id = batch.pk
                    result.rows = rows
                    rebuild = (
                        bulkload.worth_rebuilding(new_rows=rows, existing_rows=0)
                        if first_import
                        else worth_rebuilding_indexes(cursor)
                    )
                    with bulkload.indexes_rebuilt_after(cursor, REGISTRY_TABLES, enabled=rebuild) as rebuilt:
                        result.indexes_rebuilt = rebuilt
                        # Ids chosen here are safe only while the tables are locked (bulkload) and empty.
                        if kept is not None and rebuilt and tables_empty(cursor):
                            # Nothing was there before, so nothing is absent from the file for --replace.
                            copy_all_new(
                                cursor, kept, batch_id=batch.pk, plots=plots, certificates=certificates, result=result
                            )
                        else:
                            if kept is not None:
                                stage_rows(cursor, kept)
                                cursor.execute(f"ANALYZE {STAGE_TABLE} ({STAGE_ANALYZED})")
                            upsert(cursor, batch_id=batch.pk, plots=plots, rows=rows, result=result)
                            if replace:
                                replace_absent(cursor, result=result)
                    result.seconds = time.monotonic() - started
                    result.write_seconds = result.seconds - result.stage_seconds
                    _batch_done(batch, result=result, rows=rows)
            finally:
                drop_stage(cursor)
    except ImportFailed as exc:
        if batch_id is not None:
            import_batch_fail(batch_id=batch_id, problems=exc.problems, row_errors=exc.row_errors, total=exc.total)
        raise
    except Exception as exc:
        if batch_id is not None:  # never leave the admin's progress page waiting forever
            import_batch_fail(batch_id=batch_id, problems=[_("Lỗi hệ thống khi nhập: %(error)s") % {"error": exc}])
        raise
    # Including the commit, where PostgreSQL runs the deferred foreign-key checks.
    result.seconds = time.monotonic() - started
    result.write_seconds = result.seconds - result.stage_seconds
    if progress is not None:
        progress(result.rows, result.rows)
    return result


def former_units_by_commune() -> dict[str, list[FormerUnit]]:
    """The former communes of each commune, as the official units table or the assignment list has them."""
    pairs = set(FormerCommune.objects.values_list("commune_id", "code", "name"))
    # A former unit split across several 2025 units belongs to each of them (the official list says which).
    pairs |= set(
        FormerCommune.merged_into.through.objects.values_list("commune_id", "formercommune_id", "formercommune__name")
    )
    units: dict[str, list[FormerUnit]] = defaultdict(list)
    for commune, code, name in sorted(pairs):
        units[commune].append(FormerUnit(code, name))
    return units


def _stage_rows(
    cursor, *, path, name: str, report: Progress | None, total: int, keep: bool = False
) -> tuple[int, int, int, list[tuple] | None]:
    """Validate every row and stage the clean ones (or, with `keep`, keep them); (rows, distinct
    plots, distinct certificates, the rows kept). ImportFailed if any is bad."""
    errors = RowErrors()
    validator = RegistryValidator(errors, timezone.localdate(), former_units=former_units_by_commune())
    rows = 0
    with Stage(cursor, keep=keep) as stage:
        read = read_values(path, REGISTRY_COLUMNS, file_name=name, on_header=errors.use_headers, blank="")
        while chunk := list(itertools.islice(read, CHUNK_ROWS)):
            rows += len(chunk)
            _validate_chunk(validator, chunk, stage, errors)
            if report is not None:
                report(rows, max(total, rows))
    errors.raise_if_any(name)
    if rows == 0:
        raise ImportFailed(f"{name}: " + _("tệp chỉ có dòng tiêu đề, không có dữ liệu"))
    return rows, len(validator.plots), len(validator.certificates), stage.kept


def _validate_chunk(
    validator: RegistryValidator, chunk: list[tuple[int, tuple]], stage: Stage, errors: RowErrors
) -> None:
    staged = validator.rows(chunk)
    if not errors:  # after the first bad row nothing more is staged: the import is refused anyway
        stage.write_many(staged)


def _batch_for(*, batch_id: int | None, kind: str, name: str, sha256: str, user) -> ImportBatch:
    if batch_id is not None:
        return ImportBatch.objects.get(pk=batch_id)
    return ImportBatch.objects.create(
        kind=kind,
        file_name=name[:255],
        sha256=sha256,
        imported_by=user if user and user.pk else None,
        status=ImportBatch.Status.RUNNING,
    )


def _batch_done(batch: ImportBatch, *, result: ImportResult, rows: int) -> None:
    batch.status = ImportBatch.Status.DONE
    batch.finished_at = timezone.now()
    batch.rows_total = rows
    batch.rows_done = rows
    batch.rows_created = result.land_users_created
    batch.rows_updated = result.land_users_updated
    batch.rows_unchanged = result.land_users_unchanged
    batch.summary = result.summary()
    batch.save()
