"""Matching services: load a chunk of records in a constant number of queries, run the rules, write flags.

Writing is idempotent, upserting by (record, code, field):
- a finding whose values are unchanged keeps its flag, status and decisions;
- a finding whose values changed re-opens only that flag (a FlagDecision system note says why
  when it had been decided);
- a returned flag whose finding persists after the commune resubmitted is opened again;
- a finding that disappeared: an open flag nobody decided (no FlagDecision) is deleted; a flag with a
  decision history that is still open/returned is dismissed with a system FlagDecision note;
  closed flags (accepted/kept/dismissed) are left as decided.

Province-wide codes (ID_CONFLICT, DUPLICATE_RECORD, DUPLICATE_SCAN) are recomputed for the whole
group (one ID number, one plot key, one image hash) whenever any member record is matched, so the
partner records' flags stay right without re-matching them.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from collection.models import CollectedRecord, Scan
from collection.scans.qr import parse_cccd_qr
from landdata import normalize
from landdata.models import Certificate, FormerCommune, LandUser, Plot
from verification import bulk
from verification.matching import province, rules
from verification.matching.types import (
    PROVINCE_CODES,
    SEVERITY,
    CollectedPerson,
    EnrichmentFinding,
    FlagFinding,
    RecordValues,
    RegistryCertificate,
    RegistryOwner,
    RegistryPlot,
)
from verification.models import (
    OPEN_STATUSES,
    Enrichment,
    EnrichmentKind,
    Flag,
    FlagCode,
    FlagDecision,
    FlagStatus,
    MatchingChunk,
    MatchingRun,
)
from verification.outcomes import plot_keys_q, refresh_outcomes
from verification.selectors import records_needing_match, submitted_records

RECORD_FIELDS = (
    "id", "former_commune_id", "former_commune__commune_id", "sheet_key", "number_key", "plot_id",
    "holder_name", "holder_birth_year", "holder_birth_date", "holder_id_number", "holder_old_id_number",
    "co_holder_name", "co_holder_birth_year", "co_holder_birth_date", "co_holder_id_number",
    "co_holder_old_id_number", "certificate_serial", "certificate_book_number", "area_m2", "land_use",
    "actual_user_name", "certificate_status", "owner_far_away", "source", "matched_fingerprint",
)
FLAG_FIELDS = (
    "id", "record_id", "code", "field", "registry_value", "collected_value", "severity", "status",
    "similarity", "land_user_id", "version",
)
NOTE_REOPENED = "Đối soát lại: giá trị thay đổi, mở lại sai lệch."
NOTE_RESUBMITTED = "Xã đã gửi lại bản ghi, sai lệch vẫn còn: mở lại."
NOTE_GONE = "Đối soát lại: sai lệch không còn."
ID_SCAN_KINDS = {"id_front", "id_back"}
CO_ID_SCAN_KINDS = {"co_id_front", "co_id_back"}


@dataclass
class MatchSummary:
    records: int = 0
    matched: int = 0
    skipped: int = 0
    flags_created: int = 0
    flags_reopened: int = 0
    flags_closed: int = 0

    def __iadd__(self, other: MatchSummary) -> MatchSummary:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))
        return self


# --- Building the rules' inputs -------------------------------------------------------------


def _key(row: dict, prefix: str = "") -> tuple[str, str, str]:
    return (row[f"{prefix}former_commune_id"], row[f"{prefix}sheet_key"], row[f"{prefix}number_key"])


def _collected_person(row: dict, role: str) -> CollectedPerson:
    """The holder or co-holder of a record row: its columns are the role's name plus a suffix."""
    return CollectedPerson(
        role=role,
        name=row[f"{role}_name"],
        birth_year=row[f"{role}_birth_year"],
        birth_date=row[f"{role}_birth_date"],
        id_number=row[f"{role}_id_number"],
        old_id_number=row[f"{role}_old_id_number"],
    )


