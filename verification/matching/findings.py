"""Matching, step 2: the findings the rules produce for a loaded chunk. Pure: no queries, no writes.

Each record matched now gets its own findings (`rules.findings_for_record`: the record against its
plot's registry rows); the province-wide codes are recomputed over the chunk's complete groups, for
every member of a group, so that a partner record's ID_CONFLICT, DUPLICATE_RECORD or DUPLICATE_SCAN
comes and goes with the record that changed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from landdata import normalize
from verification.matching import province, rules
from verification.matching.load import Chunk
from verification.matching.types import EnrichmentFinding, FlagFinding
from verification.models import EnrichmentKind, FlagCode

FlagKey = tuple[int, str, str]  # (record id, code, field)


@dataclass(frozen=True)
class Managed:
    """Which flags a chunk decides: every flag of the records matched now, and the province-wide flags
    of the partner records in the chunk's groups (the flags of their own plot stay as they are)."""

    records: frozenset[int]
    id_fields: frozenset[tuple[int, str]] = frozenset()  # (record, "holder_id_number"): in an ID group
    key_records: frozenset[int] = frozenset()  # records of the chunk's plot keys
    scan_fields: frozenset[tuple[int, str]] = frozenset()  # (record, scan kind): in an image-hash group

    def covers(self, record_id: int, code: str, field_name: str) -> bool:
        if record_id in self.records:
            return True
        if code == FlagCode.ID_CONFLICT:
            return (record_id, field_name) in self.id_fields
        if code == FlagCode.DUPLICATE_RECORD:
            return record_id in self.key_records
        if code == FlagCode.DUPLICATE_SCAN:
            return (record_id, field_name) in self.scan_fields
        return False


@dataclass
class ChunkFindings:
    flags: dict[FlagKey, FlagFinding] = field(default_factory=dict)
    enrichments: dict[int, list[EnrichmentFinding]] = field(default_factory=dict)
    # (record, field) whose ID number is recorded for someone else: that CCCD is no enrichment.
    conflict_fields: set[tuple[int, str]] = field(default_factory=set)
    # The CCCD enrichments of the partner records in the chunk's ID groups, on their managed fields.
    partner_cccd: dict[int, list[EnrichmentFinding]] = field(default_factory=dict)
    managed: Managed = field(default_factory=lambda: Managed(frozenset()))


def id_holders(chunk: Chunk) -> list[province.IdHolder]:
    """Everyone a valid ID number of the chunk's groups is recorded for: the registered owners, and each
    collected person with the owner the rules compare them with (whose differences are not a conflict)."""
    holders = list(chunk.registry_id_holders)
    for rid, values in chunk.id_records.items():
        for comparison in rules.comparisons(values, chunk.registry.get(values.plot_key)):
            person = comparison.person
            number = normalize.clean_id(person.id_number)
            if number in chunk.id_numbers and rules.id_number_is_usable(comparison):
                holders.append(
                    province.IdHolder(
                        id_number=number,
                        name=person.name,
                        birth_year=person.year,
                        record_id=rid,
                        field=f"{person.role}_id_number",
                        compared_land_user_id=comparison.owner.land_user_id if comparison.owner else None,
                    )
                )
    return holders


def chunk_findings(chunk: Chunk) -> ChunkFindings:
    out = ChunkFindings()
    for rid, values in chunk.records.items():
        found = rules.findings_for_record(
            values,
            chunk.registry.get(values.plot_key),
            scan_kinds=chunk.scan_kinds.get(rid, frozenset()),
            source=chunk.sources[rid],
        )
        for finding in found.flags:
            out.flags[(rid, finding.code, finding.field)] = finding
        out.enrichments[rid] = found.enrichments

    province_findings: list[tuple[int, FlagFinding]] = [
        *((rid, f) for (rid, _), f in province.id_conflicts(id_holders(chunk)).items()),
        *province.duplicate_records(chunk.key_members).items(),
        *((rid, f) for (rid, _), f in province.duplicate_scans(chunk.scan_refs).items()),
    ]
    for rid, finding in province_findings:
        out.flags[(rid, finding.code, finding.field)] = finding

    out.managed = Managed(
        records=frozenset(chunk.records),
        id_fields=frozenset(
            (rid, f"{p.role}_id_number")
            for rid, rv in chunk.id_records.items()
            for p in rv.persons
            if normalize.clean_id(p.id_number) in chunk.id_numbers
        ),
        key_records=frozenset(rv.record_id for rv in chunk.key_members),
        scan_fields=frozenset((s.record_id, s.kind) for s in chunk.scan_refs),
    )
    out.flags = {key: f for key, f in out.flags.items() if out.managed.covers(*key)}

    out.conflict_fields = {(rid, f.field) for (rid, code, _), f in out.flags.items() if code == FlagCode.ID_CONFLICT}
    for rid, items in out.enrichments.items():
        out.enrichments[rid] = [
            e for e in items if not (e.kind == EnrichmentKind.CCCD and (rid, e.field) in out.conflict_fields)
        ]
    # A partner's CCCD enrichment depends on its ID_CONFLICT, which the chunk decides: it is decided too.
    for rid, values in chunk.id_records.items():
        if rid in chunk.records:
            continue
        out.partner_cccd[rid] = [
            e
            for e in rules.match_record(values, chunk.registry.get(values.plot_key)).enrichments
            if e.kind == EnrichmentKind.CCCD
            and (rid, e.field) in out.managed.id_fields
            and (rid, e.field) not in out.conflict_fields
        ]
    return out
