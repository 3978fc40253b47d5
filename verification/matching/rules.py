"""Contract §4 and §4.1: one collected record against the registry rows of its plot. Pure functions.

The worker (`findings.chunk_findings`) and the live check at the door call the same
`findings_for_record`; nothing else decides a finding about one record.

Each collected person (holder, co-holder) is first paired with the registered owner they are compared
with (`compared_owner`): the owner whose name equals theirs, else the one whose name is theirs without
diacritics; where no name matches, the only owner of a one-owner plot (for the holder), or on a shared
plot the owner whose ID number equals theirs. Every field of the person is then compared with that
owner, and only with them.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from rapidfuzz import fuzz

from collection.models import (
    CERTIFICATE_SCAN_KINDS,
    EXPLAINS_NO_CERTIFICATE_IMAGE,
    ID_HOLDER_SCAN_KINDS,
    CertificateStatus,
    CollectedRecord,
)
from landdata import normalize
from landdata.normalize import IdKind, name_only_lacks_diacritics, names_agree, names_equal
from verification.matching.types import (
    CollectedPerson,
    Findings,
    RecordValues,
    RegistryOwner,
    RegistryPlot,
)
from verification.models import EnrichmentKind, FlagCode

HELD = CertificateStatus.HELD
# Records sent through the portal (web form, API, a citizen's link): only those must carry their photos.
PORTAL_SOURCES = frozenset({CollectedRecord.Source.FORM, CollectedRecord.Source.CITIZEN})

__all__ = ["names_agree", "names_equal", "name_only_lacks_diacritics"]  # the §1 name rule, re-exported


def name_similarity(a: str, b: str) -> float:
    """0..1 for the reviewer: the lower of the folded full-name and the given-name scores.

    Vietnamese names share family and middle names, so "Nguyễn Văn Bình" vs "Nguyễn Văn Minh"
    scores 0.75 (given names), not 0.93 (full names).
    """
    fa, fb = normalize.name_folded(a), normalize.name_folded(b)
    if not fa or not fb:
        return 0.0
    full = fuzz.ratio(fa, fb)
    given = fuzz.ratio(fa.split(" ")[-1], fb.split(" ")[-1])
    return round(min(full, given) / 100, 3)


# --- which owner a person is compared with (§4.1) ---------------------------------------------

BY_NAME = "name"
BY_FOLDED_NAME = "folded_name"  # the registry wrote the name without diacritics
BY_ONLY_OWNER = "only_owner"  # a one-owner plot: the holder is compared with that owner whatever the name
BY_ID_NUMBER = "id_number"  # a shared plot: the owner with the person's ID number


@dataclass(frozen=True)
class Comparison:
    person: CollectedPerson
    owner: RegistryOwner | None  # None: compared with nobody
    by: str = ""

    @property
    def name_agrees(self) -> bool:
        return self.by in (BY_NAME, BY_FOLDED_NAME)


def compared_owner(person: CollectedPerson, plot: RegistryPlot | None) -> Comparison:
    owners = plot.owners if plot else ()
    for owner in owners:
        if names_equal(person.name, owner.name):
            return Comparison(person, owner, BY_NAME)
    for owner in owners:
        if name_only_lacks_diacritics(person.name, owner.name):
            return Comparison(person, owner, BY_FOLDED_NAME)
    if len(owners) == 1:
        # A co-holder who is not the one registered owner is new to the registry (an enrichment).
        return Comparison(person, owners[0], BY_ONLY_OWNER) if person.role == "holder" else Comparison(person, None)
    number = normalize.clean_id(person.id_number)
    for owner in owners:
        if number and normalize.clean_id(owner.id_number) == number:
            return Comparison(person, owner, BY_ID_NUMBER)
    return Comparison(person, None)


def comparisons(record: RecordValues, plot: RegistryPlot | None) -> list[Comparison]:
    """The record's named people, each with the owner they are compared with (none off the registry)."""
    return [compared_owner(p, plot) for p in record.persons if p.name.strip()]


# --- IDs --------------------------------------------------------------------------------------


def id_problem(number: str, *, birth_year: int | None) -> str | None:
    """Why a collected ID is invalid (contract §1), or None when it is a valid CMND/CCCD or empty."""
    kind = normalize.classify_id(number)
    if kind is IdKind.INVALID:
        return "invalid"
    if kind is IdKind.CCCD and birth_year is not None:
        if normalize.classify_id(number, birth_year=birth_year) is IdKind.INVALID:
            return "year"
    return None


