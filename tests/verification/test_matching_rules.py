"""Contract §4, one row per rule and per exception: pure rules, no database."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

import pytest

from verification.matching import province, rules
from verification.matching.types import (
    SEVERITY,
    CollectedPerson,
    RecordValues,
    RegistryCertificate,
    RegistryOwner,
    RegistryPlot,
)
from verification.models import FlagCode, Severity

KEY = ("09265", "12", "345")
CCCD_1960 = "001060012345"  # male, born 1960
CCCD_1960_B = "001060099999"
CCCD_1985 = "001085012345"
CMND = "123456789"

OWNER = RegistryOwner(land_user_id=1, name="Nguyễn Văn Bình", birth_year=1960)
SPOUSE = RegistryOwner(land_user_id=2, name="Trần Thị Hòa", birth_year=1962)
PLOT = RegistryPlot(
    plot_id=10,
    area_m2=Decimal("250.00"),
    land_use="ONT+CLN",
    owners=(OWNER,),
    certificates=(RegistryCertificate(serial="BĐ 123456", book_number="CH 00120"),),
)
HOLDER = CollectedPerson(role="holder", name="Nguyễn Văn Bình", birth_year=1960)
RECORD = RecordValues(
    record_id=1,
    plot_key=KEY,
    holder=HOLDER,
    certificate_serial="bd123456",
    certificate_book_number="CH00120",
    area_m2=Decimal("250"),
    land_use="CLN,ONT",
)


def rec(**changes) -> RecordValues:
    holder = changes.pop("holder", {})
    co = changes.pop("co_holder", None)
    return dataclasses.replace(
        RECORD,
        holder=dataclasses.replace(HOLDER, **holder),
        co_holder=CollectedPerson(role="co_holder", **co) if co else None,
        **changes,
    )


def plot(owners=None, **changes) -> RegistryPlot:
    return dataclasses.replace(PLOT, owners=tuple(owners) if owners is not None else PLOT.owners, **changes)


def owner(**changes) -> RegistryOwner:
    return dataclasses.replace(OWNER, **changes)


# (case, record, registry plot, expected flag codes, expected enrichment kinds)
CASES = [
    ("identical", rec(), plot(), set(), set()),
    (
        "registry name upper case and NFD",
        rec(),
        plot([owner(name="NGUYE\u0302\u0303N VA\u0306N BI\u0300NH")]),
        set(),
        set(),
    ),
    (
        "old-style tone placement",
        rec(holder={"name": "Trần Thị Hoà"}),
        plot([owner(name="Trần Thị Hòa")]),
        set(),
        set(),
    ),
    ("not in registry", rec(), None, {FlagCode.PLOT_NOT_IN_REGISTRY}, set()),
    ("other given name", rec(holder={"name": "Nguyễn Văn Minh"}), plot(), {FlagCode.OWNER_NAME_MISMATCH}, set()),
    ("registry without diacritics = enrichment", rec(), plot([owner(name="NGUYEN VAN BINH")]), set(), {"diacritics"}),
    (
        "collected without diacritics vs registry with = mismatch",
        rec(holder={"name": "Nguyen Van Binh"}),
        plot(),
        {FlagCode.OWNER_NAME_MISMATCH},
        set(),
    ),
    ("đ folds to d", rec(holder={"name": "Đỗ Văn Đức"}), plot([owner(name="DO VAN DUC")]), set(), {"diacritics"}),
    (
        "holder matches the second registered owner",
        rec(holder={"name": "Trần Thị Hòa", "birth_year": 1962}),
        plot([OWNER, SPOUSE]),
        set(),
        set(),
    ),
    (
        "co-holder matches an owner",
        rec(co_holder={"name": "Trần Thị Hoà", "birth_year": 1962}),
        plot([OWNER, SPOUSE]),
        set(),
        set(),
    ),
    (
        "co-holder differs from every owner",
        rec(co_holder={"name": "Lê Thị Lan"}),
        plot([OWNER, SPOUSE]),
        {FlagCode.OWNER_NAME_MISMATCH},
        set(),
    ),
    ("co-holder added to a one-owner plot", rec(co_holder={"name": "Lê Thị Lan"}), plot(), set(), {"co_holder"}),
    ("CCCD added where registry has none", rec(holder={"id_number": CCCD_1960}), plot(), set(), {"cccd"}),
    ("same ID", rec(holder={"id_number": CCCD_1960}), plot([owner(id_number=CCCD_1960)]), set(), set()),
    (
        "ID upgrade via old number",
        rec(holder={"id_number": CCCD_1960, "old_id_number": CMND, "birth_year": None}),
        plot([owner(id_number=CMND, birth_year=None)]),
        set(),
        {"cccd"},
    ),
    (
        "ID upgrade via the card's QR code",
        rec(holder={"id_number": CCCD_1960, "birth_year": None}, id_links=frozenset({(CCCD_1960, CMND)})),
        plot([owner(id_number=CMND, birth_year=None)]),
        set(),
        {"cccd"},
    ),
    (
        "CCCD vs CMND, no link, name and birth year agree",
        rec(holder={"id_number": CCCD_1960}),
        plot([owner(id_number=CMND)]),
        set(),
        {"cccd"},
    ),
    (
        "CCCD vs CMND, no link, birth year unknown in registry",
        rec(holder={"id_number": CCCD_1960}),
        plot([owner(id_number=CMND, birth_year=None)]),
        {FlagCode.ID_NUMBER_MISMATCH},
        set(),
    ),
    (
        "CCCD vs CMND, wrong old number, birth year differs",
        rec(holder={"id_number": CCCD_1985, "birth_year": 1985, "old_id_number": "987654321"}),
        plot([owner(id_number=CMND)]),
        {FlagCode.ID_NUMBER_MISMATCH, FlagCode.BIRTH_MISMATCH},
        set(),
    ),
    (
        "two different CCCDs",
        rec(holder={"id_number": CCCD_1960_B}),
        plot([owner(id_number=CCCD_1960)]),
        {FlagCode.ID_NUMBER_MISMATCH},
        set(),
    ),
    (
        "collected CMND is the registry CCCD's former number",
        rec(holder={"id_number": CMND}),
        plot([owner(id_number=CCCD_1960, former_id_number=CMND)]),
        set(),
        set(),
    ),
    ("11 digits", rec(holder={"id_number": "00106001234"}), plot(), {FlagCode.ID_INVALID}, set()),
    ("bad province code", rec(holder={"id_number": "099060012345"}), plot(), {FlagCode.ID_INVALID}, set()),
    (
        "CCCD year digits contradict birth year",
        rec(holder={"id_number": CCCD_1985}),
        plot(),
        {FlagCode.ID_INVALID},
        set(),
    ),
    ("invalid old number", rec(holder={"old_id_number": "12345"}), plot(), {FlagCode.ID_INVALID}, set()),
    (
        "invalid ID on a plot not in the registry",
        rec(holder={"id_number": "12ab"}),
        None,
        {FlagCode.ID_INVALID, FlagCode.PLOT_NOT_IN_REGISTRY},
        set(),
    ),
    ("birth years differ", rec(holder={"birth_year": 1961}), plot(), {FlagCode.BIRTH_MISMATCH}, set()),
    (
        "full date of the registry year",
        rec(holder={"birth_year": None, "birth_date": dt.date(1960, 3, 4)}),
        plot(),
        set(),
        {"birth_date"},
    ),
    (
        "full date of another year",
        rec(holder={"birth_year": None, "birth_date": dt.date(1959, 3, 4)}),
        plot(),
        {FlagCode.BIRTH_MISMATCH},
        set(),
    ),
    ("birth unknown in registry, year collected", rec(), plot([owner(birth_year=None)]), set(), set()),
    ("serial differs", rec(certificate_serial="BĐ 654321"), plot(), {FlagCode.CERTIFICATE_MISMATCH}, set()),
    ("book number differs", rec(certificate_book_number="CH 00121"), plot(), {FlagCode.CERTIFICATE_MISMATCH}, set()),
    ("serial only collected", rec(), plot(certificates=()), set(), set()),
    ("serial not collected", rec(certificate_serial="", certificate_book_number=""), plot(), set(), set()),
    ("area +1 m² on 50 m² (within 1 m²)", rec(area_m2=Decimal("51")), plot(area_m2=Decimal("50")), set(), set()),
    (
        "area +1.5 m² on 50 m²",
        rec(area_m2=Decimal("51.5")),
        plot(area_m2=Decimal("50")),
        {FlagCode.AREA_MISMATCH},
        set(),
    ),
    ("area +1 % on 1000 m²", rec(area_m2=Decimal("1010")), plot(area_m2=Decimal("1000")), set(), set()),
    (
        "area +1.1 % on 1000 m²",
        rec(area_m2=Decimal("1011")),
        plot(area_m2=Decimal("1000")),
        {FlagCode.AREA_MISMATCH},
        set(),
    ),
    ("area not collected", rec(area_m2=None), plot(), set(), set()),
    ("land-use set differs", rec(land_use="ONT"), plot(), {FlagCode.LAND_USE_MISMATCH}, set()),
    ("land-use order and separator", rec(land_use="cln + ont"), plot(), set(), set()),
    (
        "someone else uses the land",
        rec(actual_user_name="Phạm Văn Tú"),
        plot(),
        {FlagCode.USER_NOT_HOLDER},
        {"actual_user"},
    ),
    ("the holder uses the land", rec(actual_user_name="nguyễn văn bình"), plot(), set(), set()),
    (
        "the co-holder uses the land",
        rec(actual_user_name="Lê Thị Lan", co_holder={"name": "Lê Thị Lan"}),
        plot(),
        set(),
        {"co_holder"},
    ),
    ("mortgaged", rec(certificate_status="mortgaged"), plot(), {FlagCode.CERTIFICATE_STATUS}, set()),
    ("lost", rec(certificate_status="lost"), plot(), {FlagCode.CERTIFICATE_STATUS}, set()),
    ("damaged", rec(certificate_status="damaged"), plot(), {FlagCode.CERTIFICATE_STATUS}, set()),
    ("not issued", rec(certificate_status="not_issued"), plot(), {FlagCode.CERTIFICATE_STATUS}, set()),
    ("owner far away", rec(owner_far_away=True), plot(), {FlagCode.CERTIFICATE_STATUS}, set()),
]


@pytest.mark.parametrize(
    ("record", "registry", "codes", "enrichments"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_match_record(record, registry, codes, enrichments):
    found = rules.match_record(record, registry)
    assert found.codes == codes
    assert {e.kind for e in found.enrichments} == enrichments


def test_certificate_status_is_low_severity():
    found = rules.match_record(rec(certificate_status="lost"), plot())
    assert [f.severity for f in found.flags] == [Severity.LOW]


def test_every_code_has_a_severity():
    assert set(SEVERITY) == set(FlagCode.values)


@pytest.mark.parametrize(
    ("a", "b", "low", "high"),
    [
        ("Nguyễn Văn Bình", "Nguyễn Văn Minh", 0.7, 0.8),  # shared family/middle names must not look 93 % alike
        ("Nguyễn Văn Bình", "Nguyen Van Binh", 1.0, 1.0),
        ("Nguyễn Văn Bình", "Trần Thị Lan", 0.0, 0.4),
    ],
)
def test_name_similarity(a, b, low, high):
    assert low <= rules.name_similarity(a, b) <= high


def test_name_flag_records_similarity_and_registry_name():
    found = rules.match_record(rec(holder={"name": "Nguyễn Văn Minh"}), plot())
    (flag,) = found.flags
    assert (flag.field, flag.registry_value, flag.collected_value) == (
        "holder_name",
        "Nguyễn Văn Bình",
        "Nguyễn Văn Minh",
    )
    assert flag.similarity == pytest.approx(0.75)


def test_enriched_cccd_names_the_land_user():
    found = rules.match_record(rec(holder={"id_number": CCCD_1960}), plot())
    assert found.enrichments[0].land_user_id == OWNER.land_user_id


@pytest.mark.parametrize(
    ("status", "kinds", "missing"),
    [
        ("held", {"cert_1", "id_front"}, []),
        ("held", {"cert_2", "id_back"}, []),
        ("held", {"id_front"}, ["certificate_image"]),
        ("held", {"cert_1"}, ["id_image"]),
        ("held", set(), ["certificate_image", "id_image"]),
        ("lost", {"id_front"}, []),
        ("not_issued", {"id_front"}, []),
        ("mortgaged", {"id_front"}, ["certificate_image"]),
        ("lost", set(), ["id_image"]),
        ("held", {"cert_1", "co_id_front"}, ["id_image"]),
    ],
)
def test_missing_documents(status, kinds, missing):
    assert rules.missing_documents(certificate_status=status, scan_kinds=frozenset(kinds)) == missing


def H(number, name, year, record_id=None, field="holder_id_number", user=None, compared=None):  # noqa: N802
    return province.IdHolder(
        id_number=number,
        name=name,
        birth_year=year,
        record_id=record_id,
        field=field,
        land_user_id=user,
        compared_land_user_id=compared,
    )


@pytest.mark.parametrize(
    ("holders", "conflicted"),
    [
        ([H(CCCD_1960, "Nguyễn Văn Bình", 1960), H(CCCD_1960, "Nguyễn Văn Bình", 1960, 1)], set()),
        ([H(CCCD_1960, "NGUYEN VAN BINH", 1960), H(CCCD_1960, "Nguyễn Văn Bình", 1960, 1)], set()),
        ([H(CCCD_1960, "Lê Văn Tám", 1960), H(CCCD_1960, "Nguyễn Văn Bình", 1960, 1)], {(1, "holder_id_number")}),
        ([H(CCCD_1960, "Nguyễn Văn Bình", 1961), H(CCCD_1960, "Nguyễn Văn Bình", 1960, 1)], {(1, "holder_id_number")}),
        (
            [H(CMND, "Nguyễn Văn Bình", 1960, 1), H(CMND, "Lê Văn Tám", None, 2, "co_holder_id_number")],
            {(1, "holder_id_number"), (2, "co_holder_id_number")},
        ),
        ([H(CCCD_1960, "Lê Văn Tám", 1960), H(CCCD_1960, "Nguyễn Văn Bình", 1960)], set()),  # registry only: no record
        (
            [H("001 060 012 345", "Lê Văn Tám", 1960), H(CCCD_1960, "Nguyễn Văn Bình", 1960, 1)],
            {(1, "holder_id_number")},
        ),
        # The registered owner the holder is compared with, with another name: that is the plot's
        # OWNER_NAME_MISMATCH (sample row 6), not a second person using the number (§4.1)...
        (
            [
                H(CCCD_1960, "Trần Văn Thảo", 1960, user=7),
                H(CCCD_1960, "Tên Khác Hẳn", 1960, 1, compared=7),
            ],
            set(),
        ),
        # ...but the same number registered for someone else, on another plot or the same, still is.
        (
            [
                H(CCCD_1960, "Trần Văn Thảo", 1960, user=8),
                H(CCCD_1960, "Tên Khác Hẳn", 1960, 1, compared=7),
            ],
            {(1, "holder_id_number")},
        ),
        (
            [
                H(CCCD_1960, "Trần Văn Thảo", 1960, user=8),
                H(CCCD_1960, "Tên Khác Hẳn", 1960, 1, compared=7),
            ],
            {(1, "holder_id_number")},
        ),
    ],
)
def test_id_conflicts(holders, conflicted):
    assert set(province.id_conflicts(holders)) == conflicted


def test_duplicate_records_disagreeing_birth_years():
    a = rec(record_id=1, holder={"birth_year": None, "birth_date": dt.date(1960, 1, 2)})
    b = rec(record_id=2, holder={"birth_year": 1961})
    c = rec(record_id=3, plot_key=("09265", "12", "346"))
    found = province.duplicate_records([a, b, c])
    assert set(found) == {1, 2}
    assert found[1].field == "holder_birth"


def test_duplicate_records_compare_birth_years_not_dates_nor_status_or_actual_user():
    """§4.1: holder, co-holder, ID numbers, birth years, certificate, area or land use differ."""
    a = rec(record_id=1, holder={"birth_year": None, "birth_date": dt.date(1960, 1, 2)}, certificate_status="lost")
    b = rec(
        record_id=2,
        holder={"birth_year": None, "birth_date": dt.date(1960, 5, 6)},
        actual_user_name="Lê Văn Tú",
        owner_far_away=True,
    )
    assert province.duplicate_records([a, b]) == {}


def test_duplicate_records_that_agree_under_the_rules_are_not_flagged():
    a = rec(record_id=1, certificate_serial="BĐ 123456", holder={"name": "Trần Thị Hoà"})
    b = rec(record_id=2, certificate_serial="bd-123456", holder={"name": "TRẦN THỊ HÒA"})
    assert province.duplicate_records([a, b]) == {}


def test_duplicate_scans_only_across_plots():
    s = "ab" * 32
    refs = [
        province.ScanRef(1, KEY, "cert_1", s),
        province.ScanRef(2, KEY, "cert_1", s),  # same plot (a duplicate record): not a duplicate scan
        province.ScanRef(3, ("09265", "12", "999"), "id_front", s),
        province.ScanRef(4, ("09265", "1", "1"), "id_front", "cd" * 32),
    ]
    found = province.duplicate_scans(refs)
    assert set(found) == {(1, "cert_1"), (2, "cert_1"), (3, "id_front")}
    assert found[(3, "id_front")].registry_value == "09265/12/345"
