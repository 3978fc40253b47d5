"""The COPY text built a column at a time (registry_import.copytext) reads back as the values written."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection

from landdata.registry_import.copytext import copy_columns, copy_text

postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY is PostgreSQL's")

COLUMNS = {
    "plain text": ("text", ["Nguyễn Văn An", "Thôn 1", "", "Thôn 1"]),
    "text that needs escaping": ("text", ["a\\b", "tab\there", "line\nbreak", "cr\rx", "\\N", "\\."]),
    "text or NULL": ("text", [None, "x", None, ""]),
    "integers": ("integer", [1, 2, 3_000_000, -5]),
    "integers or NULL": ("smallint", [1960, None, 2000, None]),
    "decimals": ("numeric(14, 2)", [Decimal("250.50"), Decimal("0.00"), Decimal("999999999999.99"), Decimal("1.10")]),
    "dates or NULL": ("date", [dt.date(2010, 2, 1), None, dt.date(1930, 12, 31), dt.date(2010, 2, 1)]),
    "mixed, one by one": ("text", ["x", None, "y", None]),
}


@postgres_only
@pytest.mark.django_db
@pytest.mark.parametrize("name", list(COLUMNS))
def test_a_column_reads_back_as_written(name):
    kind, values = COLUMNS[name]
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TEMPORARY TABLE copied (n integer, v {kind})")
        copy_columns(cursor.cursor, "COPY copied (n, v) FROM STDIN", [list(range(len(values))), values])
        cursor.execute("SELECT v FROM copied ORDER BY n")
        assert [v for (v,) in cursor.fetchall()] == values
        cursor.execute("DROP TABLE copied")


def test_columns_become_tab_separated_lines():
    assert copy_text([[1, 2], ["a\tb", None], [dt.date(2010, 2, 1), Decimal("1.50")]]) == (
        "1\ta\\tb\t2010-02-01\n2\t\\N\t1.50\n"
    )


def test_true_is_not_written_as_one():
    """1 == True as dict keys: a column mixing them is written value by value."""
    assert copy_text([[1, True, 1, False]]) == "1\nt\n1\nf\n"