def validity_year(comparison: Comparison) -> int | None:
    """The birth year a CCCD's digits are checked against: the person's, else the compared owner's (§4.1)."""
    if comparison.person.year is not None:
        return comparison.person.year
    return comparison.owner.year if comparison.owner else None


def id_number_is_usable(comparison: Comparison) -> bool:
    """A valid ID number for this person: the number an ID_CONFLICT or a comparison may use."""
    number = normalize.clean_id(comparison.person.id_number)
    return bool(number) and id_problem(number, birth_year=validity_year(comparison)) is None


def _check_id_validity(comparison: Comparison, out: Findings) -> bool:
    """ID_INVALID for each collected number of the person; whether the current number may be compared."""
    person = comparison.person
    usable = True
    for suffix, raw in (("id_number", person.id_number), ("old_id_number", person.old_id_number)):
        number = normalize.clean_id(raw)
        if not number:
            continue
        problem = id_problem(number, birth_year=validity_year(comparison))
        if suffix == "old_id_number" and problem is None and normalize.classify_id(number) is not IdKind.CMND:
            problem = "invalid"  # the card it replaced is a 9-digit CMND
        if problem:
            land_user_id = comparison.owner.land_user_id if comparison.owner else None
            out.flag(FlagCode.ID_INVALID, f"{person.role}_{suffix}", "", number, land_user_id=land_user_id)
            usable = usable and suffix != "id_number"
    return usable


def _compare_ids(record: RecordValues, comparison: Comparison, out: Findings) -> None:
    person, owner = comparison.person, comparison.owner
    assert owner is not None
    field = f"{person.role}_id_number"
    collected = normalize.clean_id(person.id_number)
    registered = normalize.clean_id(owner.id_number)
    if not collected or collected == registered:
        return
    kind_c = normalize.classify_id(collected)
    kind_r = normalize.classify_id(registered)
    if kind_r is IdKind.EMPTY:
        if kind_c is IdKind.CCCD:
            out.enrich(EnrichmentKind.CCCD, field, "", collected, land_user_id=owner.land_user_id)
        return
    if kind_r is IdKind.CMND and kind_c is IdKind.CCCD:
        old = normalize.clean_id(person.old_id_number)
        if old == registered or (collected, registered) in record.id_links:
            out.enrich(EnrichmentKind.CCCD, field, registered, collected, land_user_id=owner.land_user_id)
            return
        # No old number links them: an enrichment only when name and birth year agree.
        collected_year = person.year or normalize.cccd_birth_year(collected)
        if comparison.name_agrees and owner.year is not None and collected_year == owner.year:
            out.enrich(EnrichmentKind.CCCD, field, registered, collected, land_user_id=owner.land_user_id)
            return
    if kind_r is IdKind.CCCD and kind_c is IdKind.CMND and normalize.clean_id(owner.former_id_number) == collected:
        return  # the registry already holds the newer card; the collected one is its predecessor
    out.flag(FlagCode.ID_NUMBER_MISMATCH, field, registered, collected, land_user_id=owner.land_user_id)


def _compare_birth(comparison: Comparison, out: Findings) -> None:
    person, owner = comparison.person, comparison.owner
    assert owner is not None
    field = f"{person.role}_birth"
    if person.year is None:
        return
    if owner.year is not None and person.year != owner.year:
        out.flag(
            FlagCode.BIRTH_MISMATCH,
            field,
            owner.birth_date or owner.year,
            person.birth_date or person.year,
            land_user_id=owner.land_user_id,
        )
        return
    if person.birth_date and not owner.birth_date:
        out.enrich(
            EnrichmentKind.BIRTH_DATE, field, owner.year or "", person.birth_date, land_user_id=owner.land_user_id
        )


def _compare_name(comparison: Comparison, plot: RegistryPlot, out: Findings) -> None:
    person, owner = comparison.person, comparison.owner
    if comparison.by == BY_NAME:
        return
    if comparison.by == BY_FOLDED_NAME:
        assert owner is not None
        out.enrich(
            EnrichmentKind.DIACRITICS, f"{person.role}_name", owner.name, person.name, land_user_id=owner.land_user_id
        )
        return
    if person.role == "co_holder" and len(plot.owners) == 1:
        out.enrich(EnrichmentKind.CO_HOLDER, "co_holder_name", "", person.name)
        return
    shown = owner or max(plot.owners, key=lambda o: name_similarity(person.name, o.name), default=None)
    out.flag(
        FlagCode.OWNER_NAME_MISMATCH,
        f"{person.role}_name",
        shown.name if shown else "",
        person.name,
        similarity=name_similarity(person.name, shown.name) if shown else 0.0,
        land_user_id=owner.land_user_id if owner else None,
    )


