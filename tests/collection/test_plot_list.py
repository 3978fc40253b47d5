"""The assigned plots list: scope, search, filters, masking, keyset pages, constant queries."""

from __future__ import annotations

import pytest
from django.urls import reverse

from collection.models import CollectedRecord, Role
from collection.selectors import PlotFilters, plot_list_page
from tests.factories import (
    AssignmentFactory,
    CollectedRecordFactory,
    CommuneFactory,
    FormerCommuneFactory,
    LandUserFactory,
    PlotFactory,
    WorkingGroupFactory,
    user_with_scope,
)

pytestmark = pytest.mark.django_db
URL = "collection:plot_list"


@pytest.fixture
def ward():
    """Ward A merged from two former communes (same sheet/plot numbers in both), and ward B."""
    commune_a = CommuneFactory()
    fc1 = FormerCommuneFactory(commune=commune_a)
    fc2 = FormerCommuneFactory(commune=commune_a, code=f"{int(commune_a.code) + 1:05d}")
    fc_b = FormerCommuneFactory()
    group = WorkingGroupFactory(commune=commune_a)
    AssignmentFactory(former_commune=fc1, commune=commune_a, working_group=group)
    AssignmentFactory(former_commune=fc2, commune=commune_a)
    plots = {
        "hanh": PlotFactory(former_commune=fc1, map_sheet="12", plot_number="345"),
        "twin": PlotFactory(former_commune=fc2, map_sheet="012", plot_number="345"),
        "other": PlotFactory(former_commune=fc1, map_sheet="3", plot_number="7"),
        "b": PlotFactory(former_commune=fc_b, map_sheet="12", plot_number="345"),
    }
    LandUserFactory(plot=plots["hanh"], full_name="Đặng Văn Hạnh", id_number="027045605136", birth_year=1945)
    LandUserFactory(plot=plots["twin"], full_name="Nguyễn Thị Hoa", id_number="105032582")
    LandUserFactory(plot=plots["other"], full_name="Lê Văn Hạnh")
    LandUserFactory(plot=plots["b"], full_name="Đặng Văn Hạnh", id_number="027045605999", birth_year=1945)
    official = user_with_scope(Role.OFFICIAL, commune=commune_a)
    return {"plots": plots, "official": official, "fc1": fc1, "fc2": fc2, "group": group, "commune": commune_a}


def _ids(page):
    return {plot.pk for plot in page.rows}


def _search(ward, **filters):
    return _ids(plot_list_page(user=ward["official"], filters=PlotFilters(**filters)))


def test_list_shows_only_own_plots_with_masked_ids(client, ward):
    client.force_login(ward["official"])
    html = client.get(reverse(URL)).content.decode()
    p = ward["plots"]
    for key in ("hanh", "twin", "other"):
        assert reverse("collection:plot_detail", args=[p[key].pk]) in html
    assert reverse("collection:plot_detail", args=[p["b"].pk]) not in html
    assert "027045605136" not in html and "•••••••••136" in html
    assert "105032582" not in html and "••••••582" in html


def test_search_without_diacritics_finds_the_owner(client, ward):
    client.force_login(ward["official"])
    html = client.get(reverse(URL), {"q": "dang van hanh"}).content.decode()
    assert "Đặng Văn Hạnh" in html
    assert reverse("collection:plot_detail", args=[ward["plots"]["hanh"].pk]) in html
    assert reverse("collection:plot_detail", args=[ward["plots"]["b"].pk]) not in html  # same name, other ward
    assert "Nguyễn Thị Hoa" not in html


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"q": "dang van hanh"}, {"hanh"}),
        ({"q": "ĐẶNG VĂN HẠNH"}, {"hanh"}),
        ({"q": "hanh"}, {"hanh", "other"}),
        ({"q": "12/345"}, {"hanh", "twin"}),
        ({"q": " 012 / 345 "}, {"hanh", "twin"}),
        ({"sheet": "12", "plot": "345"}, {"hanh", "twin"}),
        ({"sheet": "3"}, {"other"}),
        ({"q": "027045605136"}, {"hanh"}),
        ({"q": "027 045 605 136"}, {"hanh"}),
        ({"q": "027045605"}, set()),  # ID search is exact
        ({"q": "105032582"}, {"twin"}),
        ({"q": "027045605999"}, set()),  # outside the scope
        ({"former_commune": "fc2"}, {"twin"}),
        ({"working_group": "group"}, {"hanh", "other"}),
    ],
)
def test_search_and_filters(ward, filters, expected):
    filters = dict(filters)
    if filters.get("former_commune") == "fc2":
        filters["former_commune"] = ward["fc2"].code
    if filters.get("working_group") == "group":
        filters["working_group"] = ward["group"].pk
    assert _search(ward, **filters) == {ward["plots"][k].pk for k in expected}