def record_values(row: dict, scans: Sequence[dict] = ()) -> RecordValues:
    """RecordValues from a `CollectedRecord.values(*RECORD_FIELDS)` row and its scans."""
    links = set()
    for scan in scans:
        qr = parse_cccd_qr(scan.get("qr_payload")) if scan.get("qr_payload") else None
        if qr and qr.old_id_number:
            links.add((qr.id_number, qr.old_id_number))
    co_holder = _collected_person(row, "co_holder") if (row["co_holder_name"] or "").strip() else None
    return RecordValues(
        record_id=row["id"],
        plot_key=_key(row),
        holder=_collected_person(row, "holder"),
        co_holder=co_holder,
        certificate_serial=row["certificate_serial"],
        certificate_book_number=row["certificate_book_number"],
        area_m2=row["area_m2"],
        land_use=row["land_use"],
        actual_user_name=row["actual_user_name"],
        certificate_status=row["certificate_status"],
        owner_far_away=row["owner_far_away"],
        id_links=frozenset(links),
    )


def _registry_plots(keys: set[tuple[str, str, str]]) -> dict[tuple[str, str, str], RegistryPlot]:
    """Registry plots with owners and certificates for many keys, in three queries."""
    if not keys:
        return {}
    plots = list(
        Plot.objects.filter(plot_keys_q(keys, model=Plot)).values(
            "id", "former_commune_id", "sheet_key", "number_key", "area_m2", "land_use"
        )
    )
    ids = [p["id"] for p in plots]
    owners: dict[int, list[RegistryOwner]] = defaultdict(list)
    for u in (
        LandUser.objects.filter(plot_id__in=ids)
        .order_by("id")
        .values("id", "plot_id", "full_name", "birth_year", "birth_date", "id_number", "former_id_number")
    ):
        owners[u["plot_id"]].append(
            RegistryOwner(
                land_user_id=u["id"],
                name=u["full_name"],
                birth_year=u["birth_year"],
                birth_date=u["birth_date"],
                id_number=u["id_number"],
                former_id_number=u["former_id_number"],
            )
        )
    certs: dict[int, list[RegistryCertificate]] = defaultdict(list)
    for c in Certificate.objects.filter(plot_id__in=ids).order_by("id").values("plot_id", "serial", "book_number"):
        certs[c["plot_id"]].append(RegistryCertificate(serial=c["serial"], book_number=c["book_number"]))
    return {
        _key(p): RegistryPlot(
            plot_id=p["id"],
            area_m2=p["area_m2"],
            land_use=p["land_use"],
            owners=tuple(owners[p["id"]]),
            certificates=tuple(certs[p["id"]]),
        )
        for p in plots
    }


def fingerprint(row: dict, scans: Sequence[dict], plot: RegistryPlot | None) -> str:
    """Hash of everything a record's own findings depend on: its values, its scans, its plot's registry rows.

    Used where the database is not PostgreSQL; on PostgreSQL `_state_sql` computes it in the database.
    """
    payload = {
        "r": {k: v for k, v in row.items() if k not in ("matched_fingerprint", "plot_id")},
        "s": sorted((s["kind"], s["sha256"], s.get("qr_payload") or "") for s in scans),
        "p": plot,
    }
    return hashlib.sha256(json.dumps(payload, default=str, sort_keys=True).encode()).hexdigest()


@dataclass(frozen=True)
class MatchState:
    """Whether a submitted record needs matching: its fingerprint now and when last matched."""

    id: int
    fingerprint: str
    matched: str
    resubmitted: bool  # has a returned flag: the commune sent it back
    stale: bool  # saved or given a scan since last matched


def _match_states(record_ids: Sequence[int]) -> list[MatchState]:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(_state_sql(), [list(record_ids)])
            return [MatchState(*row) for row in cursor.fetchall()]
    rows = list(
        CollectedRecord.objects.filter(id__in=record_ids, status=CollectedRecord.Status.SUBMITTED).values(*RECORD_FIELDS)
    )
    ids = [r["id"] for r in rows]
    scans: dict[int, list[dict]] = defaultdict(list)
    for scan in Scan.objects.filter(record_id__in=ids).values("record_id", "kind", "sha256", "qr_payload"):
        scans[scan["record_id"]].append(scan)
    registry = _registry_plots({_key(r) for r in rows})
    returned = set(Flag.objects.filter(record_id__in=ids, status=FlagStatus.RETURNED).values_list("record_id", flat=True))
    stale = set(records_needing_match().filter(id__in=ids).values_list("id", flat=True))
    return [
        MatchState(r["id"], fingerprint(r, scans[r["id"]], registry.get(_key(r))), r["matched_fingerprint"],
                   r["id"] in returned, r["id"] in stale)
        for r in rows
    ]


