"""Province-wide checks (ID_CONFLICT, DUPLICATE_RECORD, DUPLICATE_SCAN) over pre-fetched data. Pure."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from landdata import normalize
from landdata.normalize import names_agree
from verification.matching.types import FlagFinding, RecordValues
from verification.models import FlagCode


@dataclass(frozen=True)
class IdHolder:
    """Someone a valid ID number is recorded for: a registry land user (record_id None, land_user_id set) or
    a collected person (record_id and field set; compared_land_user_id: the owner the rules compare them
    with, whose differences are that plot's own flags)."""

    id_number: str
    name: str
    birth_year: int | None
    record_id: int | None = None
    field: str = ""
    land_user_id: int | None = None
    compared_land_user_id: int | None = None

    def describe(self) -> str:
        where = f"#{self.record_id}" if self.record_id else "sổ địa chính"
        return f"{self.name} ({self.birth_year or '?'}, {where})"


def _same_person(a: IdHolder, b: IdHolder) -> bool:
    if not names_agree(a.name, b.name):
        return False
    return a.birth_year is None or b.birth_year is None or a.birth_year == b.birth_year


def _compared_by_plot_rules(holder: IdHolder, other: IdHolder) -> bool:
    """The registered owner this collected person is compared with: a different name or year there is
    already an OWNER_NAME_MISMATCH or BIRTH_MISMATCH of that plot, not a second person using the number."""
    return (
        other.record_id is None
        and other.land_user_id is not None
        and other.land_user_id == holder.compared_land_user_id
    )


def id_conflicts(holders: Iterable[IdHolder]) -> dict[tuple[int, str], FlagFinding]:
    """ID_CONFLICT per (record, field): the record's ID number is recorded for a different person elsewhere."""
    groups: dict[str, list[IdHolder]] = defaultdict(list)
    for holder in holders:
        number = normalize.clean_id(holder.id_number)
        if number:
            groups[number].append(holder)
    found: dict[tuple[int, str], FlagFinding] = {}
    for number, members in groups.items():
        for holder in members:
            if holder.record_id is None:
                continue
            others = [
                o
                for o in members
                if o is not holder and not _same_person(holder, o) and not _compared_by_plot_rules(holder, o)
            ]
            if others:
                found[(holder.record_id, holder.field)] = FlagFinding(
                    FlagCode.ID_CONFLICT,
                    holder.field,
                    "; ".join(sorted({o.describe() for o in others}))[:300],
                    number,
                    land_user_id=holder.compared_land_user_id,
                )
    return found


def record_signature(record: RecordValues) -> dict[str, object]:
    """What two records of one plot must agree on (§4.1): holder, co-holder, ID numbers, birth years,
    certificate, area and land use, normalised."""
    sig: dict[str, object] = {}
    for person, role in ((record.holder, "holder"), (record.co_holder, "co_holder")):
        sig[f"{role}_name"] = normalize.name_key(person.name) if person else ""
        sig[f"{role}_birth"] = person.year if person else None
        sig[f"{role}_id_number"] = normalize.clean_id(person.id_number) if person else ""
        sig[f"{role}_old_id_number"] = normalize.clean_id(person.old_id_number) if person else ""
    sig["certificate_serial"] = normalize.certificate_key(record.certificate_serial)
    sig["certificate_book_number"] = normalize.certificate_key(record.certificate_book_number)
    sig["area_m2"] = record.area_m2.normalize() if record.area_m2 is not None else None
    sig["land_use"] = normalize.parse_land_use(record.land_use)
    return sig


def _display(value: object) -> str:
    if isinstance(value, frozenset):
        return normalize.format_land_use(value)
    if hasattr(value, "strftime"):
        return value.strftime("%d/%m/%Y")
    return "" if value is None else str(value)


def duplicate_records(records: Iterable[RecordValues]) -> dict[int, FlagFinding]:
    """DUPLICATE_RECORD per record: another submitted record of the same plot key disagrees."""
    by_key: dict[tuple[str, str, str], list[RecordValues]] = defaultdict(list)
    for record in records:
        by_key[record.plot_key].append(record)
    found: dict[int, FlagFinding] = {}
    for members in by_key.values():
        if len(members) < 2:
            continue
        sigs = {r.record_id: record_signature(r) for r in members}
        for record in members:
            mine = sigs[record.record_id]
            differing: set[str] = set()
            others_desc = []
            for other in members:
                if other.record_id == record.record_id:
                    continue
                diff = sorted(k for k, v in mine.items() if sigs[other.record_id][k] != v)
                if diff:
                    differing.update(diff)
                    others_desc.append(
                        f"#{other.record_id}: " + ", ".join(f"{k}={_display(sigs[other.record_id][k])}" for k in diff)
                    )
            if differing:
                fields = sorted(differing)
                found[record.record_id] = FlagFinding(
                    FlagCode.DUPLICATE_RECORD,
                    ",".join(fields)[:64],
                    "; ".join(others_desc)[:300],
                    ", ".join(f"{k}={_display(mine[k])}" for k in fields)[:300],
                )
    return found


@dataclass(frozen=True)
class ScanRef:
    record_id: int
    plot_key: tuple[str, str, str]
    kind: str
    sha256: str


def duplicate_scans(scans: Iterable[ScanRef]) -> dict[tuple[int, str], FlagFinding]:
    """DUPLICATE_SCAN per (record, scan kind): the same image content is attached to another plot."""
    by_sha: dict[str, list[ScanRef]] = defaultdict(list)
    for scan in scans:
        if scan.sha256:
            by_sha[scan.sha256].append(scan)
    found: dict[tuple[int, str], FlagFinding] = {}
    for sha, members in by_sha.items():
        for scan in members:
            other_keys = sorted({"/".join(o.plot_key) for o in members if o.plot_key != scan.plot_key})
            if other_keys:
                found[(scan.record_id, scan.kind)] = FlagFinding(
                    FlagCode.DUPLICATE_SCAN, scan.kind, "; ".join(other_keys)[:300], sha
                )
    return found
