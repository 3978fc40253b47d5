"""The official 2025 administrative units of a province, read from the `vietnamadminunits` package.

The package (MIT, maintained, Python ≥ 3.7) carries the 3,321 communes and wards of 2025 and the
10,040 units before the reform in a SQLite file, with the old → new table keyed by name keys
(`tinhbacninh_thixaquevo_phuongnhanhoa`). Only its data files are read: importing the package would
pull in its geocoding and address parsing, which the portal does not need.

A new unit's code is always one of its former units' codes, and often not the one whose name it
kept (Phường Nhân Hòa is 09253, the code of former Phường Đại Xuân): so the table is read by keys and
names, never by guessing from codes.
"""

from __future__ import annotations

import importlib.util
import json
import sqlite3
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

PACKAGE = "vietnamadminunits"


class AdminUnitsUnavailable(Exception):
    """The package or its data files are missing (say which)."""


@dataclass(frozen=True)
class FormerUnit:
    """A commune or ward before 1 Jul 2025, and the 2025 units it went into (more than one if it was split)."""

    code: str
    name: str
    district: str
    merged_into: tuple[str, ...]  # 2025 unit codes; the first is where most of it went
    province_code: str = ""  # of the province before the reform (27 for the former Bắc Ninh)


@dataclass(frozen=True)
class Unit:
    """A commune, ward or special zone since 1 Jul 2025, with the former units it was made of."""

    code: str
    name: str
    formers: tuple[FormerUnit, ...] = field(default=())


@dataclass(frozen=True)
class Province:
    code: str
    name: str  # "Bắc Ninh", without "Tỉnh" / "Thành phố"
    units: tuple[Unit, ...]

    @property
    def former_units(self) -> dict[str, FormerUnit]:
        return {f.code: f for unit in self.units for f in unit.formers}


def _data_dir() -> Path:
    spec = importlib.util.find_spec(PACKAGE)  # locates the package without running its __init__
    if spec is None or not spec.submodule_search_locations:
        raise AdminUnitsUnavailable(f"the {PACKAGE} package is not installed")
    data = Path(next(iter(spec.submodule_search_locations))) / "data"
    for name in ("dataset.db", "converter_2025.json"):
        if not (data / name).is_file():
            raise AdminUnitsUnavailable(f"{PACKAGE} has no data file {name}")
    return data


def _province_name(full: str) -> str:
    for prefix in ("Thành phố ", "Tỉnh "):
        if full.startswith(prefix):
            return full[len(prefix) :]
    return full


@cache
def official_province(code: str) -> Province:
    """The province's 2025 units with their former units; AdminUnitsUnavailable, or LookupError for a code
    that is not one of the 34 provinces."""
    data = _data_dir()
    with sqlite3.connect(f"file:{data / 'dataset.db'}?mode=ro", uri=True) as db:
        new_rows = db.execute(
            "SELECT wardCode, ward, wardKey, province, provinceKey FROM admin_units WHERE provinceCode = ? ORDER BY wardCode",
            (code,),
        ).fetchall()
        if not new_rows:
            raise LookupError(f"no province {code!r} in the 2025 list")
        legacy = {
            f"{p}_{d}_{w}": (ward_code, ward, district, old_province)
            for p, d, w, ward_code, ward, district, old_province in db.execute(
                "SELECT provinceKey, districtKey, wardKey, wardCode, ward, district, provinceCode FROM admin_units_legacy"
            )
        }
    table = json.loads((data / "converter_2025.json").read_text(encoding="utf-8"))
    province_key = new_rows[0][4]
    whole = table["DICT_PROVINCE_WARD_NO_DIVIDED"].get(province_key, {})
    split = table["DICT_PROVINCE_WARD_DIVIDED"].get(province_key, {})
    code_of_key = {ward_key: ward_code for ward_code, _n, ward_key, _p, _pk in new_rows}

    # Former unit (by legacy key) → the new units it went into, the default first.
    destinations: dict[str, list[str]] = defaultdict(list)
    for new_key, legacy_keys in whole.items():
        for legacy_key in legacy_keys:
            destinations[legacy_key].append(code_of_key[new_key])
    for legacy_key, parts in split.items():
        ordered = sorted(parts, key=lambda part: not part["isDefaultNewWard"])
        destinations[legacy_key].extend(code_of_key[p["newWardKey"]] for p in ordered if p["newWardKey"] in code_of_key)

    formers_of: dict[str, list[FormerUnit]] = defaultdict(list)
    for legacy_key, codes in destinations.items():
        ward_code, ward, district, old_province = legacy[legacy_key]
        former = FormerUnit(
            code=ward_code,
            name=ward,
            district=district,
            merged_into=tuple(dict.fromkeys(codes)),
            province_code=old_province,
        )
        for unit_code in former.merged_into:
            formers_of[unit_code].append(former)
    units = tuple(
        Unit(code=ward_code, name=name, formers=tuple(sorted(formers_of[ward_code], key=lambda f: f.code)))
        for ward_code, name, _k, _p, _pk in new_rows
    )
    return Province(code=code, name=_province_name(new_rows[0][3]), units=units)