def _state_sql() -> str:
    """One query per chunk on PostgreSQL: the fingerprint (md5 of the record's values, its scans and its
    plot's registry rows) is computed by the database, so unchanged records cost no registry load."""
    q = connection.ops.quote_name
    rec, plot, user, cert, scan, flag, former = (
        q(m._meta.db_table) for m in (CollectedRecord, Plot, LandUser, Certificate, Scan, Flag, FormerCommune)
    )
    own = [
        CollectedRecord._meta.get_field(name).column
        for name in RECORD_FIELDS
        if name not in ("id", "plot_id", "matched_fingerprint", "former_commune__commune_id")
    ]
    values = ", ".join(f"coalesce(r.{q(col)}::text, '~')" for col in own)
    same_plot = "p.former_commune_id = r.former_commune_id AND p.sheet_key = r.sheet_key AND p.number_key = r.number_key"
    return f"""
        SELECT r.id,
          md5(concat_ws('|', {values}, fc.commune_id,
            coalesce(concat_ws(',', p.id, p.area_m2, p.land_use), '-'),
            coalesce((SELECT string_agg(concat_ws(',', u.id, u.full_name, coalesce(u.birth_year::text, '~'),
                                                  coalesce(u.birth_date::text, '~'), u.id_number, u.former_id_number),
                                        ';' ORDER BY u.id)
                      FROM {user} u WHERE u.plot_id = p.id), '-'),
            coalesce((SELECT string_agg(concat_ws(',', c.id, c.serial, c.book_number), ';' ORDER BY c.id)
                      FROM {cert} c WHERE c.plot_id = p.id), '-'),
            coalesce((SELECT string_agg(concat_ws(',', s.kind, s.sha256, s.qr_payload), ';'
                                        ORDER BY s.kind, s.sha256, s.qr_payload)
                      FROM {scan} s WHERE s.record_id = r.id), '-')
          )),
          r.matched_fingerprint,
          EXISTS (SELECT 1 FROM {flag} f WHERE f.record_id = r.id AND f.status = 'returned'),
          (r.matched_at IS NULL OR r.updated_at > r.matched_at OR EXISTS (
              SELECT 1 FROM {scan} s WHERE s.record_id = r.id
              AND (s.uploaded_at > r.matched_at OR s.processed_at > r.matched_at)))
        FROM {rec} r
        JOIN {former} fc ON fc.code = r.former_commune_id
        LEFT JOIN {plot} p ON {same_plot}
        WHERE r.id = ANY(%s) AND r.status = 'submitted'
        ORDER BY r.id
    """


# --- The service ----------------------------------------------------------------------------


def records_match(*, record_ids: Sequence[int]) -> MatchSummary:
    """Match a chunk of submitted records (drafts and returned records are ignored)."""
    with transaction.atomic():
        return _records_match(list(record_ids))


def match_record(*, record_id: int) -> MatchSummary:
    return records_match(record_ids=[record_id])


