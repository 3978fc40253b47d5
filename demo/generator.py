"""Synthetic province for demos, benchmarks and end-to-end tests (contract §2, §3, §4).

Writes, one plot at a time (so 270,000 plots need little memory), the registry
extract, the assignment list and the collected records, plus the flags and
enrichments each record was built to raise (`expected_flags.csv`,
`expected_enrichments.csv`). Every collected record comes from one CASE of
`CASES`, a table of known shares; a case changes exactly the fields needed to
raise its flags and nothing else, so matching can be checked against the
expected files row for row.

Pure Python: no Django, no database. Deterministic for a seed: one
`random.Random`, no iteration over sets or hashes, so the same seed writes the
same bytes.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import random
import re
import unicodedata
from bisect import bisect_right
from collections import deque
from dataclasses import asdict, dataclass, field
from itertools import accumulate
from pathlib import Path

from landdata import admin_units
from landdata.normalize import fold_diacritics, name_key

GENERATOR_VERSION = 3
# Where the demo starts: Phường Nhân Hòa (three former units) and Xã Kiên Lao (two), as in the press report.
FIRST_UNITS = ("09253", "07552")

REGISTRY_FILE = "registry_extract.csv"
ASSIGNMENTS_FILE = "assignments.csv"
RECORDS_FILE = "collection_records.csv"
EXPECTED_FLAGS_FILE = "expected_flags.csv"
EXPECTED_ENRICHMENTS_FILE = "expected_enrichments.csv"
MANIFEST_FILE = "manifest.json"
DATA_FILES = (ASSIGNMENTS_FILE, REGISTRY_FILE, RECORDS_FILE, EXPECTED_FLAGS_FILE, EXPECTED_ENRICHMENTS_FILE)

REGISTRY_COLUMNS = (
    "registry_id", "commune_code", "old_commune_code", "map_sheet", "plot_number", "area_m2", "land_use",
    "plot_address", "owner_name", "owner_birth", "owner_id_number", "owner_address", "certificate_serial",
    "certificate_book_number", "certificate_issue_date",
)  # fmt: skip
ASSIGNMENT_COLUMNS = (
    "commune_code", "commune_name", "old_commune_code", "old_commune_name", "target_plots", "working_group",
)  # fmt: skip
RECORD_COLUMNS = (
    "old_commune_code", "map_sheet", "plot_number", "holder_name", "holder_birth", "holder_id_number",
    "holder_old_id_number", "co_holder_name", "co_holder_birth", "co_holder_id_number", "certificate_serial",
    "certificate_book_number", "area_m2", "land_use", "actual_user_name", "certificate_status",
    "owner_far_away", "collected_by", "collected_on", "channel",
)  # fmt: skip
EXPECTED_FLAG_COLUMNS = ("old_commune_code", "map_sheet", "plot_number", "code")
EXPECTED_ENRICHMENT_COLUMNS = ("old_commune_code", "map_sheet", "plot_number", "kind")


# --- The cases a collected record is built from -------------------------------------------------


@dataclass(frozen=True)
class Case:
    name: str
    share: float  # percent of collected plots
    flags: tuple[str, ...]
    enrichments: tuple[str, ...]


# Share of registry plots that get a collected record (the rest are not collected yet).
COLLECTED_SHARE = 0.60

CASES: tuple[Case, ...] = (
    #     case                share  flags (contract §4)           enrichments
    Case("verified",          40.0, (),                            ()),
    Case("enrich_cccd",        8.0, (),                            ("cccd",)),
    Case("id_upgrade",         6.0, (),                            ("cccd",)),
    Case("enrich_birth_date",  8.0, (),                            ("birth_date",)),
    Case("enrich_diacritics",  3.0, (),                            ("diacritics",)),
    Case("enrich_co_holder",   3.0, (),                            ("co_holder",)),
    Case("area",               4.0, ("AREA_MISMATCH",),            ()),
    Case("owner_name",         2.5, ("OWNER_NAME_MISMATCH",),      ()),
    Case("id_number",          2.0, ("ID_NUMBER_MISMATCH",),       ()),
    Case("id_invalid",         1.5, ("ID_INVALID",),               ()),
    Case("id_conflict",        1.0, ("ID_CONFLICT",),              ()),
    Case("birth",              2.0, ("BIRTH_MISMATCH",),           ()),
    Case("certificate",        3.0, ("CERTIFICATE_MISMATCH",),     ()),
    Case("land_use",           3.0, ("LAND_USE_MISMATCH",),        ()),
    Case("actual_user",        5.0, ("USER_NOT_HOLDER",),          ("actual_user",)),
    Case("status",             5.0, ("CERTIFICATE_STATUS",),       ()),
    Case("not_in_registry",    1.5, ("PLOT_NOT_IN_REGISTRY",),     ()),
    Case("duplicate",          1.5, ("DUPLICATE_RECORD",),         ("birth_date",)),
)  # fmt: skip
CASE_BY_NAME = {case.name: case for case in CASES}
_CASE_NAMES = [case.name for case in CASES]
_CASE_CUM = list(accumulate(case.share for case in CASES))

# Which kind of special situation a `status` record reports (weights).
STATUS_KINDS = (("mortgaged", 30), ("lost", 20), ("damaged", 10), ("not_issued", 15), ("far_away", 25))

# Cases whose holder must have no ID number in the registry, a CMND, or a CCCD.
_HOLDER_ID_RULE = {
    "enrich_cccd": "none",
    "id_invalid": "none",
    "id_conflict": "none",
    "birth": "none",
    # One number under "Nguyen Van Binh" and "Nguyễn Văn Bình" could read as an ID conflict.
    "enrich_diacritics": "none",
    # A different name with the same registered number would also be an ID conflict (§4).
    "owner_name": "none",
    "id_upgrade": "cmnd",
    "id_number": "cccd",
}
# Cases that need a registry birth known only to the year.
_YEAR_ONLY_CASES = {"enrich_birth_date", "duplicate", "birth"}

# --- Names ------------------------------------------------------------------------------------------

FAMILY_NAMES = (
    ("Nguyễn", 38.0), ("Trần", 12.0), ("Lê", 9.5), ("Phạm", 7.0), ("Hoàng", 5.0), ("Huỳnh", 3.0),
    ("Phan", 4.0), ("Vũ", 4.0), ("Võ", 2.0), ("Đặng", 2.5), ("Bùi", 2.5), ("Đỗ", 2.5), ("Hồ", 1.5),
    ("Ngô", 2.0), ("Dương", 1.5), ("Lý", 0.5), ("Trịnh", 1.0), ("Đào", 1.0), ("Đinh", 0.5),
)  # fmt: skip
MIDDLE_MALE = (("Văn", 40), ("Đức", 10), ("Minh", 9), ("Hữu", 8), ("Quang", 6), ("Thanh", 6), ("Ngọc", 5),
               ("Xuân", 4), ("Công", 4), ("Đình", 4), ("Mạnh", 2), ("Tiến", 2))  # fmt: skip
MIDDLE_FEMALE = (("Thị", 50), ("Thu", 8), ("Ngọc", 7), ("Thanh", 6), ("Minh", 5), ("Kim", 5), ("Hồng", 5),
                 ("Phương", 4), ("Thúy", 4), ("Bích", 3), ("Diệu", 3))  # fmt: skip
# Every tone (ngang, huyền, sắc, hỏi, ngã, nặng) and letter (ă â ê ô ơ ư đ) appears;
# Hòa/Thúy/Thủy/Thụy/Khỏe have an old-style spelling (Hoà/Thuý/Thuỷ/Thuỵ/Khoẻ).
GIVEN_MALE = (
    "Anh", "Bình", "Cường", "Dũng", "Đạt", "Đức", "Giang", "Hải", "Hiếu", "Hòa", "Hoàng", "Hùng", "Huy",
    "Hưng", "Khánh", "Khoa", "Kiên", "Lâm", "Long", "Lộc", "Lợi", "Mạnh", "Minh", "Nam", "Nghĩa", "Phong",
    "Phúc", "Quân", "Quang", "Quý", "Sơn", "Tài", "Thắng", "Thành", "Thịnh", "Toàn", "Trung", "Tuấn", "Tùng",
    "Việt", "Vinh", "Vũ", "Thụy", "Khỏe", "Đông", "Hữu", "Tỏa", "Lực", "Chiến", "Thọ",
)  # fmt: skip
GIVEN_FEMALE = (
    "An", "Ánh", "Châu", "Chi", "Cúc", "Diệp", "Dung", "Duyên", "Đào", "Giang", "Hà", "Hạnh", "Hằng", "Hiền",
    "Hoa", "Hòa", "Hồng", "Huệ", "Hương", "Huyền", "Lan", "Liên", "Linh", "Loan", "Mai", "Nga", "Ngân",
    "Ngọc", "Nhung", "Oanh", "Phượng", "Quyên", "Thảo", "Thoa", "Thu", "Thúy", "Thủy", "Trang", "Tuyết",
    "Vân", "Xuân", "Yến", "Khuê", "Lụa", "Nguyệt", "Ngoãn", "Đoan", "Mỹ", "Thơ", "Dịu",
)  # fmt: skip
ORGANISATION_NAMES = (
    "Công ty TNHH Thương mại {place}", "Công ty Cổ phần Đầu tư {place}",
    "Hợp tác xã Dịch vụ nông nghiệp {place}",
    "Ủy ban nhân dân xã {place}", "Trường Tiểu học {place}", "Chùa {place}",
)  # fmt: skip
PLACE_FIRST = (
    "Hòa", "Đông", "Tây", "Nam", "Bắc", "Đại", "Tiên", "Phù", "Vân", "Yên", "Long", "Kim", "Thụy", "Quế",
    "Tam",
    "Trung", "Ngọc", "Phượng", "Đức", "Vạn", "Mão", "Song", "Liên", "Xuân", "Hạp", "Khúc", "Châu", "Phong",
    "Lạc", "Thái",
)  # fmt: skip
PLACE_SECOND = (
    "Long", "Xuyên", "Khê", "An", "Chân", "Sơn", "Dương", "Phúc", "Hoa", "Lĩnh", "Tương", "Thọ", "Tiến",
    "Hùng",
    "Mỹ", "Lãng", "Điền", "Lộ", "Quả", "Liễu", "Xá", "Bão", "Đồng", "Giang", "Cầu", "Mao", "Lai", "Bình",
    "Hưng", "Nghĩa",
)  # fmt: skip
VILLAGES = ("Đông", "Đoài", "Thượng", "Hạ", "Trung", "Mới", "Chùa", "Giữa", "Ngoài", "Cầu")

# Land-use codes (2014 classification) by weight, for rural and urban units; area range in m².
LAND_USES_RURAL = (("ONT", 30), ("ONT+CLN", 12), ("LUC", 28), ("LUK", 4), ("BHK", 6), ("HNK", 2), ("CLN", 9),
                   ("NTS", 5), ("TMD", 1), ("SKC", 1), ("NTD", 1), ("BCS", 1))  # fmt: skip
LAND_USES_URBAN = (("ODT", 55), ("ODT+CLN", 6), ("LUC", 15), ("CLN", 6), ("BHK", 4), ("TMD", 6), ("SKC", 4),
                   ("NTS", 2), ("DGT", 1), ("NTD", 1))  # fmt: skip
AREA_RANGE = {"ONT": (60, 450), "ODT": (40, 300), "ONT+CLN": (200, 1500), "ODT+CLN": (150, 900),
              "LUC": (150, 2500), "LUK": (150, 2000), "BHK": (100, 1500), "HNK": (100, 1500),
              "CLN": (150, 3000),
              "NTS": (300, 5000), "TMD": (200, 3000), "SKC": (300, 5000), "NTD": (60, 800), "BCS": (60, 900),
              "DGT": (60, 600)}  # fmt: skip
SERIES_FIRST = ("A", "B", "C", "D", "Đ")
SERIES_SECOND = ("A", "B", "C", "D", "Đ", "E", "G", "H", "K", "L", "M", "N", "P", "Q", "S", "T", "V", "X")
CHANNELS = (("home_visit", 55), ("office", 30), ("online_photo", 10), ("photocopy", 5))
# CCCD province codes of the place of birth registration: mostly Bắc Ninh, some neighbours.
OTHER_BIRTH_PROVINCES = (1, 24, 30, 33, 36, 19, 79, 26, 22, 37)
FORM_2024 = dt.date(2024, 8, 1)
CAMPAIGN_START = dt.date(2025, 9, 3)
CAMPAIGN_DAYS = 87  # until 28/11/2025


def _cum(weighted: tuple[tuple[str, float], ...]) -> tuple[list[str], list[float]]:
    return [value for value, _ in weighted], list(accumulate(weight for _, weight in weighted))


_OLD_STYLE = {
    f"{toned}{second}": f"{plain}{unicodedata.normalize('NFC', second + mark)}"
    for plain, second in (("o", "a"), ("o", "e"), ("u", "y"))
    for mark in ("\u0300", "\u0301", "\u0309", "\u0303", "\u0323")
    for toned in [unicodedata.normalize("NFC", plain + mark)]
}
_OLD_STYLE_RE = re.compile(r"(" + "|".join(_OLD_STYLE) + r")\b")


def old_style_tones(name: str) -> str:
    """The same name with old-style tone placement (`Hòa` -> `Hoà`, `Thúy` -> `Thuý`)."""
    return _OLD_STYLE_RE.sub(lambda match: _OLD_STYLE[match.group(1)], name)


# --- People and units ---------------------------------------------------------------------------


@dataclass
class Person:
    name: str  # canonical: NFC, new-style tone placement
    sex: str  # "M", "F"; "" for an organisation
    birth_year: int | None
    birth_date: dt.date | None = None
    id_number: str = ""
    organisation: bool = False

    def birth_text(self) -> str:
        if self.birth_date:
            return self.birth_date.strftime("%d/%m/%Y")
        return str(self.birth_year) if self.birth_year else ""


@dataclass
class FormerUnit:
    code: str
    name: str
    plots: int
    padded_sheets: bool  # the registry writes sheet 12 as "012"
    group: str = ""
    # Where its people's births were registered, mostly: the CCCD's first three digits (027 = former Bắc Ninh).
    home_province: int = 27


@dataclass
class Ward:
    index: int  # 1-based; collector canbo{index:02d}
    code: str
    name: str
    urban: bool
    formers: list[FormerUnit] = field(default_factory=list)
    target: int = 0
    blank_old_code: bool = False  # an unmerged commune whose extract leaves old_commune_code empty

    @property
    def collector(self) -> str:
        return f"canbo{self.index:02d}"


@dataclass(frozen=True)
class DemoSummary:
    plots: int
    seed: int
    province_code: str
    registry_rows: int
    wards: int
    merged_wards: int
    former_communes: int
    collected_plots: int
    records: int
    expected_flags: int
    expected_enrichments: int
    cases: dict[str, int]
    first_ward: str
    first_group: str
    ward_codes: list[str]
    out_dir: str
    generator: int = GENERATOR_VERSION


class _IdBank:
    """Hands out ID numbers that no one else in the province has.

    The 6 (or 7) last digits come from a per-prefix counter through a bijection
    (multiplication by a number prime to 10), so numbers look random yet never repeat.
    """

    def __init__(self) -> None:
        self._cccd: dict[str, int] = {}
        self._cmnd = 0
        self._invalid = 0
        self._serial = 0

    def cccd(self, *, sex: str, year: int, province: int = 27) -> str:
        digit = (0 if year < 2000 else 2) + (0 if sex == "M" else 1)
        prefix = f"{province:03d}{digit}{year % 100:02d}"
        count = self._cccd.get(prefix, 0)
        if count >= 1_000_000:
            raise ValueError(f"more than a million CCCD numbers for prefix {prefix}")
        self._cccd[prefix] = count + 1
        offset = int(prefix) * 7_919 + 193_877
        return f"{prefix}{(count * 482_711 + offset) % 1_000_000:06d}"

    def cmnd(self) -> str:
        self._cmnd += 1
        return f"12{(self._cmnd * 3_418_721 + 1_234_567) % 10_000_000:07d}"

    def invalid(self, *, sex: str, year: int) -> str:
        """11 digits, or 12 digits with a province code outside 001–096."""
        self._invalid += 1
        digit = (0 if year < 2000 else 2) + (0 if sex == "M" else 1)
        tail = (self._invalid * 48_271 + 7) % 1_000_000
        if self._invalid % 2:
            return f"027{digit}{year % 100:02d}{tail % 100_000:05d}"
        bad = ("000", "097", "099")[self._invalid // 2 % 3]
        return f"{bad}{digit}{year % 100:02d}{tail:06d}"

    def serial(self, *, letters: str, issued: dt.date) -> str:
        self._serial += 1
        if issued >= FORM_2024:
            return f"{letters} {(self._serial * 73_547_393 + 11) % 100_000_000:08d}"
        return f"{letters} {(self._serial * 735_473 + 104_729) % 1_000_000:06d}"


# --- The generator ------------------------------------------------------------------------------


class _Generator:
    def __init__(self, *, plots: int, seed: int, province_code: str) -> None:
        self.rng = random.Random(seed)
        self.plots = plots
        self.seed = seed
        self.province_code = province_code
        self.ids = _IdBank()
        # CCCD province codes are the 2-digit province codes zero-padded (027 = Bắc Ninh).
        valid = province_code.isdigit() and 1 <= int(province_code) <= 96
        self.home_province = int(province_code) if valid else 27
        self.family = _cum(FAMILY_NAMES)
        self.middle = {"M": _cum(MIDDLE_MALE), "F": _cum(MIDDLE_FEMALE)}
        self.given = {"M": GIVEN_MALE, "F": GIVEN_FEMALE}
        self.land_uses = {False: _cum(LAND_USES_RURAL), True: _cum(LAND_USES_URBAN)}
        self.channels = _cum(CHANNELS)
        self.status_kinds = _cum(STATUS_KINDS)
        # Owners of plots nobody collected, with a CCCD, that an id_conflict record may borrow.
        self.donors: deque[tuple[Person, str]] = deque()
        self.missing_cases = list(_CASE_NAMES)
        self.case_counts = {name: 0 for name in _CASE_NAMES}
        self.book_counter: dict[str, int] = {}
        self.registry_rows = 0
        self.records = 0
        self.collected_plots = 0
        self.flag_rows = 0
        self.enrichment_rows = 0

    # -- small random helpers

    def pick(self, cum: tuple[list[str], list[float]]) -> str:
        values, weights = cum
        return values[bisect_right(weights, self.rng.random() * weights[-1])]

    def name(self, sex: str) -> str:
        parts = [self.pick(self.family), self.pick(self.middle[sex])]
        if self.rng.random() < 0.08:
            parts.append(self.pick(self.middle[sex]))
        parts.append(self.rng.choice(self.given[sex]))
        return " ".join(parts)

    def birth_year(self) -> int:
        return min(2006, max(1928, int(self.rng.triangular(1928, 2006, 1966))))

    def full_date(self, year: int) -> dt.date:
        return dt.date(year, 1, 1) + dt.timedelta(days=self.rng.randrange(365))

    # -- the province

    def plan(self) -> list[Ward]:
        """Real wards and communes of the province (official 2025 list), as many as the plots need.

        First Phường Nhân Hòa and its three former units (the demo logins' ward, two working groups),
        then a commune that was not merged, then Xã Kiên Lao and its two, then the others in an order
        drawn from the seed. Plot counts per former unit vary around the province's mean.
        """
        rng = self.rng
        size = min(1200, max(40, self.plots // 24))
        wanted_formers = min(max(4, round(self.plots / size)), max(1, self.plots))
        units = self._ordered_units()
        chosen: list[admin_units.Unit] = []
        for unit in units:
            if sum(len(u.formers) for u in chosen) >= wanted_formers:
                break
            chosen.append(unit)
        n_former = sum(len(u.formers) for u in chosen)
        weights = [rng.uniform(0.6, 1.4) for _ in range(n_former)]
        total = sum(weights)
        counts = [max(1, int(self.plots * w / total)) for w in weights]
        counts[-1] += self.plots - sum(counts)
        i = len(counts) - 1
        while counts[-1] < 1:  # only for tiny --plots values
            take = min(counts[i] - 1, 1 - counts[-1])
            counts[i] -= take
            counts[-1] += take
            i -= 1
        wards: list[Ward] = []
        former_index = 0
        for w, unit in enumerate(chosen):
            formers = []
            for official in unit.formers:
                formers.append(
                    FormerUnit(
                        code=official.code,
                        name=official.name,
                        plots=counts[former_index],
                        padded_sheets=rng.random() < 0.25,
                        home_province=int(official.province_code or self.home_province),
                    )
                )
                former_index += 1
            ward = Ward(
                index=w + 1, code=unit.code, name=unit.name, urban=unit.name.startswith("Phường"), formers=formers
            )
            if len(formers) == 1:
                ward.blank_old_code = rng.random() < 0.5
            if len(formers) >= 3:
                half = (len(formers) + 1) // 2
                for j, former in enumerate(formers):
                    former.group = "Tổ công tác số 1" if j < half else "Tổ công tác số 2"
            assigned = sum(f.plots for f in formers)
            ward.target = max(1, round(assigned * rng.uniform(0.45, 0.75)))
            wards.append(ward)
        return wards

    def _ordered_units(self) -> list[admin_units.Unit]:
        units = list(admin_units.official_province(self.province_code).units)
        first = [u for code in FIRST_UNITS for u in units if u.code == code]
        single = [u for u in units if len(u.formers) == 1 and u not in first][:1]
        head = first[:1] + single + first[1:]
        rest = [u for u in units if u not in head]
        self.rng.shuffle(rest)
        return head + rest

    # -- one plot

    def choose_case(self, former_code: str) -> str:
        if self.missing_cases and self.rng.random() < 0.25:
            for name in self.missing_cases:
                if name != "id_conflict" or self.has_donor(former_code):
                    return name
        while True:
            name = _CASE_NAMES[bisect_right(_CASE_CUM, self.rng.random() * _CASE_CUM[-1])]
            if name != "id_conflict" or self.has_donor(former_code):
                return name

    def has_donor(self, former_code: str) -> bool:
        return any(code != former_code for _, code in self.donors)

    def take_donor(self, former_code: str) -> Person:
        for i, (person, code) in enumerate(self.donors):
            if code != former_code:
                del self.donors[i]
                return person
        raise AssertionError("choose_case checked that a donor exists")

    def id_for(self, *, sex: str, year: int, rule: str | None) -> str:
        if rule is None:
            r = self.rng.random()
            if year < 1960:
                rule = "cmnd" if r < 0.45 else ("none" if r < 0.65 else "cccd")
            elif year >= 2000:
                rule = "none" if r < 0.05 else "cccd"
            else:
                rule = "cmnd" if r < 0.15 else ("none" if r < 0.25 else "cccd")
        if rule == "none":
            return ""
        if rule == "cmnd":
            return self.ids.cmnd()
        province = self.home_province if self.rng.random() < 0.85 else self.rng.choice(OTHER_BIRTH_PROVINCES)
        return self.ids.cccd(sex=sex, year=year, province=province)

    def fresh_cccd(self, person: Person) -> str:
        """A CCCD nobody else holds, agreeing with the person's sex and birth year."""
        return self.ids.cccd(sex=person.sex, year=person.birth_year, province=self.home_province)

    def person(
        self, *, sex: str, year: int, id_rule: str | None, year_only: bool | None, avoid: list[Person]
    ) -> Person:
        avoid_keys = {name_key(p.name) for p in avoid} | {fold_diacritics(name_key(p.name)) for p in avoid}
        while True:
            name = self.name(sex)
            if name_key(name) not in avoid_keys and fold_diacritics(name_key(name)) not in avoid_keys:
                break
        if year_only is None:
            year_only = year < 1975 or self.rng.random() < 0.5
        date = None if year_only else self.full_date(year)
        return Person(name, sex, year, date, self.id_for(sex=sex, year=year, rule=id_rule))

    def owners(self, case: str | None, donor: Person | None) -> list[Person]:
        rng = self.rng
        if case in (None, "verified") and rng.random() < 0.006:
            place = f"{rng.choice(PLACE_FIRST)} {rng.choice(PLACE_SECOND)}"
            org = rng.choice(ORGANISATION_NAMES).format(place=place)
            return [Person(org, "", None, organisation=True)]
        couple = case != "enrich_co_holder" and rng.random() < 0.15
        id_rule = _HOLDER_ID_RULE.get(case or "")
        year_only = True if case in _YEAR_ONLY_CASES else None
        if donor is not None:
            sex, year = donor.sex, donor.birth_year
        else:
            sex = "M" if rng.random() < (0.8 if couple else 0.58) else "F"
            year = self.birth_year()
        while True:
            holder = self.person(sex=sex, year=year, id_rule=id_rule, year_only=year_only,
                                 avoid=[donor] if donor else [])  # fmt: skip
            # A name that carries no diacritic at all cannot be enriched with them.
            if case != "enrich_diacritics" or fold_diacritics(holder.name) != holder.name:
                break
        owners = [holder]
        if couple:
            other_sex = "F" if sex == "M" else "M"
            other_year = min(2006, max(1928, year + rng.randint(-3, 6) * (1 if sex == "M" else -1)))
            spouse = self.person(sex=other_sex, year=other_year, id_rule=None, year_only=None, avoid=owners)
            owners.append(spouse)
        return owners

    def registry_name(self, person: Person, *, fold: bool) -> str:
        """How the registry wrote the name: NFD, UPPER CASE, old-style tones, or no diacritics."""
        if fold:
            return fold_diacritics(person.name)
        text = person.name
        if person.organisation:
            return text.upper() if self.rng.random() < 0.2 else text
        if self.rng.random() < 0.35:
            text = old_style_tones(text)
        r = self.rng.random()
        if r < 0.08:
            text = text.upper()
        elif r < 0.18:
            text = unicodedata.normalize("NFD", text)
        return text

    def record_name(self, person: Person) -> str:
        return old_style_tones(person.name) if self.rng.random() < 0.05 else person.name

    def area(self, land_use: str) -> int:
        """Area in tenths of m² (kept as an integer so formatting is exact)."""
        low, high = AREA_RANGE[land_use]
        return self.rng.randint(low * 10, high * 10)

    @staticmethod
    def area_text(tenths: int, *, comma: bool = True) -> str:
        sep = "," if comma else "."
        return f"{tenths // 10}{sep}{tenths % 10}"

    def certificate(self, former: FormerUnit) -> tuple[str, str, dt.date]:
        rng = self.rng
        issued = dt.date(1994, 1, 1) + dt.timedelta(days=int(rng.triangular(0, 11_600, 5_500)))
        letters = rng.choice(SERIES_FIRST) + rng.choice(SERIES_SECOND)
        serial = self.ids.serial(letters=letters, issued=issued)
        count = self.book_counter.get(former.code, 0) + 1
        self.book_counter[former.code] = count
        prefix = "CH" if issued.year >= 2009 else rng.choice(("VP", "CS", "H"))
        return serial, f"{prefix} {count:05d}", issued

    def serial_variant(self, serial: str) -> str:
        if not serial:
            return ""
        letters, digits = serial.split(" ")
        r = self.rng.random()
        if r < 0.6:
            return serial
        if r < 0.8:
            return f"{letters.replace('Đ', 'D').lower()}{digits}"
        if r < 0.9:
            return f"{letters}{digits}"
        return f"{letters}-{digits}"

    def book_variant(self, book: str) -> str:
        return book.replace(" ", "") if book and self.rng.random() < 0.3 else book

    def land_use_variant(self, land_use: str) -> str:
        codes = land_use.split("+")
        r = self.rng.random()
        if len(codes) > 1 and r < 0.3:
            return "+".join(reversed(codes))
        if len(codes) > 1 and r < 0.5:
            return ", ".join(codes)
        if 0.5 <= r < 0.55:
            return land_use.lower()
        return land_use

    @staticmethod
    def other_land_use(land_use: str, urban: bool) -> str:
        residential = "ODT" if urban else "ONT"
        if "+" in land_use:
            return land_use.split("+")[0]
        if land_use in ("ONT", "ODT"):
            return f"{land_use}+CLN"
        return residential if land_use != residential else "CLN"

    def collected_on(self) -> str:
        return (CAMPAIGN_START + dt.timedelta(days=self.rng.randrange(CAMPAIGN_DAYS))).strftime("%d/%m/%Y")

    # -- the run

    def run(self, out_dir: Path) -> DemoSummary:
        out_dir.mkdir(parents=True, exist_ok=True)
        (out_dir / MANIFEST_FILE).unlink(missing_ok=True)
        wards = self.plan()
        names = DATA_FILES
        handles = {name: open(out_dir / f"{name}.tmp", "w", encoding="utf-8", newline="") for name in names}
        try:
            writers = {name: csv.writer(handle) for name, handle in handles.items()}
            writers[ASSIGNMENTS_FILE].writerow(ASSIGNMENT_COLUMNS)
            writers[REGISTRY_FILE].writerow(REGISTRY_COLUMNS)
            writers[RECORDS_FILE].writerow(RECORD_COLUMNS)
            writers[EXPECTED_FLAGS_FILE].writerow(EXPECTED_FLAG_COLUMNS)
            writers[EXPECTED_ENRICHMENTS_FILE].writerow(EXPECTED_ENRICHMENT_COLUMNS)
            for ward in wards:
                for former in ward.formers:
                    writers[ASSIGNMENTS_FILE].writerow(
                        (ward.code, ward.name, former.code, former.name, ward.target, former.group)
                    )
            for ward in wards:
                for former in ward.formers:
                    self.former_plots(ward, former, writers)
        finally:
            for handle in handles.values():
                handle.close()
        for name in names:
            os.replace(out_dir / f"{name}.tmp", out_dir / name)
        first_group = next((f.group for f in wards[0].formers if f.group), "")
        summary = DemoSummary(
            plots=self.plots,
            seed=self.seed,
            province_code=self.province_code,
            registry_rows=self.registry_rows,
            wards=len(wards),
            merged_wards=sum(1 for w in wards if len(w.formers) > 1),
            former_communes=sum(len(w.formers) for w in wards),
            collected_plots=self.collected_plots,
            records=self.records,
            expected_flags=self.flag_rows,
            expected_enrichments=self.enrichment_rows,
            cases=dict(self.case_counts),
            first_ward=wards[0].code,
            first_group=first_group,
            ward_codes=[w.code for w in wards],
            out_dir=str(out_dir),
        )
        manifest = out_dir / MANIFEST_FILE
        text = json.dumps(asdict(summary), ensure_ascii=False, indent=1)
        manifest.with_suffix(".tmp").write_text(text, "utf-8")
        os.replace(manifest.with_suffix(".tmp"), manifest)
        return summary

    def former_plots(self, ward: Ward, former: FormerUnit, writers: dict) -> None:
        rng = self.rng
        self.home_province = former.home_province
        sheet, number, per_sheet = 1, 0, rng.randint(60, 250)
        missing_number = 9000
        for _ in range(former.plots):
            number += 1
            if number > 1 and rng.random() < 0.03:
                number += 1  # numbers retired when plots were merged
            if number > per_sheet:
                sheet, number, per_sheet = sheet + 1, 1, rng.randint(60, 250)
            case = self.choose_case(former.code) if rng.random() < COLLECTED_SHARE else None
            if case is not None:
                self.case_counts[case] += 1
                if case in self.missing_cases:
                    self.missing_cases.remove(case)
            number_text = str(number)
            if case in (None, "verified") and rng.random() < 0.004:
                number_text = f"{number}a"  # a plot split after the survey
            registry_case = None if case == "not_in_registry" else case
            self.plot(ward, former, sheet, number_text, registry_case, writers)
            if case == "not_in_registry":
                missing_number += 1
                self.missing_plot(ward, former, rng.randint(1, sheet), missing_number, writers)

    def plot(self, ward: Ward, former: FormerUnit, sheet: int, number: str, case: str | None, writers: dict) -> None:
        rng = self.rng
        donor = self.take_donor(former.code) if case == "id_conflict" else None
        owners = self.owners(case, donor)
        holder = owners[0]
        land_use = self.pick(self.land_uses[ward.urban])
        if holder.organisation and land_use in ("ONT", "ODT", "LUC", "LUK"):
            land_use = rng.choice(("TMD", "SKC"))
        tenths = self.area(land_use)
        status_kind = self.pick(self.status_kinds) if case == "status" else ""
        has_certificate = status_kind != "not_issued" and (case is not None or rng.random() > 0.03)
        serial, book, issued = self.certificate(former) if has_certificate else ("", "", None)
        village = f"{'Tổ dân phố' if ward.urban else 'Thôn'} {rng.choice(VILLAGES)}"
        sheet_text = f"{sheet:03d}" if former.padded_sheets else str(sheet)
        fold_holder = case == "enrich_diacritics" or (case is None and rng.random() < 0.04)
        registry = writers[REGISTRY_FILE]
        for i, owner in enumerate(owners):
            self.registry_rows += 1
            registry.writerow((
                f"{former.code}-{self.registry_rows:07d}",
                ward.code,
                "" if ward.blank_old_code else former.code,
                sheet_text,
                number,
                self.area_text(tenths),
                land_use,
                f"{village}, {former.name}",
                self.registry_name(owner, fold=fold_holder and i == 0),
                owner.birth_text(),
                owner.id_number,
                f"{village}, {former.name}" if rng.random() < 0.8 else f"{village}, {ward.name}",
                serial,
                book,
                issued.strftime("%d/%m/%Y") if issued else "",
            ))  # fmt: skip
        if case is None:
            if not holder.organisation and len(holder.id_number) == 12 and len(self.donors) < 64:
                self.donors.append((holder, former.code))
            return
        self.collected_plots += 1
        co = owners[1] if len(owners) > 1 else None
        rec_number = number.upper()
        record = {
            "old_commune_code": former.code,
            "map_sheet": str(sheet),
            "plot_number": rec_number,
            "holder_name": self.record_name(holder),
            "holder_birth": holder.birth_text(),
            "holder_id_number": holder.id_number,
            "holder_old_id_number": "",
            "co_holder_name": self.record_name(co) if co else "",
            "co_holder_birth": co.birth_text() if co else "",
            "co_holder_id_number": co.id_number if co else "",
            "certificate_serial": self.serial_variant(serial),
            "certificate_book_number": self.book_variant(book),
            "area_m2": self.area_text(tenths, comma=rng.random() < 0.5),
            "land_use": self.land_use_variant(land_use),
            "actual_user_name": "",
            "certificate_status": "held",
            "owner_far_away": "0",
            "collected_by": ward.collector,
            "collected_on": self.collected_on(),
            "channel": self.pick(self.channels),
        }
        if case not in ("area",) and tenths >= 1000 and rng.random() < 0.05:
            record["area_m2"] = self.area_text(tenths + 5)  # 0.5 m² off: inside the tolerance
        records = [record]
        if case == "enrich_cccd":
            record["holder_id_number"] = self.fresh_cccd(holder)
        elif case == "id_upgrade":
            record["holder_id_number"] = self.fresh_cccd(holder)
            record["holder_old_id_number"] = holder.id_number
        elif case == "enrich_birth_date":
            record["holder_birth"] = self.full_date(holder.birth_year).strftime("%d/%m/%Y")
        elif case == "enrich_diacritics":
            record["holder_name"] = holder.name
        elif case == "enrich_co_holder":
            spouse_sex = "F" if holder.sex == "M" else "M"
            record["co_holder_name"] = self.person(
                sex=spouse_sex, year=holder.birth_year, id_rule="none", year_only=True, avoid=owners
            ).name
        elif case == "area":
            delta = max(20, round(tenths * 0.1))
            record["area_m2"] = self.area_text(tenths + delta if rng.random() < 0.7 else tenths - delta)
        elif case == "owner_name":
            family_middle = holder.name.rsplit(" ", 1)[0]
            keys = {name_key(p.name) for p in owners} | {fold_diacritics(name_key(p.name)) for p in owners}
            while True:
                other = f"{family_middle} {rng.choice(self.given[holder.sex])}"
                if name_key(other) not in keys and fold_diacritics(name_key(other)) not in keys:
                    break
            record["holder_name"] = other
        elif case == "id_number":
            record["holder_id_number"] = self.fresh_cccd(holder)
        elif case == "id_invalid":
            record["holder_id_number"] = self.ids.invalid(sex=holder.sex, year=holder.birth_year)
        elif case == "id_conflict":
            record["holder_id_number"] = donor.id_number
        elif case == "birth":
            shift = rng.choice((-5, -3, -2, -1, 1, 2, 4, 10))
            other_year = holder.birth_year + shift
            record["holder_birth"] = str(other_year if other_year <= 2006 else holder.birth_year - 2)
        elif case == "certificate":
            letters = serial.split(" ")[0]
            record["certificate_serial"] = self.ids.serial(letters=letters, issued=issued)
        elif case == "land_use":
            record["land_use"] = self.other_land_use(land_use, ward.urban)
        elif case == "actual_user":
            user = self.person(sex="M" if rng.random() < 0.6 else "F", year=self.birth_year(), id_rule="none",
                               year_only=True, avoid=owners)  # fmt: skip
            record["actual_user_name"] = user.name
        elif case == "status":
            if status_kind == "far_away":
                record["owner_far_away"] = "1"
            else:
                record["certificate_status"] = status_kind
                if status_kind == "lost":
                    record["certificate_serial"] = record["certificate_book_number"] = ""
        elif case == "duplicate":
            # Two visits to the same plot, the second measuring 0.5 m² more: inside the registry's
            # tolerance (no AREA_MISMATCH), yet the two records disagree on the area (§4.1).
            record["holder_birth"] = self.full_date(holder.birth_year).strftime("%d/%m/%Y")
            again = dict(record, area_m2=self.area_text(tenths + 5), collected_on=self.collected_on())
            again["channel"] = self.pick(self.channels)
            records.append(again)
        for row in records:
            writers[RECORDS_FILE].writerow([row[column] for column in RECORD_COLUMNS])
            self.records += 1
        self.expect(writers, former.code, str(sheet), rec_number, CASE_BY_NAME[case])

    def missing_plot(self, ward: Ward, former: FormerUnit, sheet: int, number: int, writers) -> None:
        """A record whose plot key the registry does not have (numbers from 9000 up)."""
        rng = self.rng
        sex = "M" if rng.random() < 0.6 else "F"
        person = self.person(sex=sex, year=self.birth_year(), id_rule=None, year_only=None, avoid=[])
        land_use = self.pick(self.land_uses[ward.urban])
        serial, book, _ = self.certificate(former)
        row = {
            "old_commune_code": former.code, "map_sheet": str(sheet), "plot_number": str(number),
            "holder_name": person.name, "holder_birth": person.birth_text(),
            "holder_id_number": person.id_number, "holder_old_id_number": "",
            "co_holder_name": "", "co_holder_birth": "", "co_holder_id_number": "",
            "certificate_serial": serial, "certificate_book_number": book,
            "area_m2": self.area_text(self.area(land_use)), "land_use": land_use, "actual_user_name": "",
            "certificate_status": "held", "owner_far_away": "0", "collected_by": ward.collector,
            "collected_on": self.collected_on(), "channel": self.pick(self.channels),
        }  # fmt: skip
        writers[RECORDS_FILE].writerow([row[column] for column in RECORD_COLUMNS])
        self.records += 1
        self.expect(writers, former.code, str(sheet), str(number), CASE_BY_NAME["not_in_registry"])

    def expect(self, writers, code: str, sheet: str, number: str, case: Case) -> None:
        for flag in case.flags:
            writers[EXPECTED_FLAGS_FILE].writerow((code, sheet, number, flag))
            self.flag_rows += 1
        for kind in case.enrichments:
            writers[EXPECTED_ENRICHMENTS_FILE].writerow((code, sheet, number, kind))
            self.enrichment_rows += 1


def demo_generate(*, out_dir: Path, plots: int = 3000, seed: int = 1, province_code: str = "24") -> DemoSummary:
    """Write the demo files into `out_dir` (replacing any there) and return what was written."""
    if plots < 1:
        raise ValueError("plots must be at least 1")
    return _Generator(plots=plots, seed=seed, province_code=province_code).run(Path(out_dir))


def demo_manifest(out_dir: Path) -> dict | None:
    """The manifest of a complete earlier run in `out_dir`, or None."""
    path = Path(out_dir) / MANIFEST_FILE
    try:
        manifest = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return None
    names = DATA_FILES
    if not all((Path(out_dir) / name).is_file() for name in names):
        return None
    return manifest