# --- the record against its plot ---------------------------------------------------------------


def check_status(record: RecordValues, out: Findings) -> None:
    if record.certificate_status != HELD or record.owner_far_away:
        value = record.certificate_status if record.certificate_status != HELD else ""
        if record.owner_far_away:
            value = f"{value}+owner_far_away" if value else "owner_far_away"
        out.flag(FlagCode.CERTIFICATE_STATUS, "certificate_status", HELD, value)


def _is_holder(name: str, record: RecordValues, plot: RegistryPlot | None) -> bool:
    people = [p.name for p in record.persons] + [o.name for o in (plot.owners if plot else ())]
    return any(names_agree(name, other) for other in people)


def _check_actual_user(record: RecordValues, plot: RegistryPlot | None, out: Findings) -> None:
    """An actual user who is not a holder of the certificate: USER_NOT_HOLDER; equal to one adds nothing."""
    if record.actual_user_name.strip() and not _is_holder(record.actual_user_name, record, plot):
        out.flag(FlagCode.USER_NOT_HOLDER, "actual_user_name", record.holder.name, record.actual_user_name)
        out.enrich(EnrichmentKind.ACTUAL_USER, "actual_user_name", "", record.actual_user_name)


def _check_certificate(record: RecordValues, plot: RegistryPlot, out: Findings) -> None:
    for field, value, attr in (
        ("certificate_serial", record.certificate_serial, "serial"),
        ("certificate_book_number", record.certificate_book_number, "book_number"),
    ):
        key = normalize.certificate_key(value)
        registered = [getattr(c, attr) for c in plot.certificates if normalize.certificate_key(getattr(c, attr))]
        if key and registered and key not in {normalize.certificate_key(r) for r in registered}:
            out.flag(FlagCode.CERTIFICATE_MISMATCH, field, "; ".join(registered), value)


def _check_area_and_land_use(record: RecordValues, plot: RegistryPlot, out: Findings) -> None:
    if record.area_m2 is not None and plot.area_m2 is not None:
        tolerance = max(Decimal(1), abs(plot.area_m2) / 100)
        if abs(record.area_m2 - plot.area_m2) > tolerance:
            out.flag(FlagCode.AREA_MISMATCH, "area_m2", _area(plot.area_m2), _area(record.area_m2))
    collected_uses = normalize.parse_land_use(record.land_use)
    registered_uses = normalize.parse_land_use(plot.land_use)
    if collected_uses and registered_uses and collected_uses != registered_uses:
        out.flag(
            FlagCode.LAND_USE_MISMATCH,
            "land_use",
            normalize.format_land_use(registered_uses),
            normalize.format_land_use(collected_uses),
        )


def match_record(record: RecordValues, plot: RegistryPlot | None) -> Findings:
    """Flags and enrichments of one record against its plot's registry rows (None: not in the extract)."""
    out = Findings()
    check_status(record, out)
    for comparison in comparisons(record, plot):
        usable = _check_id_validity(comparison, out)
        if plot is None:
            continue
        _compare_name(comparison, plot, out)
        if comparison.owner is not None:
            if usable:
                _compare_ids(record, comparison, out)
            _compare_birth(comparison, out)
    if plot is None:
        out.flag(FlagCode.PLOT_NOT_IN_REGISTRY, "plot_key", "", "/".join(record.plot_key))
    else:
        _check_certificate(record, plot, out)
        _check_area_and_land_use(record, plot, out)
    _check_actual_user(record, plot, out)
    return out


def _area(value: Decimal) -> str:
    return f"{value.normalize():f}"


def missing_documents(*, certificate_status: str, scan_kinds: frozenset[str]) -> list[str]:
    """Fields of MISSING_DOCUMENTS for a portal record: a missing certificate photo unless the
    certificate is lost or not issued, and a missing ID card photo (front or back)."""
    missing = []
    if not scan_kinds & CERTIFICATE_SCAN_KINDS and certificate_status not in EXPLAINS_NO_CERTIFICATE_IMAGE:
        missing.append("certificate_image")
    if not scan_kinds & ID_HOLDER_SCAN_KINDS:
        missing.append("id_image")
    return missing


def findings_for_record(
    record: RecordValues, plot: RegistryPlot | None, *, scan_kinds: frozenset[str], source: str
) -> Findings:
    """Everything one record says against its plot: the worker and the live check call this alone."""
    found = match_record(record, plot)
    if source in PORTAL_SOURCES:
        for field in missing_documents(certificate_status=record.certificate_status, scan_kinds=scan_kinds):
            found.flag(FlagCode.MISSING_DOCUMENTS, field, "", "")
    return found
