"""The shortcuts that keep the registry import fast give the same answers as the general rules."""

from __future__ import annotations

import pytest

from landdata import normalize
from landdata.tabular import Column, read_rows, read_values

COLUMNS = [Column("code", "Mã xã", required=True), Column("name", "Tên xã"), Column("note", "Ghi chú")]


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        ("HC 000000", "HC000000"),  # the common shape: ASCII letters, digits, one space
        ("hc000000", "HC000000"),
        ("BĐ 123456", "BD123456"),  # not ASCII: the general rule
        ("AB-12/3.4_5", "AB12345"),
        ("ab\t12", "AB12"),
        ("  ab  12 ", "AB12"),
        ("", ""),
        (None, ""),
    ],
)
def test_certificate_key_fast_path_and_general_rule_agree(raw, key):
    assert normalize.certificate_key(raw) == key


@pytest.mark.parametrize(
    ("raw", "cleaned"),
    [
        ("027138265198", "027138265198"),  # plain ASCII digits: returned as they are
        ("0271 3826-5198", "027138265198"),
        (" 105032582 ", "105032582"),
        ("105032582.0", "105032582"),
        ("B 123456", "B123456"),  # letters kept, to be judged (a certificate number, not an ID)
        (None, ""),
    ],
)
def test_clean_id_fast_path_and_general_rule_agree(raw, cleaned):
    assert normalize.clean_id(raw) == cleaned


def test_read_values_are_read_rows_in_column_order(tmp_path):
    """Short lines, extra columns, odd spaces and a '|' next to a space: tuples equal the dicts."""
    path = tmp_path / "f.csv"
    path.write_text(
        "Tên xã,extra,code,Ghi chú\n"
        "Đông,x,09000,a\n"
        "  Tây  Hồ ,x,09001\n"
        "Bắc\u00a0Ninh,x, 09002 ,b | c\n"
        "a| b,x,09003,\t\n"
        "Nam\n",
        encoding="utf-8",
    )
    keys = [col.key for col in COLUMNS]
    as_dicts = list(read_rows(path, COLUMNS))
    as_tuples = list(read_values(path, COLUMNS))
    assert [(n, dict(zip(keys, values))) for n, values in as_tuples] == as_dicts
    assert as_tuples == [
        (2, ("09000", "Đông", "a")),
        (3, ("09001", "Tây Hồ", None)),
        (4, ("09002", "Bắc Ninh", "b | c")),
        (5, ("09003", "a| b", None)),
        (6, (None, "Nam", None)),
    ]
    # blank="" (the registry import's reading) differs only in how a blank cell is given.
    as_text = list(read_values(path, COLUMNS, blank=""))
    assert as_text == [(n, tuple("" if v is None else v for v in values)) for n, values in as_tuples]


@pytest.mark.django_db
def test_the_cycle_collector_is_back_on_after_an_import_good_or_refused(tmp_path):
    """The registry row loop pauses Python's cycle collector; a worker left without it would leak."""
    import gc

    from landdata.registry_import import registry_import
    from landdata.tabular import ImportFailed
    from tests.landdata.conftest import SAMPLES, registry_row, write_csv

    registry_import(path=SAMPLES / "registry_extract.csv")
    assert gc.isenabled()
    with pytest.raises(ImportFailed):
        registry_import(path=write_csv(tmp_path / "bad.csv", [registry_row(area_m2="lots")]))
    assert gc.isenabled()