def _records_match(record_ids: list[int]) -> MatchSummary:
    summary = MatchSummary()
    # Taken before reading: a save racing with this match looks newer than it, so the sweep re-queues it.
    started = timezone.now()
    states = _match_states(record_ids)
    summary.records = len(states)
    dirty_set = {s.id for s in states if s.fingerprint != s.matched or s.resubmitted}
    prints = {s.id: s.fingerprint for s in states}
    stale = [s.id for s in states if s.id not in dirty_set and s.stale]
    summary.skipped = len(states) - len(dirty_set)
    if stale:
        # Saved or given a scan since, but nothing that matters changed: mark them as seen.
        CollectedRecord.objects.filter(id__in=stale).update(matched_at=started)
    if not dirty_set:
        return summary
    # Rows another matcher holds are skipped: that matcher writes them.
    dirty = list(
        CollectedRecord.objects.filter(id__in=sorted(dirty_set), status=CollectedRecord.Status.SUBMITTED)
        .select_for_update(skip_locked=True, of=("self",))
        .order_by("id")
        .values(*RECORD_FIELDS)
    )
    summary.matched = len(dirty)
    summary.skipped += len(dirty_set) - len(dirty)
    if not dirty:
        return summary
    scans_by_record: dict[int, list[dict]] = defaultdict(list)
    for scan in Scan.objects.filter(record_id__in=[r["id"] for r in dirty]).values(
        "record_id", "kind", "sha256", "qr_payload"
    ):
        scans_by_record[scan["record_id"]].append(scan)
    registry = _registry_plots({_key(r) for r in dirty})
    for row in dirty:
        plot = registry.get(_key(row))
        row["plot_id"] = plot.plot_id if plot else None

    dirty_ids = {r["id"] for r in dirty}
    values = {r["id"]: record_values(r, scans_by_record[r["id"]]) for r in dirty}
    row_by_id = {r["id"]: r for r in dirty}

    # Own findings of each dirty record.
    desired: dict[tuple[int, str, str], FlagFinding] = {}
    enrichments: dict[int, list[EnrichmentFinding]] = {}
    for rid, rv in values.items():
        found = rules.match_record(rv, registry.get(rv.plot_key))
        row = row_by_id[rid]
        if row["source"] == CollectedRecord.Source.FORM:
            kinds = frozenset(s["kind"] for s in scans_by_record[rid])
            for field in rules.missing_documents(certificate_status=rv.certificate_status, scan_kinds=kinds):
                found.flag(FlagCode.MISSING_DOCUMENTS, field, "", "")
        for f in found.flags:
            desired[(rid, f.code, f.field)] = f
        enrichments[rid] = found.enrichments

    existing = list(Flag.objects.filter(record_id__in=dirty_ids).values(*FLAG_FIELDS))

    # Province-wide groups touched by the dirty records (now or before).
    id_numbers = {
        normalize.clean_id(p.id_number) for rv in values.values() for p in rv.persons if p.id_number
    } | {f["collected_value"] for f in existing if f["code"] == FlagCode.ID_CONFLICT}
    id_numbers.discard("")
    dirty_keys = {rv.plot_key for rv in values.values()}
    shas = {s["sha256"] for rid in dirty_ids for s in scans_by_record[rid] if s["sha256"]} | {
        f["collected_value"] for f in existing if f["code"] == FlagCode.DUPLICATE_SCAN
    }
    candidate_q = plot_keys_q(dirty_keys, model=CollectedRecord)
    if id_numbers:
        candidate_q |= Q(holder_id_number__in=id_numbers) | Q(co_holder_id_number__in=id_numbers)
    candidates = {
        r["id"]: r
        for r in CollectedRecord.objects.filter(candidate_q, status=CollectedRecord.Status.SUBMITTED).values(
            *RECORD_FIELDS
        )
    }
    candidates.update(row_by_id)  # the dirty rows as just read
    cand_values = {rid: values.get(rid) or record_values(row) for rid, row in candidates.items()}
    registry_holders = (
        list(
            LandUser.objects.filter(id_number__in=id_numbers).values(
                "id", "full_name", "birth_year", "birth_date", "id_number",
                "plot__former_commune_id", "plot__sheet_key", "plot__number_key",
            )
        )
        if id_numbers
        else []
    )
    group_scans = (
        list(
            Scan.objects.filter(sha256__in=shas, record__status=CollectedRecord.Status.SUBMITTED).values(
                "record_id", "kind", "sha256",
                "record__former_commune_id", "record__sheet_key", "record__number_key",
                "record__former_commune__commune_id", "record__plot_id",
            )
        )
        if shas
        else []
    )

    # ID_CONFLICT over the complete groups of these ID numbers.
    holders = [
        province.IdHolder(
            id_number=u["id_number"], name=u["full_name"],
            birth_year=u["birth_date"].year if u["birth_date"] else u["birth_year"], land_user_id=u["id"],
            plot_key=(u["plot__former_commune_id"], u["plot__sheet_key"], u["plot__number_key"]),
        )
        for u in registry_holders
        if normalize.clean_id(u["id_number"]) in id_numbers
    ]
    partner_id_fields: set[tuple[int, str]] = set()
    for rid, rv in cand_values.items():
        for person in rv.persons:
            number = normalize.clean_id(person.id_number)
            if number in id_numbers:
                field = f"{person.role}_id_number"
                holders.append(
                    province.IdHolder(
                        id_number=number, name=person.name, birth_year=person.year, record_id=rid, field=field,
                        plot_key=rv.plot_key,
                    )
                )
                partner_id_fields.add((rid, field))
    conflicts = province.id_conflicts(holders)

    # DUPLICATE_RECORD over every submitted record of the dirty plot keys.
    key_members = [rv for rv in cand_values.values() if rv.plot_key in dirty_keys]
    duplicates = province.duplicate_records(key_members)
    partner_key_records = {rv.record_id for rv in key_members}

    # DUPLICATE_SCAN over every submitted record's scan with these hashes.
    scan_refs = [
        province.ScanRef(s["record_id"], _key(s, "record__"), s["kind"], s["sha256"]) for s in group_scans
    ]
    dup_scans = province.duplicate_scans(scan_refs)
    partner_scan_fields = {(s.record_id, s.kind) for s in scan_refs}

    province_findings: list[tuple[int, FlagFinding]] = [
        *((rid, f) for (rid, _), f in conflicts.items()),
        *duplicates.items(),
        *((rid, f) for (rid, _), f in dup_scans.items()),
    ]
    for rid, f in province_findings:
        desired[(rid, f.code, f.field)] = f

    def managed(rid: int, code: str, field: str) -> bool:
        if rid in dirty_ids:
            return True
        if code == FlagCode.ID_CONFLICT:
            return (rid, field) in partner_id_fields
        if code == FlagCode.DUPLICATE_RECORD:
            return rid in partner_key_records
        if code == FlagCode.DUPLICATE_SCAN:
            return (rid, field) in partner_scan_fields
        return False

    partner_ids = {rid for rid, _ in province_findings} | {rid for rid, _ in partner_id_fields}
    partner_ids |= partner_key_records | {rid for rid, _ in partner_scan_fields}
    partner_ids -= dirty_ids
    if partner_ids:
        existing += list(
            Flag.objects.filter(record_id__in=partner_ids, code__in=PROVINCE_CODES).values(*FLAG_FIELDS)
        )
    desired = {k: f for k, f in desired.items() if managed(*k)}

    # A CCCD recorded for someone else is not an enrichment.
    conflict_fields = {(rid, f.field) for rid, f in province_findings if f.code == FlagCode.ID_CONFLICT}
    for rid, items in enrichments.items():
        enrichments[rid] = [
            e for e in items if not (e.kind == EnrichmentKind.CCCD and (rid, e.field) in conflict_fields)
        ]

    rows_all = {
        s["record_id"]: {
            "former_commune_id": s["record__former_commune_id"],
            "former_commune__commune_id": s["record__former_commune__commune_id"],
            "plot_id": s["record__plot_id"],
            "sheet_key": s["record__sheet_key"],
            "number_key": s["record__number_key"],
        }
        for s in group_scans
    }
    rows_all.update(candidates)
    touched_records = _write_flags(
        desired=desired, existing=existing, managed=managed, rows=rows_all, dirty_ids=dirty_ids, summary=summary
    )
    _write_enrichments(enrichments=enrichments, conflict_fields=conflict_fields, dirty_ids=dirty_ids)

    now = started
    updates = []
    for row in dirty:
        plot = registry.get(_key(row))
        updates.append(
            CollectedRecord(
                id=row["id"],
                plot_id=plot.plot_id if plot else None,
                matched_fingerprint=prints[row["id"]],
                matched_at=now,
            )
        )
    bulk.bulk_set(CollectedRecord, updates, ["plot", "matched_fingerprint", "matched_at"])

    keys = dirty_keys | {_key(rows_all[rid]) for rid in touched_records if rid in rows_all}
    refresh_outcomes(plot_keys=keys)
    return summary


