"""Contract §4: one collected record against the registry rows of its plot. Pure functions."""

from __future__ import annotations

from decimal import Decimal

from rapidfuzz import fuzz

from collection.models import CERTIFICATE_SCAN_KINDS, ID_HOLDER_SCAN_KINDS, CertificateStatus, CollectedRecord
from landdata import normalize
from landdata.normalize import IdKind
from verification.matching.types import (
    CollectedPerson,
    Findings,
    RecordValues,
    RegistryOwner,
    RegistryPlot,
)
from verification.models import EnrichmentKind, FlagCode

HELD = CertificateStatus.HELD
# Certificate statuses that explain a missing certificate photo (MISSING_DOCUMENTS).
EXPLAINS_NO_CERTIFICATE_IMAGE = frozenset({CertificateStatus.LOST, CertificateStatus.NOT_ISSUED})
# Records sent through the portal (web form, API): only those must carry their documents' photos.
PORTAL_SOURCES = frozenset({CollectedRecord.Source.FORM})


# --- Names ---------------------------------------------------------------------------


def names_equal(collected: str, registered: str) -> bool:
    """Same name under contract §1 (NFC, case, spaces, tone placement)."""
    return bool(collected.strip()) and normalize.name_key(collected) == normalize.name_key(registered)


def name_only_lacks_diacritics(collected: str, registered: str) -> bool:
    """The registry wrote the name without diacritics and it equals the collected one folded."""
    return (
        not normalize.has_diacritics(registered)
        and normalize.has_diacritics(collected)
        and normalize.name_folded(collected) == normalize.name_folded(registered)
    )


def names_agree(a: str, b: str) -> bool:
    """Same person's name: equal, or one side merely written without diacritics."""
    return names_equal(a, b) or name_only_lacks_diacritics(a, b) or name_only_lacks_diacritics(b, a)


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


# --- IDs --------------------------------------------------------------------------


def id_problem(number: str, *, birth_year: int | None) -> str | None:
    """Why a collected ID is invalid (contract §1), or None when it is a valid CMND/CCCD or empty."""
    kind = normalize.classify_id(number)
    if kind is IdKind.INVALID:
        return "invalid"
    if kind is IdKind.CCCD and birth_year is not None:
        if normalize.classify_id(number, birth_year=birth_year) is IdKind.INVALID:
            return "year"
    return None


def _match_owner(person: CollectedPerson, owners: tuple[RegistryOwner, ...]) -> tuple[RegistryOwner | None, bool]:
    """The registered owner this person is, and whether only diacritics were missing in the registry."""
    for owner in owners:
        if names_equal(person.name, owner.name):
            return owner, False
    for owner in owners:
        if name_only_lacks_diacritics(person.name, owner.name):
            return owner, True
    return None, False


def _compare_ids(record: RecordValues, person: CollectedPerson, owner: RegistryOwner, out: Findings) -> None:
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
        # No old number links them: an enrichment only when name (already matched) and birth year agree.
        collected_year = person.year or normalize.cccd_birth_year(collected)
        if owner.year is not None and collected_year == owner.year:
            out.enrich(EnrichmentKind.CCCD, field, registered, collected, land_user_id=owner.land_user_id)
            return
    if kind_r is IdKind.CCCD and kind_c is IdKind.CMND and normalize.clean_id(owner.former_id_number) == collected:
        return  # the registry already holds the newer card; the collected one is its predecessor
    out.flag(FlagCode.ID_NUMBER_MISMATCH, field, registered, collected, land_user_id=owner.land_user_id)


def _compare_birth(person: CollectedPerson, owner: RegistryOwner, out: Findings) -> None:
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


def _is_holder(name: str, record: RecordValues, owners: tuple[RegistryOwner, ...]) -> bool:
    people = [p.name for p in record.persons] + [o.name for o in owners]
    return any(names_agree(name, other) for other in people)


# --- The record against its plot ----------------------------------------------------


