"""The registry rows checked a column at a time give exactly what the row-by-row check gives.

RegistryValidator.rows clears a chunk column by column while the file has no error, and falls back to
`row` for the chunk it cannot clear: the staged tuples, the errors, their wording and their order must
be the same whatever the chunk size.
"""

from __future__ import annotations

import datetime as dt

import pytest

from landdata.registry_import.columns import REGISTRY_COLUMNS
from landdata.registry_import.validate import FormerUnit, RegistryValidator
from landdata.tabular import RowErrors
from tests.landdata.conftest import registry_row

KEYS = [column.key for column in REGISTRY_COLUMNS]
TODAY = dt.date(2025, 6, 1)
FORMERS = {
    "09000": [FormerUnit("09001", "Xã A")],
    "09100": [FormerUnit("09101", "Xã B"), FormerUnit("09102", "Xã C")],
}


def row(**cells) -> tuple:
    """A registry row's cells in REGISTRY_COLUMNS order, as the reader gives them (an empty cell: None)."""
    values = registry_row(**{"owner_id_number": None, **cells})
    return tuple(values[key] for key in KEYS)


def good_rows() -> list[tuple]:
    return [
        row(registry_id="R1"),
        row(registry_id="R2", owner_name="Trần Thị Bình", owner_birth="02/03/1962"),  # co-owner, same GCN
        row(registry_id="R3", plot_number="346", certificate_serial=None, certificate_book_number=None),
        row(registry_id="R4", plot_number="0346", plot_address="thôn  1", land_use="CLN+ONT", area_m2="250.50"),
        row(registry_id="R5", old_commune_code=None, map_sheet="12.0", plot_number="45a", area_m2="1.234,5"),
        row(registry_id="R6", map_sheet="012", plot_number="45A", area_m2="1234.5", owner_id_number="027160123456"),
        row(registry_id="R7", plot_number="7", owner_id_number="0271 3826-5198", owner_birth="1938"),
        row(registry_id="R8", plot_number="8", owner_id_number="105032582", owner_birth=None),
        row(registry_id="R9", plot_number="9", owner_id_number="027199123456", certificate_serial="AB 000009"),
        row(registry_id="R10", plot_number="9", certificate_serial="AB 000010", owner_name="Lê Văn C"),
        row(registry_id="R11", plot_number="10", certificate_serial=None, certificate_issue_date=None),
        row(registry_id="R12", commune_code="9000", old_commune_code="9002", land_use=None, plot_address=None),
        row(
            registry_id="R13",
            commune_code="9000",
            old_commune_code="9002",
            land_use=None,
            plot_address=None,
            owner_address=None,
        ),
    ]


def spreadsheet_rows() -> list[tuple]:
    """Cells as an XLSX reader gives them: numbers, booleans and dates, not text."""
    return [
        row(registry_id="S1", commune_code=9000, old_commune_code=9001.0, map_sheet=12.0, plot_number=1, area_m2=1),
        row(registry_id="S2", map_sheet=12, plot_number=2, area_m2=1.0, owner_birth=1960, owner_id_number=105032582),
        row(registry_id="S3", plot_number=3, area_m2=250.5, certificate_issue_date=dt.datetime(2010, 2, 1)),
        row(registry_id="S4", plot_number=4, area_m2=7, owner_birth=dt.date(1962, 3, 2), certificate_serial=12345),
    ]


def bad(rows: list[tuple], at: int, **cells) -> list[tuple]:
    changed = list(rows)
    values = dict(zip(KEYS, changed[at]))
    values.update(cells)
    changed[at] = tuple(values[key] for key in KEYS)
    return changed


CASES = {
    "all good": good_rows(),
    "spreadsheet cells": spreadsheet_rows(),
    "spreadsheet True is not an area": bad(spreadsheet_rows(), 3, area_m2=True),
    "registry id repeated across chunks": bad(good_rows(), 11, registry_id="R2"),
    "registry id blank": bad(good_rows(), 4, registry_id=None),
    "registry id too long": bad(good_rows(), 4, registry_id="R" * 51),
    "co-owner's area differs": bad(good_rows(), 1, area_m2="251"),
    "co-owner's land use differs": bad(good_rows(), 1, land_use="ONT"),
    "co-owner's address differs": bad(good_rows(), 3, plot_address="Thôn 2"),
    "commune not 5 digits": bad(good_rows(), 6, commune_code="9A"),
    "commune blank": bad(good_rows(), 6, commune_code=None),
    "former commune needed": bad(good_rows(), 6, commune_code="09100", old_commune_code=None),
    "former commune not 5 digits": bad(good_rows(), 6, old_commune_code="123456"),
    "map sheet blank": bad(good_rows(), 7, map_sheet=None),
    "plot number too long": bad(good_rows(), 7, plot_number="1" * 21),
    "area not a number": bad(good_rows(), 8, area_m2="abc"),
    "area negative": bad(good_rows(), 8, area_m2="-1"),
    "area blank": bad(good_rows(), 8, area_m2=None),
    "land use code bad": bad(good_rows(), 8, land_use="ONT+X1"),
    "owner name blank": bad(good_rows(), 9, owner_name=None),
    "owner address too long": bad(good_rows(), 9, owner_address="x" * 301),
    "birth in the future": bad(good_rows(), 9, owner_birth="2030"),
    "birth not a date": bad(good_rows(), 9, owner_birth="31/02/1960"),
    "ID with letters": bad(good_rows(), 10, owner_id_number="B 123456"),
    "ID too long": bad(good_rows(), 10, owner_id_number="1" * 21),
    "serial too long": bad(good_rows(), 10, certificate_serial="A" * 41),
    "issue date only a year": bad(good_rows(), 12, certificate_issue_date="2010"),
    "issue date not a date": bad(good_rows(), 12, certificate_issue_date="hôm qua"),
    "several errors in several rows": bad(bad(good_rows(), 2, area_m2="x", owner_name=None), 12, registry_id="R1"),
}


def _row_by_row(rows: list[tuple]) -> tuple[list, list, int]:
    errors = RowErrors()
    validator = RegistryValidator(errors, TODAY, former_units=FORMERS)
    staged = [validator.row(row_no, values) for row_no, values in enumerate(rows, start=2)]
    return [one for one in staged if one is not None], errors.kept, errors.count


def _by_chunks(rows: list[tuple], size: int) -> tuple[list, list, int]:
    errors = RowErrors()
    validator = RegistryValidator(errors, TODAY, former_units=FORMERS)
    numbered = list(enumerate(rows, start=2))
    staged = []
    for start in range(0, len(numbered), size):
        staged.extend(validator.rows(numbered[start : start + size]))
    return staged, errors.kept, errors.count


@pytest.mark.parametrize("size", [1, 2, 5, 100])
@pytest.mark.parametrize("case", list(CASES))
def test_chunks_checked_by_column_give_what_rows_checked_one_by_one_give(case, size):
    rows = CASES[case]
    expected = _row_by_row(rows)
    assert _by_chunks(rows, size) == expected
    if case in ("all good", "spreadsheet cells"):
        assert expected[2] == 0 and len(expected[0]) == len(rows)
    else:
        assert expected[2] > 0


def test_a_clean_chunk_is_cleared_by_column(monkeypatch):
    """The fast path really runs (and the row-by-row one does not) while the file is clean."""
    errors = RowErrors()
    validator = RegistryValidator(errors, TODAY, former_units=FORMERS)
    monkeypatch.setattr(validator, "row", lambda *args: pytest.fail("checked row by row"))
    staged = validator.rows(list(enumerate(good_rows(), start=2)))
    assert len(staged) == len(good_rows()) and not errors