def _write_flags(*, desired, existing, managed, rows, dirty_ids, summary: MatchSummary) -> set[int]:
    """Upsert flags by (record, code, field); returns the records whose flags changed."""
    now = timezone.now()
    seen: set[tuple[int, str, str]] = set()
    to_update: list[Flag] = []
    to_delete: list[int] = []
    notes: list[FlagDecision] = []
    touched: set[int] = set()
    closing: list[dict] = []
    for flag in existing:
        key = (flag["record_id"], flag["code"], flag["field"])
        if key in seen or not managed(*key):
            continue
        seen.add(key)
        found = desired.get(key)
        status = flag["status"]
        if found is None:
            if status not in OPEN_STATUSES:
                continue  # decided and closed: the decision stands
            touched.add(flag["record_id"])
            summary.flags_closed += 1
            closing.append(flag)
            continue
        changed = (found.registry_value, found.collected_value) != (flag["registry_value"], flag["collected_value"])
        new_status = status
        note = ""
        if changed and status != FlagStatus.OPEN:
            new_status, note = FlagStatus.OPEN, NOTE_REOPENED
        elif status == FlagStatus.RETURNED and flag["record_id"] in dirty_ids:
            new_status, note = FlagStatus.OPEN, NOTE_RESUBMITTED
        quiet = (found.severity, found.similarity, found.land_user_id) != (
            flag["severity"], flag["similarity"], flag["land_user_id"]
        )
        if changed or new_status != status or quiet:
            touched.add(flag["record_id"])
            bump = changed or new_status != status
            to_update.append(_flag_update(flag, found=found, status=new_status, now=now, bump=bump))
            if note:
                summary.flags_reopened += 1
                notes.append(FlagDecision(flag_id=flag["id"], from_status=status, to_status=new_status, note=note))

    decided = (
        set(FlagDecision.objects.filter(flag_id__in=[f["id"] for f in closing]).values_list("flag_id", flat=True))
        if closing
        else set()
    )
    for flag in closing:
        if flag["status"] == FlagStatus.OPEN and flag["id"] not in decided:
            to_delete.append(flag["id"])
        else:
            to_update.append(_flag_update(flag, status=FlagStatus.DISMISSED, now=now))
            notes.append(
                FlagDecision(flag_id=flag["id"], from_status=flag["status"], to_status=FlagStatus.DISMISSED,
                             note=NOTE_GONE)
            )

    to_create = []
    for key, found in desired.items():
        if key in seen:
            continue
        row = rows[key[0]]
        touched.add(key[0])
        to_create.append(
            Flag(
                record_id=key[0],
                plot_id=row["plot_id"] if found.code != FlagCode.PLOT_NOT_IN_REGISTRY else None,
                former_commune_id=row["former_commune_id"],
                commune_id=row["former_commune__commune_id"],
                land_user_id=found.land_user_id,
                code=found.code,
                field=found.field,
                registry_value=found.registry_value,
                collected_value=found.collected_value,
                severity=SEVERITY[found.code],
                similarity=found.similarity,
            )
        )
    if to_delete:
        Flag.objects.filter(id__in=to_delete).delete()
    if to_update:
        to_update.sort(key=lambda f: f.id)
        bulk.bulk_set(
            Flag,
            to_update,
            ["registry_value", "collected_value", "severity", "similarity", "land_user", "status", "version",
             "updated_at"],
        )
    if to_create:
        # A concurrent matcher may have created the same partner flag: the first one stands.
        Flag.objects.bulk_create(to_create, batch_size=1000, ignore_conflicts=True)
        summary.flags_created += len(to_create)
    if notes:
        FlagDecision.objects.bulk_create(notes, batch_size=1000)
    return touched


