"""Validating registry rows one by one with the shared rules of `landdata.normalize`.

The checks below run 270,000 times for a province: values that repeat (codes, sheets, areas, land
uses, dates, names) go through small caches around the normalize rules, so each distinct value is
judged once and every row gets the same answer.
"""

from __future__ import annotations

import datetime as dt
import itertools
import operator
from collections.abc import Iterable, Mapping, Sequence
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


def _sheet_key(raw: str) -> str:
    sheet_key = _key_part(raw)
    if sheet_key.endswith(".0"):  # "12.0" typed as text is still sheet 12
        sheet_key = _key_part(sheet_key[:-2])
    return sheet_key


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


def _same_address(first: str, other: str) -> bool:
    """A co-owner's row may write the plot's address with other spaces, case or tone placement."""
    return first == other or normalize.name_key(first) == normalize.name_key(other)


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
        # The plot's first row, area, land use and address, and its number in the file (1, 2, …):
        # a first import writes the plots with ids in that order (write.copy_all_new).
        self.plots: dict[tuple[str, str, str], tuple[int, Decimal, frozenset[str], str, int]] = {}
        # Each certificate's number in the file, likewise.
        self.certificates: dict[tuple[str, str, str, str, str], int] = {}
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
        plot_first, plot_no = self._same_plot_as_before(row_no, plot_key, area, land_use, land_use_codes, plot_address)
        if self.errors.count > bad:
            return None
        serial_key = _serial_key(serial)
        has_cert, cert_first, cert_no = self._certificate(plot_key, serial_key, book_number)
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
            plot_no,
            cert_no,
        )

    def rows(self, numbered: Sequence[tuple[int, tuple]]) -> list[tuple]:
        """Check a chunk of rows; the staging tuples of the good ones, as `row` gives them one by one.

        While the file has no error, the chunk is checked column by column (`_clean_chunk`): each
        rule runs once per distinct value and the length, blank and duplicate checks are C-level
        scans. At the first chunk it cannot clear, the rows are checked one by one, so that the
        errors are worded and ordered exactly as before.
        """
        if not self.errors:
            clean = self._clean_chunk(numbered)
            if clean is not None:
                return clean
        staged = []
        for row_no, values in numbered:
            one = self.row(row_no, values)
            if one is not None:
                staged.append(one)
        return staged

    def _clean_chunk(self, numbered: Sequence[tuple[int, tuple]]) -> list[tuple] | None:
        """The staging tuples of a chunk of rows if every row is valid, else None (nothing remembered).

        The same rules as `row`, applied a column at a time; what later rows must agree with
        (registry ids, plots, certificates) is remembered only once the whole chunk has passed.
        """
        n = len(numbered)
        if not n:
            return []
        row_nos, rows = zip(*numbered)
        raw = list(zip(*rows))
        (
            registry_ids,
            commune_texts,
            former_texts,
            map_sheets,
            plot_numbers,
            _area_texts,
            land_use_texts,
            plot_addresses,
            full_names,
            _birth_texts,
            id_texts,
            addresses,
            serials,
            book_numbers,
            _issued_texts,
        ) = (_text_column(column) for column in raw)

        if not _filled(registry_ids, 50) or len(set(registry_ids)) != n:
            return None
        if not self.registry_rows.keys().isdisjoint(registry_ids):
            return None
        communes = {text: _commune(text) for text in set(commune_texts)}
        if not all(ok for _code, ok in communes.values()):
            return None
        commune_codes = _by(commune_texts, {text: code for text, (code, _ok) in communes.items()})
        formers = {pair: self._former(*pair) for pair in set(zip(commune_codes, former_texts))}
        if any(problem for _code, problem in formers.values()):
            return None
        former_codes = _by(zip(commune_codes, former_texts), {pair: code for pair, (code, _) in formers.items()})
        if not (_filled(map_sheets, 20) and _filled(plot_numbers, 20)):
            return None
        sheet_keys = _mapped(map_sheets, _sheet_key)
        number_keys = _mapped(plot_numbers, _key_part)
        areas, _area_of = _judged(raw[5], _area)
        if not all(area.__class__ is Decimal for area in (_area_of.values() if _area_of else areas)):
            return None
        land_use_of = {text: _land_use(text) for text in set(land_use_texts)}
        if any(bad or len(text) > 100 for text, _codes, bad in land_use_of.values()):
            return None
        land_uses = _by(land_use_texts, {text: canonical for text, (canonical, _, _) in land_use_of.items()})
        land_use_codes = _by(land_use_texts, {text: codes for text, (_, codes, _) in land_use_of.items()})
        if not (
            _short(plot_addresses, 300)
            and _filled(full_names, 200)
            and _short(addresses, 300)
            and _short(serials, 40)
            and _short(book_numbers, 40)
        ):
            return None
        births, birth_of = _judged(raw[9], self._date_or_error)
        if any(isinstance(found, ValueError) for found in (birth_of.values() if birth_of else births)):
            return None
        issued, issued_of = _judged(raw[14], self._date_or_error)
        if any(
            isinstance(found, ValueError) or (found and not found.is_full)
            for found in (issued_of.values() if issued_of else issued)
        ):
            return None
        issue_dates = _then(raw[14], issued, issued_of, lambda found: found.date if found else None)
        id_of = {text: normalize.clean_id(text) for text in set(id_texts)}
        if any((number and not number.isdigit()) or len(number) > 20 for number in id_of.values()):
            return None
        id_numbers = _by(id_texts, id_of)

        # Co-owners' rows: the plot's first row (earlier chunks or this one) sets its area, land use, address.
        plot_keys = list(zip(former_codes, sheet_keys, number_keys))
        firsts_here = _first_index(plot_keys)
        plot_first = _first_flags(plot_keys, firsts_here, self.plots.keys())
        for i in itertools.compress(range(n), map(operator.not_, plot_first)):
            key = plot_keys[i]
            seen = self.plots.get(key)
            if seen is None:
                j = firsts_here[key]
                seen = (row_nos[j], areas[j], land_use_codes[j], plot_addresses[j], 0)
            _first_row, first_area, first_codes, first_address, _no = seen
            if first_area != areas[i] or first_codes != land_use_codes[i]:
                return None
            if not _same_address(first_address, plot_addresses[i]):
                return None

        serial_keys = _mapped(serials, _serial_key)
        has_cert = list(map(int, map(any, zip(serial_keys, book_numbers))))
        cert_keys = list(zip(former_codes, sheet_keys, number_keys, serial_keys, book_numbers))
        cert_first = list(
            map(operator.and_, has_cert, _first_flags(cert_keys, _first_index(cert_keys), self.certificates.keys()))
        )
        birth_years = _then(raw[9], births, birth_of, lambda birth: birth.year if birth else None)
        birth_dates = _then(raw[9], births, birth_of, lambda birth: birth.date if birth else None)
        # LandUser.derived, a column at a time: the folded name per distinct name, the ID's kind per
        # distinct (number, birth year).
        names_folded = _mapped(full_names, normalize.name_folded)
        id_kinds = _mapped(
            list(zip(id_numbers, birth_years)),
            lambda pair: normalize.classify_id(pair[0], birth_year=pair[1]).value,
        )

        self.registry_rows.update(zip(registry_ids, row_nos))
        plots_before = len(self.plots)

        def firsts(column: Sequence) -> Iterable:
            return itertools.compress(column, plot_first)

        new_plots = list(firsts(plot_keys))
        self.plots.update(
            zip(
                new_plots,
                zip(
                    firsts(row_nos),
                    firsts(areas),
                    firsts(land_use_codes),
                    firsts(plot_addresses),
                    itertools.count(plots_before + 1),
                ),
            )
        )
        number_of = dict(zip(new_plots, itertools.count(plots_before + 1)))
        number_of.update((key, self.plots[key][4]) for key in set(plot_keys).difference(number_of))  # earlier chunks'
        plot_nos = _by(plot_keys, number_of)
        certificates_before = len(self.certificates)
        self.certificates.update(
            zip(itertools.compress(cert_keys, cert_first), itertools.count(certificates_before + 1))
        )
        # Only the keys of rows naming a certificate are in self.certificates: the others get 0.
        cert_nos = list(map(self.certificates.get, cert_keys, itertools.repeat(0, n)))
        return list(
            zip(
                row_nos,
                registry_ids,
                commune_codes,
                former_codes,
                map_sheets,
                plot_numbers,
                sheet_keys,
                number_keys,
                areas,
                land_uses,
                plot_addresses,
                plot_first,
                full_names,
                names_folded,
                birth_years,
                birth_dates,
                id_numbers,
                id_kinds,
                addresses,
                serials,
                serial_keys,
                book_numbers,
                issue_dates,
                has_cert,
                cert_first,
                plot_nos,
                cert_nos,
            )
        )

    def _date_or_error(self, raw: object) -> normalize.PartialDate | ValueError | None:
        try:
            return self.date(raw)
        except ValueError as exc:
            return exc

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
        former_code, problem = self._former(commune_code, former_text)
        if problem:
            self.errors.add(row_no, "old_commune_code", problem)
        return commune_code, former_code

    def _former(self, commune_code: str, former_text: str) -> tuple[str, str]:
        """(the row's former commune code, what is wrong with it or "")."""
        if former_text:
            former_code, former_ok = _commune(former_text)
            if not former_ok:
                return former_code, _("“%(value)s” không phải mã xã 5 chữ số") % {"value": former_code}
            return former_code, ""
        formers = self.former_units.get(commune_code, ())
        if len(formers) > 1:
            return commune_code, _(
                "bắt buộc: %(commune)s được sáp nhập từ nhiều xã cũ (%(formers)s); số tờ, số thửa thuộc xã cũ nào?"
            ) % {"commune": commune_code, "formers": ", ".join(f"{f.name} {f.code}" for f in formers)}
        return (formers[0].code if len(formers) == 1 else commune_code), ""

    def _plot_numbers(self, row_no: int, map_sheet: str, plot_number: str) -> tuple[str, str]:
        self._required(row_no, "map_sheet", map_sheet, 20)
        self._required(row_no, "plot_number", plot_number, 20)
        return _sheet_key(map_sheet), _key_part(plot_number)

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
    ) -> tuple[int, int]:
        """(1 for the plot's first row else 0, the plot's number in the file); a co-owner's row must
        repeat the plot's area, land use and address."""
        seen = self.plots.get(plot_key)
        if seen is None:
            plot_no = len(self.plots) + 1
            self.plots[plot_key] = (row_no, area, codes, address, plot_no)  # type: ignore[assignment]
            return 1, plot_no
        first_row, first_area, first_codes, first_address, plot_no = seen
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
        if not _same_address(first_address, address):
            self.errors.add(
                row_no,
                "plot_address",
                _("“%(value)s” khác dòng %(row)d của cùng thửa") % {"value": address, "row": first_row},
            )
        return 0, plot_no

    def _certificate(self, plot_key: tuple[str, str, str], serial_key: str, book_number: str) -> tuple[int, int, int]:
        """(the row names a certificate, it is that certificate's first row, its number in the file or 0)."""
        if not (serial_key or book_number):
            return 0, 0, 0
        cert_key = (*plot_key, serial_key, book_number)
        if (cert_no := self.certificates.get(cert_key)) is not None:
            return 1, 0, cert_no
        cert_no = self.certificates[cert_key] = len(self.certificates) + 1
        return 1, 1, cert_no


