"""verification.bulk: the set-based statements matching writes and reads with, on the real database."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection

from collection.models import CollectedRecord
from tests.factories import CollectedRecordFactory, FormerCommuneFactory
from verification import bulk

pytestmark = pytest.mark.django_db

ARRAYS = [
    ("plain text", ["09265", "12", "346"], "varchar"),
    ("quotes, backslashes, separators", ['a"b', "c\\d", "e,f", "{g}", " h ", "NULL", ""], "text"),
    ("Vietnamese", ["Nguyễn Văn Ấn", "Đỗ Thị Hoà"], "text"),
    ("None is NULL", ["x", None], "text"),
    ("integers", [1, 0, -5, 2**40], "bigint"),
    ("decimals", [Decimal("300.50"), Decimal("0")], "numeric"),
    ("dates", [dt.date(2025, 7, 1), None], "date"),
    ("aware datetimes", [dt.datetime(2025, 7, 1, 8, 30, tzinfo=dt.UTC)], "timestamptz"),
    ("empty", [], "text"),
    ("one quote among plain text", ["a", "b", 'c"d', "e"], "text"),
    ("a value holding the separator", ['a","b', "c"], "text"),
    ("integers and NULL", [3, None, 4], "bigint"),
    ("booleans", [True, False, None], "boolean"),
    ("one time repeated", [dt.datetime(2025, 7, 1, 8, 30, tzinfo=dt.UTC)] * 3 + [None], "timestamptz"),
    ("floats", [0.5, None], "float8"),
]


@pytest.mark.parametrize(("case", "values", "cast"), ARRAYS, ids=[a[0] for a in ARRAYS])
def test_pg_array_round_trips_through_the_database(case, values, cast):
    if connection.vendor != "postgresql":
        pytest.skip("array literals are PostgreSQL's")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT %s::{cast}[]", [bulk.pg_array(values)])
        (back,) = cursor.fetchone()
    assert back == values
    assert bulk.pg_array(iter(values)) == bulk.pg_array(values)  # any iterable, as the callers pass generators


def test_any_lookup_matches_in(db):
    fc = FormerCommuneFactory()
    records = [
        CollectedRecordFactory(former_commune=fc, plot_number=str(n), holder_id_number=f"02706{n:07d}")
        for n in range(5)
    ]
    ids = [records[1].pk, records[3].pk, 10**9]
    numbers = {records[0].holder_id_number, records[4].holder_id_number, 'x"y'}
    assert set(CollectedRecord.objects.filter(id__any=ids)) == set(CollectedRecord.objects.filter(id__in=ids))
    assert set(CollectedRecord.objects.filter(holder_id_number__any=numbers).values_list("pk", flat=True)) == {
        records[0].pk,
        records[4].pk,
    }
    assert set(CollectedRecord.objects.filter(former_commune_id__any=[fc.code])) == set(records)
    assert not CollectedRecord.objects.filter(id__any=[]).exists()


def test_bulk_set_and_upsert_write_plain_rows(db):
    from verification.models import PlotOutcome

    fc = FormerCommuneFactory()
    a, b = (CollectedRecordFactory(former_commune=fc, plot_number=str(n)) for n in (1, 2))
    bulk.bulk_set(CollectedRecord, [{"id": a.pk, "open_flags": 2}, {"id": b.pk, "open_flags": 0}], ["open_flags"])
    assert dict(CollectedRecord.objects.values_list("pk", "open_flags")) == {a.pk: 2, b.pk: 0}
    row = {
        "former_commune_id": fc.code,
        "commune_id": fc.commune_id,
        "sheet_key": "1",
        "number_key": "1",
        "plot_id": None,
        "outcome": "verified",
        "open_flags": 0,
        "enrichments": ["cccd", 'say "hi"'],
        "first_collected_on": dt.date(2025, 10, 1),
        "updated_at": dt.datetime(2025, 10, 2, 9, 0, tzinfo=dt.UTC),
    }
    unique, update = ["former_commune_id", "sheet_key", "number_key"], ["outcome", "enrichments"]
    bulk.bulk_upsert(PlotOutcome, [row], unique=unique, update=update)
    bulk.bulk_upsert(PlotOutcome, [{**row, "outcome": "enriched"}], unique=unique, update=update)
    assert list(PlotOutcome.objects.values_list("outcome", "enrichments", "first_collected_on")) == [
        ("enriched", ["cccd", 'say "hi"'], dt.date(2025, 10, 1))
    ]


def test_bulk_upsert_leaves_an_unchanged_row_as_it_is(db):
    """A re-match that changes nothing rewrites no outcome (its updated_at says when it last changed)."""
    from tests.factories import LandUserFactory
    from verification.models import LandUserStatus

    if connection.vendor != "postgresql":
        pytest.skip("the conditional ON CONFLICT update is PostgreSQL's")
    user = LandUserFactory()
    commune = user.plot.former_commune.commune_id
    first, later = dt.datetime(2025, 10, 1, tzinfo=dt.UTC), dt.datetime(2025, 10, 9, tzinfo=dt.UTC)

    def upsert(status, at):
        row = {"land_user_id": user.pk, "commune_id": commune, "status": status, "updated_at": at}
        bulk.bulk_upsert(LandUserStatus, [row], unique=["land_user_id"], update=["commune_id", "status", "updated_at"])
        return LandUserStatus.objects.values_list("status", "updated_at").get()

    assert upsert("unified", first) == ("unified", first)
    assert upsert("unified", later) == ("unified", first)
    assert upsert("not_matched", later) == ("not_matched", later)