def check_id_validity(record: RecordValues, out: Findings) -> set[str]:
    """ID_INVALID for every collected ID number; returns the roles whose ID is unusable."""
    bad_roles = set()
    for person in record.persons:
        for suffix, number in (("id_number", person.id_number), ("old_id_number", person.old_id_number)):
            number = normalize.clean_id(number)
            if not number:
                continue
            problem = id_problem(number, birth_year=person.year)
            if suffix == "old_id_number" and problem is None and normalize.classify_id(number) is not IdKind.CMND:
                problem = "invalid"  # the card it replaced is a 9-digit CMND
            if problem:
                out.flag(FlagCode.ID_INVALID, f"{person.role}_{suffix}", "", number)
                if suffix == "id_number":
                    bad_roles.add(person.role)
    return bad_roles


def check_status(record: RecordValues, out: Findings) -> None:
    if record.certificate_status != HELD or record.owner_far_away:
        value = record.certificate_status if record.certificate_status != HELD else ""
        if record.owner_far_away:
            value = f"{value}+owner_far_away" if value else "owner_far_away"
        out.flag(FlagCode.CERTIFICATE_STATUS, "certificate_status", HELD, value)


def match_record(record: RecordValues, plot: RegistryPlot | None) -> Findings:
    """Flags and enrichments of one record against its plot's registry rows (None: not in the extract)."""
    out = Findings()
    bad_id_roles = check_id_validity(record, out)
    check_status(record, out)
    if plot is None:
        out.flag(FlagCode.PLOT_NOT_IN_REGISTRY, "plot_key", "", "/".join(record.plot_key))
        if record.actual_user_name and not _is_holder(record.actual_user_name, record, ()):
            out.flag(FlagCode.USER_NOT_HOLDER, "actual_user_name", record.holder.name, record.actual_user_name)
            out.enrich(EnrichmentKind.ACTUAL_USER, "actual_user_name", "", record.actual_user_name)
        return out

    matched: set[int] = set()
    for person in record.persons:
        if not person.name.strip():
            continue
        owner, diacritics_only = _match_owner(person, plot.owners)
        if owner is None:
            unmatched = [o for o in plot.owners if id(o) not in matched]
            if person.role == "co_holder" and not any(not names_agree(o.name, record.holder.name) for o in unmatched):
                # Every registered owner is the holder: the co-holder is new to the registry.
                out.enrich(EnrichmentKind.CO_HOLDER, "co_holder_name", "", person.name)
                continue
            best = max(plot.owners, key=lambda o: name_similarity(person.name, o.name), default=None)
            out.flag(
                FlagCode.OWNER_NAME_MISMATCH,
                f"{person.role}_name",
                best.name if best else "",
                person.name,
                similarity=name_similarity(person.name, best.name) if best else 0.0,
            )
            continue
        matched.add(id(owner))
        if diacritics_only:
            out.enrich(
                EnrichmentKind.DIACRITICS,
                f"{person.role}_name",
                owner.name,
                person.name,
                land_user_id=owner.land_user_id,
            )
        if person.role not in bad_id_roles:
            _compare_ids(record, person, owner, out)
        _compare_birth(person, owner, out)

    for field, value in (
        ("certificate_serial", record.certificate_serial),
        ("certificate_book_number", record.certificate_book_number),
    ):
        key = normalize.certificate_key(value)
        attr = "serial" if field == "certificate_serial" else "book_number"
        registered = [getattr(c, attr) for c in plot.certificates if normalize.certificate_key(getattr(c, attr))]
        if key and registered and key not in {normalize.certificate_key(r) for r in registered}:
            out.flag(FlagCode.CERTIFICATE_MISMATCH, field, "; ".join(registered), value)

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

    if record.actual_user_name.strip() and not _is_holder(record.actual_user_name, record, plot.owners):
        out.flag(FlagCode.USER_NOT_HOLDER, "actual_user_name", record.holder.name, record.actual_user_name)
        out.enrich(EnrichmentKind.ACTUAL_USER, "actual_user_name", "", record.actual_user_name)
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