# --- column at a time (RegistryValidator.rows) -----------------------------------------------

_PLAIN_CELLS = frozenset({str, type(None)})


def _text_column(column: tuple) -> Sequence[str]:
    """`_texts` for one column of a chunk."""
    try:
        "".join(column)  # TypeError unless every cell is text (always, for a CSV file): a C-level scan
        return column
    except TypeError:
        pass
    kinds = set(map(type, column))
    if kinds <= _PLAIN_CELLS:
        return list(map({None: ""}.get, column, column))
    return [v if v.__class__ is str else text_value(v) for v in column]


def _short(column: Sequence[str], limit: int) -> bool:
    return max(map(len, column)) <= limit


def _filled(column: Sequence[str], limit: int) -> bool:
    return "" not in column and max(map(len, column)) <= limit


def _mapped(column: Sequence, rule) -> list:
    """`rule` of every value, computed once per distinct value."""
    of = {value: rule(value) for value in set(column)}
    return list(map(of.__getitem__, column))


def _judged(column: Sequence, rule) -> tuple[list, dict | None]:
    """(rule(cell) for every cell, {cell: rule(cell)} or None), the rule run once per distinct cell.

    Only text cells are told apart by value: a spreadsheet's 1, 1.0 and True are equal dict keys
    but not the same cell, so a column holding such cells is judged cell by cell (and no dict)."""
    if set(map(type, column)) <= _PLAIN_CELLS:
        of = {cell: rule(cell) for cell in set(column)}
        return list(map(of.__getitem__, column)), of
    return [rule(cell) for cell in column], None


def _then(column: Sequence, answers: list, of: dict | None, then) -> list:
    """then(answer) for every cell's answer of `_judged`, once per distinct cell where it could."""
    if of is None:
        return [then(answer) for answer in answers]
    return _by(column, {cell: then(answer) for cell, answer in of.items()})


def _by(column: Iterable, of: Mapping) -> list:
    return list(map(of.__getitem__, column))


def _first_index(keys: Sequence) -> dict:
    """{key: index of its first occurrence}: a dict built from the end keeps the first index."""
    return dict(zip(reversed(keys), range(len(keys) - 1, -1, -1)))


def _first_flags(keys: Sequence, first: Mapping, seen) -> list[int]:
    """1 where a key occurs for the first time (neither earlier in `keys` nor in `seen`), else 0."""
    flags = list(map(int, map(operator.eq, map(first.__getitem__, keys), range(len(keys)))))
    for key in first.keys() & seen:
        flags[first[key]] = 0
    return flags


def _serial_key(serial: str) -> str:
    return Certificate.derived(serial=serial)["serial_key"]
