"""Validating registry rows one by one with the shared rules of `landdata.normalize`.

The checks below run 270,000 times for a province: values that repeat (codes, sheets, areas, land
uses, dates, names) go through small caches around the normalize rules, so each distinct value is
judged once and every row gets the same answer.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from django.utils.translation import gettext as _

from landdata import normalize
from landdata.models import Certificate, LandUser
from landdata.tabular import RowErrors, text_value

MAX_AREA = Decimal("999999999999.99")
_TWO_PLACES = Decimal("0.01")


@lru_cache(maxsize=4096)
def _commune(raw: str) -> tuple[str, bool]:
    """(code with its leading zeros, whether it is a 5-digit commune code)."""
    code = normalize.commune_code(raw)
    return code, len(code) == 5 and code.isdigit() and code.isascii()


@lru_cache(maxsize=65536)
def _key_part(raw: str) -> str:
    return normalize.plot_key_part(raw)


_LAND_USE_CODE_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ")


@lru_cache(maxsize=4096)
def _land_use(raw: str) -> tuple[str, frozenset[str], tuple[str, ...]]:
    """(canonical "CLN+ONT" so that equal sets compare equal in SQL too, the codes, the bad codes)."""
    codes = normalize.parse_land_use(raw)
    bad = tuple(code for code in codes if not (2 <= len(code) <= 4 and set(code) <= _LAND_USE_CODE_CHARS))
    return normalize.format_land_use(codes), codes, bad


_NOT_A_NUMBER = "nan"
_OUT_OF_RANGE = "range"


@lru_cache(maxsize=65536, typed=True)
def _area(raw: object) -> Decimal | str | None:
    """The area rounded to 2 places, None when blank, or why it is refused (areas repeat a lot)."""
    try:
        area = normalize.parse_decimal(raw)
    except ValueError:
        return _NOT_A_NUMBER
    if area is None:
        return None
    if area < 0 or area > MAX_AREA:
        return _OUT_OF_RANGE
    return area.quantize(_TWO_PLACES)


def _texts(values: tuple) -> list[str]:
    """Every cell as text (CSV cells already are; spreadsheet numbers lose their '.0')."""
    return [v if v.__class__ is str else text_value(v) for v in values]


@dataclass(frozen=True)
class FormerUnit:
    code: str
    name: str


class RegistryValidator:
    """Checks one row at a time and remembers what later rows must agree with.

    `former_units` maps each commune (2025 unit) to the former communes it was merged from, as the
    official units table or the assignment list has them: a row without its former commune code is
    filed under the one former unit, and refused where there are several (contract §2.1) — the new
    unit's code is often a former unit's, but not necessarily the row's.
    """

    def __init__(self, errors: RowErrors, today: dt.date, *, former_units: Mapping[str, Sequence[FormerUnit]] = {}):
        self.errors = errors
        self.today = today
        self.former_units = former_units
        self.registry_rows: dict[str, int] = {}
        self.plots: dict[tuple[str, str, str], tuple[int, Decimal, frozenset[str], str]] = {}
        self.certificates: set[tuple[str, str, str, str, str]] = set()
        self._dates: dict[object, normalize.PartialDate | None | ValueError] = {}

    def date(self, raw: object) -> normalize.PartialDate | None:
        """parse_partial_date, remembered: birth years and issue dates repeat a lot."""
        try:
            found = self._dates[raw]
        except KeyError:
            try:
                found = normalize.parse_partial_date(raw, today=self.today)
            except ValueError as exc:
                found = exc
            except TypeError:  # unhashable never happens for cell values; be safe
                found = ValueError(repr(raw))
            self._dates[raw] = found
        if isinstance(found, ValueError):
            raise found
        return found

    def row(self, row_no: int, values: tuple) -> tuple | None:
        """Check one row (cells in REGISTRY_COLUMNS order); the staging tuple, or None if bad."""
        bad = self.errors.count
        (
            registry_id,
            commune_text,
            former_text,
            map_sheet,
            plot_number,
            _area_text,
            land_use_text,
            plot_address,
            full_name,
            _birth_text,
            id_text,
            address,
            serial,
            book_number,
            _issued_text,
        ) = _texts(values)
        self._registry_id(row_no, registry_id)
        commune_code, former_code = self._units(row_no, commune_text, former_text)
        sheet_key, number_key = self._plot_numbers(row_no, map_sheet, plot_number)
        area = self._area(row_no, values[5])
        land_use, land_use_codes = self._land_use(row_no, land_use_text)
        self._length(row_no, "plot_address", plot_address, 300)
        self._required(row_no, "owner_name", full_name, 200)
        birth = self._birth(row_no, values[9])
        id_number = self._id_number(row_no, id_text)
        self._length(row_no, "owner_address", address, 300)
        self._length(row_no, "certificate_serial", serial, 40)
        self._length(row_no, "certificate_book_number", book_number, 40)
        issue_date = self._issue_date(row_no, values[14])
        if self.errors.count > bad:
            return None

        plot_key = (former_code, sheet_key, number_key)
        plot_first = self._same_plot_as_before(row_no, plot_key, area, land_use, land_use_codes, plot_address)
        if self.errors.count > bad:
            return None
        serial_key = Certificate.derived(serial=serial)["serial_key"]
        has_cert, cert_first = self._certificate(plot_key, serial_key, book_number)
        birth_year = birth.year if birth else None
        user = LandUser.derived(full_name=full_name, id_number=id_number, birth_year=birth_year)
        return (
            row_no,
            registry_id,
            commune_code,
            former_code,
            map_sheet,
            plot_number,
            sheet_key,
            number_key,
            area,
            land_use,
            plot_address,
            plot_first,
            full_name,
            user["name_folded"],
            birth_year,
            birth.date if birth else None,
            id_number,
            user["id_kind"],
            address,
            serial,
            serial_key,
            book_number,
            issue_date,
            has_cert,
            cert_first,
        )

    # --- the steps of a row ----------------------------------------------------------------

    def _length(self, row_no: int, key: str, value: str, limit: int) -> None:
        if len(value) > limit:
            self.errors.add(row_no, key, _("dài quá %(n)d ký tự") % {"n": limit})

    def _required(self, row_no: int, key: str, value: str, limit: int) -> None:
        if not value:
            self.errors.add(row_no, key, _("bắt buộc"))
        else:
            self._length(row_no, key, value, limit)

    def _registry_id(self, row_no: int, registry_id: str) -> None:
        self._required(row_no, "registry_id", registry_id, 50)
        if not registry_id or len(registry_id) > 50:
            return
        if (first := self.registry_rows.get(registry_id)) is not None:
            self.errors.add(
                row_no, "registry_id", _("“%(value)s” trùng với dòng %(row)d") % {"value": registry_id, "row": first}
            )
        else:
            self.registry_rows[registry_id] = row_no

    def _units(self, row_no: int, commune_text: str, former_text: str) -> tuple[str, str]:
        """The commune's code and the former commune's (defaulted where the commune had one former unit)."""
        commune_code, commune_ok = _commune(commune_text)
        if not commune_code:
            self.errors.add(row_no, "commune_code", _("bắt buộc"))
        elif not commune_ok:
            self.errors.add(
                row_no, "commune_code", _("“%(value)s” không phải mã xã 5 chữ số") % {"value": commune_code}
            )
        if former_text:
            former_code, former_ok = _commune(former_text)
            if not former_ok:
                self.errors.add(
                    row_no, "old_commune_code", _("“%(value)s” không phải mã xã 5 chữ số") % {"value": former_code}
                )
            return commune_code, former_code
        formers = self.former_units.get(commune_code, ())
        if len(formers) > 1:
            self.errors.add(
                row_no,
                "old_commune_code",
                _("bắt buộc: %(commune)s được sáp nhập từ nhiều xã cũ (%(formers)s); số tờ, số thửa thuộc xã cũ nào?")
                % {"commune": commune_code, "formers": ", ".join(f"{f.name} {f.code}" for f in formers)},
            )
        return commune_code, formers[0].code if len(formers) == 1 else commune_code

    def _plot_numbers(self, row_no: int, map_sheet: str, plot_number: str) -> tuple[str, str]:
        self._required(row_no, "map_sheet", map_sheet, 20)
        self._required(row_no, "plot_number", plot_number, 20)
        sheet_key, number_key = _key_part(map_sheet), _key_part(plot_number)
        if sheet_key.endswith(".0"):  # "12.0" typed as text is still sheet 12
            sheet_key = _key_part(sheet_key[:-2])
        return sheet_key, number_key

    def _area(self, row_no: int, raw: object) -> Decimal | None:
        area = _area(raw)
        if area is None:
            self.errors.add(row_no, "area_m2", _("bắt buộc"))
        elif area is _NOT_A_NUMBER:
            self.errors.add(row_no, "area_m2", _("“%(value)s” không phải là số") % {"value": raw})
        elif area is _OUT_OF_RANGE:
            self.errors.add(row_no, "area_m2", _("“%(value)s” ngoài khoảng cho phép") % {"value": raw})
        return area if isinstance(area, Decimal) else None

    def _land_use(self, row_no: int, text: str) -> tuple[str, frozenset[str]]:
        land_use, codes, bad_codes = _land_use(text)
        for code in bad_codes:
            self.errors.add(row_no, "land_use", _("“%(value)s” không phải mã mục đích sử dụng đất") % {"value": code})
        self._length(row_no, "land_use", land_use, 100)
        return land_use, codes

    def _birth(self, row_no: int, raw: object) -> normalize.PartialDate | None:
        try:
            return self.date(raw)
        except ValueError:
            self.errors.add(row_no, "owner_birth", _("“%(value)s” không phải ngày hoặc năm hợp lệ") % {"value": raw})
            return None

    def _id_number(self, row_no: int, text: str) -> str:
        id_number = normalize.clean_id(text)
        if id_number and not id_number.isdigit():
            self.errors.add(
                row_no,
                "owner_id_number",
                _("“%(value)s” không phải số CMND/CCCD (giống số phát hành hoặc số vào sổ GCN)") % {"value": text},
            )
        else:
            self._length(row_no, "owner_id_number", id_number, 20)
        return id_number

    def _issue_date(self, row_no: int, raw: object) -> dt.date | None:
        try:
            issued = self.date(raw)
        except ValueError:
            self.errors.add(row_no, "certificate_issue_date", _("“%(value)s” không phải ngày hợp lệ") % {"value": raw})
            return None
        if issued is not None and not issued.is_full:
            self.errors.add(row_no, "certificate_issue_date", _("cần đủ ngày, tháng, năm (dd/mm/yyyy)"))
            return None
        return issued.date if issued else None

    def _same_plot_as_before(
        self,
        row_no: int,
        plot_key: tuple[str, str, str],
        area: Decimal | None,
        land_use: str,
        codes: frozenset[str],
        address: str,
    ) -> int:
        """1 for the plot's first row; a co-owner's row must repeat the plot's area, land use and address."""
        seen = self.plots.get(plot_key)
        if seen is None:
            self.plots[plot_key] = (row_no, area, codes, address)
            return 1
        first_row, first_area, first_codes, first_address = seen
        if first_area != area:
            self.errors.add(
                row_no,
                "area_m2",
                _("%(value)s khác dòng %(row)d của cùng thửa (%(other)s)")
                % {"value": area, "row": first_row, "other": first_area},
            )
        if first_codes != codes:
            self.errors.add(
                row_no,
                "land_use",
                _("“%(value)s” khác dòng %(row)d của cùng thửa (%(other)s)")
                % {"value": land_use, "row": first_row, "other": "+".join(sorted(first_codes))},
            )
        if first_address != address and normalize.name_key(first_address) != normalize.name_key(address):
            self.errors.add(
                row_no,
                "plot_address",
                _("“%(value)s” khác dòng %(row)d của cùng thửa") % {"value": address, "row": first_row},
            )
        return 0

    def _certificate(self, plot_key: tuple[str, str, str], serial_key: str, book_number: str) -> tuple[int, int]:
        """(the row names a certificate, it is that certificate's first row)."""
        if not (serial_key or book_number):
            return 0, 0
        cert_key = (*plot_key, serial_key, book_number)
        if cert_key in self.certificates:
            return 1, 0
        self.certificates.add(cert_key)
        return 1, 1
