"""Matching, step 1: every query a chunk of records needs, answered as plain typed data.

Nothing here decides a finding; it only reads what the rules (`rules`, `province`) and the flag
lifecycle (`reconcile`) will look at, in a number of queries that does not grow with the chunk:
- which submitted records changed since they were last matched (a fingerprint computed by the
  database on PostgreSQL, so an unchanged record costs no registry load);
- the changed records themselves, locked for the transaction, with their scans and registry plots;
- the province-wide groups they belong to (one ID number, one plot key, one image hash), complete,
  so that the partner records' flags stay right without matching those again;
- the flags that exist for all of them, and which of those have a decision history.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

from django.db import connection

from collection.models import CollectedRecord, Scan
from collection.scans.qr import parse_cccd_qr
from landdata import normalize
from landdata.models import Certificate, FormerCommune, LandUser, Plot
from verification.bulk import pg_array, plot_keys_q
from verification.matching.province import IdHolder, ScanRef
from verification.matching.types import (
    PROVINCE_CODES,
    CollectedPerson,
    PlotKey,
    RecordValues,
    RegistryCertificate,
    RegistryOwner,
    RegistryPlot,
)
from verification.models import Flag, FlagCode, FlagDecision, FlagStatus
from verification.selectors import records_needing_match

# An ID number that can be "recorded for a person" (ID_CONFLICT): a well-formed CMND or CCCD.
VALID_KINDS = (normalize.IdKind.CMND, normalize.IdKind.CCCD)

RECORD_FIELDS = (
    "id",
    "former_commune_id",
    "former_commune__commune_id",
    "sheet_key",
    "number_key",
    "plot_id",
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
    "source",
    "matched_fingerprint",
)
FLAG_FIELDS = (
    "id",
    "record_id",
    "code",
    "field",
    "registry_value",
    "collected_value",
    "severity",
    "status",
    "similarity",
    "land_user_id",
    "version",
)
SCAN_FIELDS = ("record_id", "kind", "sha256", "qr_payload")


@dataclass(frozen=True)
class MatchState:
    """Whether a submitted record needs matching: its fingerprint now and when last matched."""

    id: int
    fingerprint: str
    matched: str
    resubmitted: bool  # has a returned flag: the commune sent it back
    stale: bool  # saved or given a scan since last matched

    @property
    def dirty(self) -> bool:
        return self.fingerprint != self.matched or self.resubmitted


@dataclass(frozen=True)
class RecordPlace:
    """Where a record's flags are filed: its plot key, its unit, and its registry plot (None: not in the extract)."""

    former_commune_id: str
    commune_id: str
    sheet_key: str
    number_key: str
    plot_id: int | None

    @property
    def key(self) -> PlotKey:
        return (self.former_commune_id, self.sheet_key, self.number_key)


@dataclass(frozen=True)
class FlagRow:
    """A flag as it exists, with whether anyone ever decided it (a FlagDecision row)."""

    id: int
    record_id: int
    code: str
    field: str
    registry_value: str
    collected_value: str
    severity: str
    status: str
    similarity: float | None
    land_user_id: int | None
    version: int
    decided: bool = False

    @property
    def key(self) -> tuple[int, str, str]:
        return (self.record_id, self.code, self.field)


@dataclass
class Chunk:
    """Everything matching a chunk reads; the rules and the lifecycle are computed from it alone."""

    started: dt.datetime
    states: list[MatchState]
    # Submitted records saved (or given a scan) since matched whose content did not change: only seen.
    unchanged_seen: list[int] = field(default_factory=list)
    # The records matched now (changed, and not locked by another matcher), by id.
    records: dict[int, RecordValues] = field(default_factory=dict)
    sources: dict[int, str] = field(default_factory=dict)
    scan_kinds: dict[int, frozenset[str]] = field(default_factory=dict)
    registry: dict[PlotKey, RegistryPlot] = field(default_factory=dict)
    # Where the flags of every record involved (matched now or partner) are filed.
    places: dict[int, RecordPlace] = field(default_factory=dict)
    # Province-wide groups of the records matched now, complete: the ID numbers they touch (now or
    # before), every submitted record with one of them (whose plots are in `registry` too, so that the
    # rules can tell whom each person is compared with) and every registered owner with one of them.
    id_numbers: set[str] = field(default_factory=set)
    id_records: dict[int, RecordValues] = field(default_factory=dict)
    registry_id_holders: list[IdHolder] = field(default_factory=list)
    key_members: list[RecordValues] = field(default_factory=list)
    scan_refs: list[ScanRef] = field(default_factory=list)
    flags: list[FlagRow] = field(default_factory=list)

    @property
    def fingerprints(self) -> dict[int, str]:
        return {s.id: s.fingerprint for s in self.states}

    @property
    def skipped(self) -> int:
        return len(self.states) - len(self.records)


