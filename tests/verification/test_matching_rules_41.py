"""Contract §4.1, one table per rule: each row a small registry and a record, the exact flags (code, field)
and the plot's outcome (§5) expected. Pure: no database.

Owners: Nguyễn Văn Bình (1960, CMND 123456789) and Trần Thị Hòa (1962, CCCD 001162054321).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

import pytest

from verification.matching import province, rules
from verification.matching.findings import chunk_findings, id_holders
from verification.matching.load import Chunk
from verification.matching.types import CollectedPerson, RecordValues, RegistryCertificate, RegistryOwner, RegistryPlot
from verification.models import Outcome
from verification.outcomes import outcome_for

KEY = ("09259", "12", "345")
CMND_BINH = "123456789"
CCCD_BINH = "001060012345"  # male, born 1960
CCCD_HOA = "001162054321"  # female, born 1962
CCCD_OTHER_1960 = "001060099999"
CCCD_1985 = "001085012345"

BINH = RegistryOwner(land_user_id=1, name="Nguyễn Văn Bình", birth_year=1960, id_number=CMND_BINH)
HOA = RegistryOwner(land_user_id=2, name="Trần Thị Hòa", birth_year=1962, id_number=CCCD_HOA)
ONE_OWNER = RegistryPlot(
    plot_id=10,
    area_m2=Decimal("250"),
    land_use="ONT",
    owners=(BINH,),
    certificates=(RegistryCertificate(serial="BĐ 123456", book_number="CH 00120"),),
)
TWO_OWNERS = dataclasses.replace(ONE_OWNER, owners=(BINH, HOA))


def person(role="holder", name="Nguyễn Văn Bình", year=1960, **kw) -> CollectedPerson:
    return CollectedPerson(role=role, name=name, birth_year=year, **kw)


def record(holder=None, co_holder=None, **kw) -> RecordValues:
    return RecordValues(record_id=1, plot_key=KEY, holder=holder or person(), co_holder=co_holder, **kw)


def check(rec: RecordValues, plot: RegistryPlot | None, flags: set, outcome: str, enrichments: set | None = None):
    found = rules.match_record(rec, plot)
    assert {(f.code, f.field) for f in found.flags} == flags
    kinds = {e.kind for e in found.enrichments}
    if enrichments is not None:
        assert kinds == enrichments
    got = outcome_for(has_open=bool(found.flags), in_registry=plot is not None, has_accepted=False, enrichments=kinds)
    assert got == outcome


NAME = ("OWNER_NAME_MISMATCH", "holder_name")
CO_NAME = ("OWNER_NAME_MISMATCH", "co_holder_name")
ID = ("ID_NUMBER_MISMATCH", "holder_id_number")
CO_ID = ("ID_NUMBER_MISMATCH", "co_holder_id_number")
BIRTH = ("BIRTH_MISMATCH", "holder_birth")
CO_BIRTH = ("BIRTH_MISMATCH", "co_holder_birth")
INVALID = ("ID_INVALID", "holder_id_number")
INVALID_OLD = ("ID_INVALID", "holder_old_id_number")
PENDING, ENRICHED, VERIFIED = Outcome.PENDING_REVIEW, Outcome.ENRICHED, Outcome.VERIFIED


# --- 1. Which owner a person is compared with ------------------------------------------------

WHICH_OWNER = [
    ("same name: compared with that owner", record(holder=person(id_number=CMND_BINH)), ONE_OWNER, set(), VERIFIED),
    (
        "old-style tones, upper case: the same name",
        record(holder=person(name="NGUYỄN VĂN BÌNH")),
        ONE_OWNER,
        set(),
        VERIFIED,
    ),
    (
        "registry name without diacritics: compared, an enrichment",
        record(),
        dataclasses.replace(ONE_OWNER, owners=(dataclasses.replace(BINH, name="NGUYEN VAN BINH"),)),
        set(),
        ENRICHED,
    ),
    (
        "one owner, a one-tone typo: name, and every other field compared",
        record(holder=person(name="Nguyễn Văn Bính", year=1961, id_number="987654321")),
        ONE_OWNER,
        {NAME, ID, BIRTH},
        PENDING,
    ),
    (
        "one owner, another person: every field compared",
        record(holder=person(name="Lê Văn Tám", year=1975, id_number="111222333")),
        ONE_OWNER,
        {NAME, ID, BIRTH},
        PENDING,
    ),
    (
        "one owner, another person whose fields agree: only the name",
        record(holder=person(name="Lê Văn Tám", id_number=CMND_BINH)),
        ONE_OWNER,
        {NAME},
        PENDING,
    ),
    (
        "several owners, matched by name: that owner's fields",
        record(holder=person(name="Trần Thị Hòa", year=1963)),
        TWO_OWNERS,
        {BIRTH},
        PENDING,
    ),
    (
        "several owners, no name but the ID number of one: name and that owner's birth year (the CCCD says 1962)",
        record(holder=person(name="Trần Thị Hoa", year=1963, id_number=CCCD_HOA)),
        TWO_OWNERS,
        {NAME, INVALID, BIRTH},
        PENDING,
    ),
    (
        "several owners, no name, ID of one, birth agrees: only the name",
        record(holder=person(name="Trần Thị Hoa", year=1962, id_number=CCCD_HOA)),
        TWO_OWNERS,
        {NAME},
        PENDING,
    ),
    (
        "several owners, no name, ID of one, year differs (CMND owner): name and birth",
        record(holder=person(name="Nguyễn Văn Bính", year=1961, id_number=CMND_BINH)),
        TWO_OWNERS,
        {NAME, BIRTH},
        PENDING,
    ),
    (
        "several owners, neither name nor ID: only the name",
        record(holder=person(name="Lê Văn Tám", year=1975, id_number="111222333")),
        TWO_OWNERS,
        {NAME},
        PENDING,
    ),
]


@pytest.mark.parametrize(("case", "rec", "plot", "flags", "outcome"), WHICH_OWNER, ids=[c[0] for c in WHICH_OWNER])
def test_which_owner_a_person_is_compared_with(case, rec, plot, flags, outcome):
    check(rec, plot, flags, outcome)


def test_the_name_flag_names_the_owner_compared_with():
    found = rules.match_record(record(holder=person(name="Trần Thị Hoa", year=1962, id_number=CCCD_HOA)), TWO_OWNERS)
    (flag,) = found.flags
    assert (flag.registry_value, flag.land_user_id) == ("Trần Thị Hòa", HOA.land_user_id)


# --- 2. Co-holders ----------------------------------------------------------------------------

CO_HOLDERS = [
    (
        "one owner, a co-holder the registry lacks: an enrichment",
        record(co_holder=person("co_holder", "Trần Thị Lan", 1963)),
        ONE_OWNER,
        set(),
        ENRICHED,
        {"co_holder"},
    ),
    (
        "one owner, the co-holder's fields are not compared with the owner",
        record(co_holder=person("co_holder", "Trần Thị Lan", 1990, id_number="555666777")),
        ONE_OWNER,
        set(),
        ENRICHED,
        {"co_holder"},
    ),
    (
        "several owners, the co-holder is the second owner",
        record(co_holder=person("co_holder", "Trần Thị Hoà", 1962, id_number=CCCD_HOA)),
        TWO_OWNERS,
        set(),
        VERIFIED,
        set(),
    ),
    (
        "several owners, the co-holder matches none: a name flag",
        record(co_holder=person("co_holder", "Trần Thị Lan", 1963)),
        TWO_OWNERS,
        {CO_NAME},
        PENDING,
        set(),
    ),
    (
        "several owners, the co-holder's birth differs from their owner's",
        record(co_holder=person("co_holder", "Trần Thị Hòa", 1961)),
        TWO_OWNERS,
        {CO_BIRTH},
        PENDING,
        set(),
    ),
]


@pytest.mark.parametrize(
    ("case", "rec", "plot", "flags", "outcome", "kinds"), CO_HOLDERS, ids=[c[0] for c in CO_HOLDERS]
)
def test_co_holders(case, rec, plot, flags, outcome, kinds):
    check(rec, plot, flags, outcome, kinds)


# --- 3. Empty collected values are never a mismatch -------------------------------------------

EMPTY = [
    ("no birth collected", record(holder=person(year=None)), ONE_OWNER, set(), VERIFIED),
    ("no ID collected", record(holder=person(id_number="")), ONE_OWNER, set(), VERIFIED),
    (
        "lost certificate, no serial typed",
        record(certificate_status="lost"),
        ONE_OWNER,
        {("CERTIFICATE_STATUS", "certificate_status")},
        PENDING,
    ),
    ("no area, no land use", record(area_m2=None, land_use=""), ONE_OWNER, set(), VERIFIED),
    (
        "nothing but the name, on a one-owner plot with another name",
        record(holder=person(name="Lê Văn Tám", year=None)),
        ONE_OWNER,
        {NAME},
        PENDING,
    ),
    (
        "registry without a birth year, one collected",
        record(),
        dataclasses.replace(ONE_OWNER, owners=(dataclasses.replace(BINH, birth_year=None),)),
        set(),
        VERIFIED,
    ),
]


@pytest.mark.parametrize(("case", "rec", "plot", "flags", "outcome"), EMPTY, ids=[c[0] for c in EMPTY])
def test_empty_collected_values_are_never_a_mismatch(case, rec, plot, flags, outcome):
    check(rec, plot, flags, outcome)


# --- 4. ID_INVALID ----------------------------------------------------------------------------

INVALID_CASES = [
    (
        "CCCD year against the collected birth year",
        record(holder=person(id_number=CCCD_1985)),
        ONE_OWNER,
        {INVALID},
        PENDING,
    ),
    (
        "no birth collected: against the compared owner's year, and no ID_NUMBER_MISMATCH with the CMND",
        record(holder=person(year=None, id_number=CCCD_1985)),
        ONE_OWNER,
        {INVALID},
        PENDING,
    ),
    (
        "no birth collected, owner's year agrees: an upgrade-less CCCD with name and year agreeing",
        record(holder=person(year=None, id_number=CCCD_BINH)),
        ONE_OWNER,
        set(),
        ENRICHED,
    ),
    (
        "another person on a one-owner plot: against that owner's year",
        record(holder=person(name="Lê Văn Tám", year=None, id_number=CCCD_1985)),
        ONE_OWNER,
        {NAME, INVALID},
        PENDING,
    ),
    (
        "compared with nobody, no birth: only the number's own rules",
        record(holder=person(name="Lê Văn Tám", year=None, id_number=CCCD_1985)),
        TWO_OWNERS,
        {NAME},
        PENDING,
    ),
    ("not 9 or 12 digits", record(holder=person(id_number="12345678")), ONE_OWNER, {INVALID}, PENDING),
    (
        "old number that is not a CMND",
        record(holder=person(id_number=CCCD_BINH, old_id_number=CCCD_BINH)),
        ONE_OWNER,
        {INVALID_OLD},
        PENDING,
    ),
    (
        "off the registry: the collected year only",
        record(holder=person(id_number=CCCD_1985)),
        None,
        {INVALID, ("PLOT_NOT_IN_REGISTRY", "plot_key")},
        Outcome.NOT_IN_REGISTRY,
    ),
]


@pytest.mark.parametrize(("case", "rec", "plot", "flags", "outcome"), INVALID_CASES, ids=[c[0] for c in INVALID_CASES])
def test_id_invalid(case, rec, plot, flags, outcome):
    check(rec, plot, flags, outcome)


# --- ID upgrade (§4) and numbers compared with the compared owner only ---------------------------

UPGRADES = [
    (
        "CCCD with the registry's CMND as old number",
        record(holder=person(id_number=CCCD_BINH, old_id_number=CMND_BINH)),
        ONE_OWNER,
        set(),
        ENRICHED,
    ),
    (
        "CCCD linked by the card's QR",
        record(holder=person(id_number=CCCD_BINH), id_links=frozenset({(CCCD_BINH, CMND_BINH)})),
        ONE_OWNER,
        set(),
        ENRICHED,
    ),
    ("CCCD, no link, name and year agree", record(holder=person(id_number=CCCD_BINH)), ONE_OWNER, set(), ENRICHED),
    (
        "CCCD, no link, name differs: a mismatch",
        record(holder=person(name="Nguyễn Văn Bính", id_number=CCCD_BINH)),
        ONE_OWNER,
        {NAME, ID},
        PENDING,
    ),
    (
        "CCCD linked by its old number although the name differs: still an upgrade",
        record(holder=person(name="Nguyễn Văn Bính", id_number=CCCD_BINH, old_id_number=CMND_BINH)),
        ONE_OWNER,
        {NAME},
        PENDING,
    ),
    (
        "another CCCD than the registry's",
        record(holder=person("holder", "Trần Thị Hòa", 1962, id_number="001162099999")),
        TWO_OWNERS,
        {ID},
        PENDING,
    ),
]


@pytest.mark.parametrize(("case", "rec", "plot", "flags", "outcome"), UPGRADES, ids=[c[0] for c in UPGRADES])
def test_id_upgrades_and_mismatches(case, rec, plot, flags, outcome):
    check(rec, plot, flags, outcome)


# --- 5. ID_CONFLICT across the province -----------------------------------------------------------


def chunk_of(records: list[RecordValues], registry: dict, registry_holders: list[province.IdHolder]) -> Chunk:
    numbers = {n for r in records for p in r.persons for n in [p.id_number] if n}
    return Chunk(
        started=dt.datetime(2025, 10, 1),
        states=[],
        records={r.record_id: r for r in records},
        sources={r.record_id: "import" for r in records},
        registry=registry,
        id_numbers=numbers | {h.id_number for h in registry_holders},
        id_records={r.record_id: r for r in records},
        registry_id_holders=registry_holders,
        key_members=list(records),
    )


def owner_holder(owner: RegistryOwner) -> province.IdHolder:
    return province.IdHolder(
        id_number=owner.id_number,
        name=owner.name,
        birth_year=owner.year,
        land_user_id=owner.land_user_id,
    )


OTHER_KEY = ("09250", "3", "7")
LAM = RegistryOwner(land_user_id=9, name="Phạm Văn Lâm", birth_year=1960, id_number=CCCD_BINH)

CONFLICTS = [
    (
        "a collected CCCD registered for someone else on another plot",
        [record(holder=person(id_number=CCCD_BINH))],
        [LAM],
        {(1, "holder_id_number")},
    ),
    (
        "the same person registered elsewhere without diacritics: no conflict",
        [record(holder=person(id_number=CCCD_BINH))],
        [dataclasses.replace(LAM, name="NGUYEN VAN BINH")],
        set(),
    ),
    (
        "the same name but another birth year elsewhere: a conflict",
        [record(holder=person(id_number=CCCD_BINH))],
        [dataclasses.replace(LAM, name="Nguyễn Văn Bình", birth_year=1961)],
        {(1, "holder_id_number")},
    ),
    (
        "two collected records, two people, one number: both",
        [
            record(holder=person(id_number=CCCD_OTHER_1960)),
            dataclasses.replace(
                record(holder=person(name="Lê Văn Tám", id_number=CCCD_OTHER_1960)), record_id=2, plot_key=OTHER_KEY
            ),
        ],
        [],
        {(1, "holder_id_number"), (2, "holder_id_number")},
    ),
    (
        "the owner the holder is compared with, another name: not a conflict (that is OWNER_NAME_MISMATCH)",
        [record(holder=person(name="Lê Văn Tám", id_number=CMND_BINH))],
        [],
        set(),
    ),
    (
        "an invalid number conflicts with nobody",
        [
            record(holder=person(name="Lê Văn Tám", id_number=CCCD_1985)),
            dataclasses.replace(
                record(holder=person(name="Phan Văn Hải", year=None, id_number=CCCD_1985)),
                record_id=2,
                plot_key=OTHER_KEY,
            ),
        ],
        [],
        set(),
    ),
]


@pytest.mark.parametrize(
    ("case", "records", "owners_elsewhere", "conflicted"), CONFLICTS, ids=[c[0] for c in CONFLICTS]
)
def test_id_conflict(case, records, owners_elsewhere, conflicted):
    registry = {KEY: ONE_OWNER, OTHER_KEY: dataclasses.replace(ONE_OWNER, plot_id=11, owners=tuple(owners_elsewhere))}
    holders = [owner_holder(BINH)] + [owner_holder(o) for o in owners_elsewhere]
    chunk = chunk_of(records, registry, holders)
    assert set(province.id_conflicts(id_holders(chunk))) == conflicted
    codes = {(rid, code) for (rid, code, _f) in chunk_findings(chunk).flags}
    assert {(rid, "ID_CONFLICT") for rid, _f in conflicted} <= codes


# --- 6. MISSING_DOCUMENTS only for records sent through the portal ---------------------------------

MISSING = [
    (
        "web form / API without any photo",
        "form",
        frozenset(),
        "held",
        {("MISSING_DOCUMENTS", "certificate_image"), ("MISSING_DOCUMENTS", "id_image")},
    ),
    ("web form with both photos", "form", frozenset({"cert_1", "id_front"}), "held", set()),
    (
        "web form, certificate lost explains its photo",
        "form",
        frozenset({"id_back"}),
        "lost",
        {("CERTIFICATE_STATUS", "certificate_status")},
    ),
    ("spreadsheet import without photos: never", "import", frozenset(), "held", set()),
    (
        "a citizen's own link without the card",
        "citizen",
        frozenset({"cert_1"}),
        "held",
        {("MISSING_DOCUMENTS", "id_image")},
    ),
]


@pytest.mark.parametrize(("case", "source", "kinds", "status", "flags"), MISSING, ids=[c[0] for c in MISSING])
def test_missing_documents_only_for_portal_records(case, source, kinds, status, flags):
    found = rules.findings_for_record(record(certificate_status=status), ONE_OWNER, scan_kinds=kinds, source=source)
    assert {(f.code, f.field) for f in found.flags} == flags


# --- 7. DUPLICATE_RECORD ------------------------------------------------------------------------

BASE = record(
    holder=person(id_number=CCCD_BINH), certificate_serial="BĐ 123456", area_m2=Decimal("250"), land_use="ONT"
)
DUPLICATES = [
    ("identical values", {}, set()),
    ("the same values written differently", {"certificate_serial": "bd-123456", "land_use": "ont"}, set()),
    ("the holder differs", {"holder": person(name="Nguyễn Văn Bính", id_number=CCCD_BINH)}, {"holder_name"}),
    (
        "a co-holder in one only",
        {"co_holder": person("co_holder", "Trần Thị Lan", 1963)},
        {"co_holder_name", "co_holder_birth"},
    ),
    ("the ID numbers differ", {"holder": person(id_number=CCCD_OTHER_1960)}, {"holder_id_number"}),
    ("the birth years differ", {"holder": person(year=1961, id_number=CCCD_BINH)}, {"holder_birth"}),
    (
        "full dates of one year do not differ",
        {"holder": person(year=None, id_number=CCCD_BINH, birth_date=dt.date(1960, 4, 5))},
        set(),
    ),
    ("the certificate differs", {"certificate_serial": "BĐ 654321"}, {"certificate_serial"}),
    ("the area differs", {"area_m2": Decimal("250.5")}, {"area_m2"}),
    ("the land use differs", {"land_use": "ONT+CLN"}, {"land_use"}),
    (
        "status, owner far away and actual user are not compared",
        {"certificate_status": "mortgaged", "owner_far_away": True, "actual_user_name": "Lê Văn Tú"},
        set(),
    ),
]


@pytest.mark.parametrize(("case", "changes", "fields"), DUPLICATES, ids=[c[0] for c in DUPLICATES])
def test_duplicate_record(case, changes, fields):
    other = dataclasses.replace(BASE, record_id=2, **changes)
    found = province.duplicate_records([BASE, other])
    assert set(found[1].field.split(",")) == fields if fields else found == {}


# --- 8. An actual user equal to the holder adds nothing ------------------------------------------

ACTUAL_USERS = [
    ("the holder, written in capitals", "NGUYỄN VĂN BÌNH", set(), VERIFIED, set()),
    ("the holder without diacritics", "Nguyen Van Binh", set(), VERIFIED, set()),
    ("someone else", "Lê Văn Tú", {("USER_NOT_HOLDER", "actual_user_name")}, PENDING, {"actual_user"}),
]


@pytest.mark.parametrize(("case", "user", "flags", "outcome", "kinds"), ACTUAL_USERS, ids=[c[0] for c in ACTUAL_USERS])
def test_actual_user(case, user, flags, outcome, kinds):
    check(record(actual_user_name=user), ONE_OWNER, flags, outcome, kinds)


# --- §5: each collected plot has exactly one outcome, the first that applies ---------------------

OUTCOMES = [
    # (in the registry, an open or returned flag, a flag accepted, enrichments) → outcome
    (False, True, True, ["cccd"], Outcome.NOT_IN_REGISTRY),
    (True, True, True, ["cccd"], Outcome.PENDING_REVIEW),
    (True, False, True, ["cccd"], Outcome.CLEANED),
    (True, False, True, [], Outcome.CLEANED),
    (True, False, False, ["birth_date"], Outcome.ENRICHED),
    (True, False, False, [], Outcome.VERIFIED),
]


@pytest.mark.parametrize(("in_registry", "has_open", "has_accepted", "enrichments", "outcome"), OUTCOMES)
def test_outcome_order(in_registry, has_open, has_accepted, enrichments, outcome):
    got = outcome_for(has_open=has_open, in_registry=in_registry, has_accepted=has_accepted, enrichments=enrichments)
    assert got == outcome