def test_status_filters(ward):
    p = ward["plots"]
    CollectedRecordFactory(former_commune=ward["fc1"], plot=p["hanh"], open_flags=2)
    CollectedRecordFactory(former_commune=ward["fc2"], plot=p["twin"], status=CollectedRecord.Status.RETURNED)
    CollectedRecordFactory(former_commune=ward["fc1"], plot=p["other"], status=CollectedRecord.Status.DRAFT)
    assert _search(ward, status="not_collected") == {p["other"].pk}
    assert _search(ward, status="collected") == {p["hanh"].pk}
    assert _search(ward, status="flagged") == {p["hanh"].pk}
    assert _search(ward, status="returned") == {p["twin"].pk}
    page = plot_list_page(user=ward["official"], filters=PlotFilters())
    assert {plot.pk: plot.status for plot in page.rows} == {
        p["hanh"].pk: "flagged",
        p["twin"].pk: "returned",
        p["other"].pk: "not_collected",
    }


def test_group_member_sees_only_the_group_plots(ward):
    member = user_with_scope(Role.OFFICIAL, commune=ward["commune"], working_group=ward["group"])
    page = plot_list_page(user=member, filters=PlotFilters())
    assert _ids(page) == {ward["plots"]["hanh"].pk, ward["plots"]["other"].pk}


def test_user_without_scope_sees_nothing(client, ward):
    from tests.factories import UserFactory

    nobody = UserFactory()
    assert plot_list_page(user=nobody, filters=PlotFilters()).rows == []


def test_keyset_pages_cover_every_plot_once(ward):
    fc = ward["fc1"]
    extra = [PlotFactory(former_commune=fc, map_sheet="9") for _ in range(12)]
    seen, after, pages = [], None, 0
    while True:
        page = plot_list_page(user=ward["official"], filters=PlotFilters(), after=after, page_size=5)
        seen += [plot.pk for plot in page.rows]
        pages += 1
        if page.next_after is None:
            break
        after = page.next_after
    assert len(seen) == len(set(seen)) == 15 and pages == 3
    assert set(seen) >= {plot.pk for plot in extra}
    back = plot_list_page(user=ward["official"], filters=PlotFilters(), before=seen[10], page_size=5)
    assert [plot.pk for plot in back.rows] == seen[5:10]


def _make_plots(fc, n):
    for _ in range(n):
        plot = PlotFactory(former_commune=fc, map_sheet="50")
        LandUserFactory(plot=plot, full_name="Phạm Văn Đức", id_number="027045605136")
        LandUserFactory(plot=plot, full_name="Phạm Thị Lan")
        CollectedRecordFactory(former_commune=fc, plot=plot, map_sheet="50", plot_number=plot.plot_number)


@pytest.mark.parametrize("n", [10, 50])
@pytest.mark.parametrize(
    ("params", "most", "extra"),
    [
        ({}, 9, 3),  # with no search, one more: has the official plots of their own ("my plots" first)?
        ({"status": "collected"}, 8, 0),
        ({"q": "pham van duc"}, 9, 0),
        ({"q": "duc"}, 9, 0),
        ({"sheet": "50"}, 8, 0),
        ({"q": "027045605136"}, 9, 1),
    ],
)
def test_constant_number_of_queries_per_page(client, ward, django_assert_max_num_queries, n, params, most, extra):
    """Same bound for 10 and 50 plots: relations are prefetched, statuses read once per page."""
    _make_plots(ward["fc1"], n)
    client.force_login(ward["official"])
    client.get(reverse(URL))  # warm the session
    with django_assert_max_num_queries(most):
        response = client.get(reverse(URL), params)
    rows = response.content.decode().count('class="card plot-row"')
    assert rows == min(n + extra, 25)  # `extra`: the ward's own plots that also match


def test_sheet_plot_search_across_former_communes_has_its_index(ward):
    """The province admin's "12/345" names no former commune, so plot_key_unique (led by it) cannot
    answer it: plot_sheet_number_idx does, instead of a walk over every plot in id order."""
    from django.db import connection

    from collection.selectors import plot_search
    from landdata.models import Plot

    formers = [ward["fc1"], ward["fc2"]]
    plots = [(formers[n % 2], str(n // 50), str(n)) for n in range(1, 4001)]  # none is sheet 12, plot 345
    Plot.objects.bulk_create(
        Plot(
            former_commune=former,
            map_sheet=sheet,
            plot_number=number,
            area_m2=100,
            **Plot.derived(map_sheet=sheet, plot_number=number),
        )
        for former, sheet, number in plots
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE landdata_plot")
    admin = user_with_scope(Role.ADMIN, province=ward["commune"].province)
    search = plot_search(user=admin, filters=PlotFilters(q="12/345")).order_by("pk")[:26]

    assert sorted(p.pk for p in search) == sorted(ward["plots"][k].pk for k in ("hanh", "twin", "b"))
    assert "plot_sheet_number_idx" in search.explain()