# --- record values -------------------------------------------------------------------------


def _key(row: dict, prefix: str = "") -> PlotKey:
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


def _place(row: dict, prefix: str = "") -> RecordPlace:
    return RecordPlace(
        former_commune_id=row[f"{prefix}former_commune_id"],
        commune_id=row[f"{prefix}former_commune__commune_id"],
        sheet_key=row[f"{prefix}sheet_key"],
        number_key=row[f"{prefix}number_key"],
        plot_id=row[f"{prefix}plot_id"],
    )


def registry_plots(keys: Iterable[PlotKey]) -> dict[PlotKey, RegistryPlot]:
    """Registry plots with owners and certificates for many keys, in three queries."""
    keys = set(keys)
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
        LandUser.objects.filter(plot_id__any=ids)
        .order_by("id")
        .values("id", "plot_id", "full_name", "birth_year", "birth_date", "id_number", "former_id_number", "id_kind")
    ):
        owners[u["plot_id"]].append(
            RegistryOwner(
                land_user_id=u["id"],
                name=u["full_name"],
                birth_year=u["birth_year"],
                birth_date=u["birth_date"],
                id_number=u["id_number"],
                former_id_number=u["former_id_number"],
                id_kind=u["id_kind"],
            )
        )
    certs: dict[int, list[RegistryCertificate]] = defaultdict(list)
    for c in Certificate.objects.filter(plot_id__any=ids).order_by("id").values("plot_id", "serial", "book_number"):
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


# --- which records need matching -------------------------------------------------------------


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