def _flag_update(flag: dict, *, status: str, now, found: FlagFinding | None = None, bump: bool = True) -> Flag:
    return Flag(
        id=flag["id"],
        registry_value=found.registry_value if found else flag["registry_value"],
        collected_value=found.collected_value if found else flag["collected_value"],
        severity=found.severity if found else flag["severity"],
        similarity=found.similarity if found else flag["similarity"],
        land_user_id=found.land_user_id if found else flag["land_user_id"],
        status=status,
        version=flag["version"] + (1 if bump else 0),
        updated_at=now,
    )


def _write_enrichments(*, enrichments, conflict_fields, dirty_ids) -> None:
    Enrichment.objects.filter(record_id__in=dirty_ids).delete()
    partner_conflicts = [(rid, field) for rid, field in conflict_fields if rid not in dirty_ids]
    if partner_conflicts:
        q = Q(pk__in=[])
        for rid, field in partner_conflicts:
            q |= Q(record_id=rid, field=field)
        Enrichment.objects.filter(q, kind=EnrichmentKind.CCCD).delete()
    Enrichment.objects.bulk_create(
        [
            Enrichment(
                record_id=rid,
                land_user_id=e.land_user_id,
                kind=e.kind,
                field=e.field,
                registry_value=e.registry_value,
                collected_value=e.collected_value,
            )
            for rid, items in enrichments.items()
            for e in {(e.kind, e.field): e for e in items}.values()
        ],
        batch_size=1000,
    )


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