def match_states(record_ids: Sequence[int]) -> list[MatchState]:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(_state_sql(), [pg_array(record_ids)])
            return [MatchState(*row) for row in cursor.fetchall()]
    rows = list(
        CollectedRecord.objects.filter(id__any=record_ids, status=CollectedRecord.Status.SUBMITTED).values(
            *RECORD_FIELDS
        )
    )
    ids = [r["id"] for r in rows]
    scans: dict[int, list[dict]] = defaultdict(list)
    for scan in Scan.objects.filter(record_id__any=ids).values(*SCAN_FIELDS):
        scans[scan["record_id"]].append(scan)
    registry = registry_plots({_key(r) for r in rows})
    returned = set(
        Flag.objects.filter(record_id__any=ids, status=FlagStatus.RETURNED).values_list("record_id", flat=True)
    )
    stale = set(records_needing_match().filter(id__any=ids).values_list("id", flat=True))
    return [
        MatchState(
            r["id"],
            fingerprint(r, scans[r["id"]], registry.get(_key(r))),
            r["matched_fingerprint"],
            r["id"] in returned,
            r["id"] in stale,
        )
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
    same_plot = (
        "p.former_commune_id = r.former_commune_id AND p.sheet_key = r.sheet_key AND p.number_key = r.number_key"
    )
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
        WHERE r.id = ANY(%s::bigint[]) AND r.status = 'submitted'
        ORDER BY r.id
    """


# --- the chunk -------------------------------------------------------------------------------


def load_chunk(record_ids: Sequence[int], *, started: dt.datetime) -> Chunk:
    """Read what matching `record_ids` needs; call inside the transaction that will apply the plan.

    `started` is taken before reading: a save racing with this match looks newer than it, so the
    sweep queues the record again.
    """
    states = match_states(record_ids)
    chunk = Chunk(started=started, states=states)
    dirty_ids = sorted(s.id for s in states if s.dirty)
    chunk.unchanged_seen = [s.id for s in states if not s.dirty and s.stale]
    if not dirty_ids:
        return chunk
    # Rows another matcher holds are skipped: that matcher writes them.
    rows = list(
        CollectedRecord.objects.filter(id__any=dirty_ids, status=CollectedRecord.Status.SUBMITTED)
        .select_for_update(skip_locked=True, of=("self",))
        .order_by("id")
        .values(*RECORD_FIELDS)
    )
    if not rows:
        return chunk
    scans: dict[int, list[dict]] = defaultdict(list)
    for scan in Scan.objects.filter(record_id__any=[r["id"] for r in rows]).values(*SCAN_FIELDS):
        scans[scan["record_id"]].append(scan)
    chunk.registry = registry_plots({_key(r) for r in rows})
    for row in rows:
        plot = chunk.registry.get(_key(row))
        row["plot_id"] = plot.plot_id if plot else None  # the link matching writes back
        chunk.records[row["id"]] = record_values(row, scans[row["id"]])
        chunk.sources[row["id"]] = row["source"]
        chunk.scan_kinds[row["id"]] = frozenset(s["kind"] for s in scans[row["id"]])
        chunk.places[row["id"]] = _place(row)
    chunk.flags = _flags(Flag.objects.filter(record_id__any=list(chunk.records)))
    _load_province_groups(chunk, shas={s["sha256"] for items in scans.values() for s in items if s["sha256"]})
    return chunk


def _load_province_groups(chunk: Chunk, *, shas: set[str]) -> None:
    """The complete groups (ID number, plot key, image hash) of the chunk's records, now and before."""
    id_numbers = {
        normalize.clean_id(p.id_number) for rv in chunk.records.values() for p in rv.persons if p.id_number
    } | {f.collected_value for f in chunk.flags if f.code == FlagCode.ID_CONFLICT}
    id_numbers.discard("")
    shas |= {f.collected_value for f in chunk.flags if f.code == FlagCode.DUPLICATE_SCAN}
    keys = {rv.plot_key for rv in chunk.records.values()}

    candidate_q = plot_keys_q(keys, model=CollectedRecord, holder_id_number=id_numbers, co_holder_id_number=id_numbers)
    # The chunk's own records are read already: left out here, they are not read a second time.
    candidates = {
        r["id"]: r
        for r in CollectedRecord.objects.filter(candidate_q, status=CollectedRecord.Status.SUBMITTED)
        .exclude(id__any=list(chunk.records))
        .values(*RECORD_FIELDS)
    }
    values = {rid: record_values(row) for rid, row in candidates.items()} | chunk.records
    for rid, row in candidates.items():
        chunk.places[rid] = _place(row)

    chunk.id_numbers = id_numbers
    if id_numbers:
        for u in LandUser.objects.filter(id_number__any=id_numbers).values(
            "id", "full_name", "birth_year", "birth_date", "id_number"
        ):
            year = u["birth_date"].year if u["birth_date"] else u["birth_year"]
            number = normalize.clean_id(u["id_number"])
            if number in id_numbers and normalize.classify_id(number, birth_year=year) in VALID_KINDS:
                chunk.registry_id_holders.append(
                    IdHolder(
                        id_number=number,
                        name=u["full_name"],
                        birth_year=year,
                        land_user_id=u["id"],
                    )
                )
    chunk.id_records = {
        rid: rv for rid, rv in values.items() if any(normalize.clean_id(p.id_number) in id_numbers for p in rv.persons)
    }
    # A partner's CCCD enrichment comes and goes with its ID_CONFLICT: its rules need its QR links too.
    partner_scans: dict[int, list[dict]] = defaultdict(list)
    partner_ids = [rid for rid in chunk.id_records if rid not in chunk.records]
    for scan in Scan.objects.filter(record_id__any=partner_ids).values(*SCAN_FIELDS):
        partner_scans[scan["record_id"]].append(scan)
    for rid in partner_ids:
        chunk.id_records[rid] = record_values(candidates[rid], partner_scans[rid])
    # The rules tell whom each person of an ID group is compared with: their plots are needed too.
    chunk.registry.update(registry_plots({rv.plot_key for rv in chunk.id_records.values()} - set(chunk.registry)))
    chunk.key_members = [rv for rv in values.values() if rv.plot_key in keys]

    if shas:
        for s in Scan.objects.filter(sha256__any=shas, record__status=CollectedRecord.Status.SUBMITTED).values(
            "record_id",
            "kind",
            "sha256",
            "record__former_commune_id",
            "record__sheet_key",
            "record__number_key",
            "record__former_commune__commune_id",
            "record__plot_id",
        ):
            chunk.scan_refs.append(ScanRef(s["record_id"], _key(s, "record__"), s["kind"], s["sha256"]))
            chunk.places.setdefault(s["record_id"], _place(s, "record__"))

    partners = (
        set(chunk.id_records) | {rv.record_id for rv in chunk.key_members} | {s.record_id for s in chunk.scan_refs}
    ) - set(chunk.records)
    if partners:
        chunk.flags += _flags(Flag.objects.filter(record_id__any=partners, code__in=PROVINCE_CODES))
    _mark_decided(chunk.flags)


def _flags(queryset) -> list[FlagRow]:
    return [FlagRow(**row) for row in queryset.values(*FLAG_FIELDS)]


def _mark_decided(flags: list[FlagRow]) -> None:
    """Which still-open flags have a decision history (one query): a vanished finding dismisses those,
    and deletes the others."""
    open_ids = [f.id for f in flags if f.status in (FlagStatus.OPEN, FlagStatus.RETURNED)]
    decided = (
        set(FlagDecision.objects.filter(flag_id__any=open_ids).values_list("flag_id", flat=True)) if open_ids else set()
    )
    for i, flag in enumerate(flags):
        if flag.id in decided:
            flags[i] = replace(flag, decided=True)
