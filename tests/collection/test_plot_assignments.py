"""Plots handed to one official (issue 17): in bulk, reassigned, 'my plots' first, never across communes."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from collection import plot_assignments
from collection.models import CollectedRecord, PlotAssignment, Role
from collection.plot_assignments import hamlet_of
from collection.selectors import PlotFilters, plot_list_page, plot_search
from landdata.models import Plot
from tests.factories import (
    AssignmentFactory,
    CollectedRecordFactory,
    CommuneFactory,
    FormerCommuneFactory,
    PlotFactory,
    WorkingGroupFactory,
    user_with_scope,
)


@pytest.mark.parametrize(
    ("address", "hamlet"),
    [
        ("Thôn Đông, xã Tam Sơn", "Thôn Đông"),
        ("Thôn Đông", "Thôn Đông"),
        ("  Xóm   Chợ ,Phường Nhân Hòa", "Xóm Chợ"),
        ("Tho\u0302n Đông, xã X", "Thôn Đông"),  # NFD from a registry export
        ("", ""),
        (", xã Tam Sơn", ""),
    ],
)
def test_hamlet_is_the_first_part_of_the_address(address, hamlet):
    assert hamlet_of(address) == hamlet


@pytest.fixture
def ward(db):
    """Commune A (two former communes; group 1 covers the first), and commune B next door."""
    a = CommuneFactory()
    fc1 = FormerCommuneFactory(commune=a)
    fc2 = FormerCommuneFactory(commune=a, code=f"{int(a.code) + 1:05d}")
    group = WorkingGroupFactory(commune=a)
    AssignmentFactory(former_commune=fc1, commune=a, working_group=group)
    AssignmentFactory(former_commune=fc2, commune=a)
    b = CommuneFactory()
    fc_b = FormerCommuneFactory(commune=b)
    AssignmentFactory(former_commune=fc_b, commune=b)
    plots = {
        "s12_dong": [
            PlotFactory(former_commune=fc1, map_sheet="12", address="Thôn Đông, xã Tam Sơn") for _ in range(3)
        ],
        "s12_tay": [PlotFactory(former_commune=fc1, map_sheet="12", address="Thôn Tây, xã Tam Sơn")],
        "s13": [PlotFactory(former_commune=fc1, map_sheet="13", address="Thôn Tây")],
        "fc2": [PlotFactory(former_commune=fc2, map_sheet="12", address="Thôn Đông")],
        "b": [PlotFactory(former_commune=fc_b, map_sheet="12", address="Thôn Đông")],
    }
    return {
        "plots": plots,
        "fc1": fc1,
        "fc2": fc2,
        "group": group,
        "leader": user_with_scope(Role.GROUP_LEADER, commune=a, working_group=group),
        "commune_leader": user_with_scope(Role.GROUP_LEADER, commune=a),
        "lan": user_with_scope(Role.OFFICIAL, commune=a, working_group=group, username="lan"),
        "minh": user_with_scope(Role.OFFICIAL, commune=a, working_group=group, username="minh"),
        "free": user_with_scope(Role.OFFICIAL, commune=a, username="free"),  # commune-wide, no group
        "other_group": user_with_scope(
            Role.OFFICIAL, commune=a, working_group=WorkingGroupFactory(commune=a), username="other"
        ),
        "b_official": user_with_scope(Role.OFFICIAL, commune=b, username="bofficial"),
    }


def _mine(user):
    return set(PlotAssignment.objects.filter(official=user).values_list("plot_id", flat=True))


def _pks(plots):
    return {p.pk for p in plots}


def test_leader_assigns_a_sheet_in_bulk_and_again_is_harmless(ward, django_assert_max_num_queries):
    sheet = plot_search(user=ward["leader"], filters=PlotFilters(sheet="012"))
    with django_assert_max_num_queries(12):
        result = plot_assignments.plots_assign(actor=ward["leader"], official=ward["lan"], plots=sheet)
    p = ward["plots"]
    # The group's sheet 12 only: not the twin sheet 12 of the other former commune, nor commune B's.
    assert _mine(ward["lan"]) == _pks(p["s12_dong"] + p["s12_tay"])
    assert (result.assigned, result.moved, result.kept) == (4, 0, 0)
    again = plot_assignments.plots_assign(actor=ward["leader"], official=ward["lan"], plots=sheet)
    assert (again.assigned, again.kept) == (0, 4)
    assert PlotAssignment.objects.count() == 4


def test_assign_by_hamlet_and_by_former_commune(ward):
    commune_leader = ward["commune_leader"]
    dong = plot_search(user=commune_leader, filters=PlotFilters(hamlet="thôn đông"))
    plot_assignments.plots_assign(actor=commune_leader, official=ward["free"], plots=dong)
    p = ward["plots"]
    assert _mine(ward["free"]) == _pks(p["s12_dong"] + p["fc2"])  # "Thôn Đông, ..." and "Thôn Đông", not B's
    fc2 = plot_search(user=commune_leader, filters=PlotFilters(former_commune=ward["fc2"].code))
    plot_assignments.plots_assign(actor=commune_leader, official=ward["minh"], plots=fc2)
    # Minh works in group 1, which does not cover the second former commune: nothing moves to him.
    assert _mine(ward["minh"]) == set()


def test_never_another_commune_or_group(ward):
    b_plots = Plot.objects.filter(pk__in=_pks(ward["plots"]["b"]))
    result = plot_assignments.plots_assign(actor=ward["commune_leader"], official=ward["free"], plots=b_plots)
    assert result.assigned == 0 and _mine(ward["free"]) == set()
    everything = Plot.objects.all()
    with pytest.raises(PermissionDenied):  # an official of commune B is not the leader's to give plots to
        plot_assignments.plots_assign(actor=ward["commune_leader"], official=ward["b_official"], plots=everything)
    with pytest.raises(PermissionDenied):  # another group's official is not a group leader's either
        plot_assignments.plots_assign(actor=ward["leader"], official=ward["other_group"], plots=everything)
    with pytest.raises(PermissionDenied):  # an official does not hand out plots
        plot_assignments.plots_assign(actor=ward["lan"], official=ward["minh"], plots=everything)
    # The commune leader hands "everything" to the group's official: only the group's plots go.
    plot_assignments.plots_assign(actor=ward["commune_leader"], official=ward["lan"], plots=everything)
    p = ward["plots"]
    assert _mine(ward["lan"]) == _pks(p["s12_dong"] + p["s12_tay"] + p["s13"])


def test_reassign_when_ill_moves_only_what_is_not_collected(ward):
    p = ward["plots"]
    sheet = plot_search(user=ward["leader"], filters=PlotFilters(sheet="12"))
    plot_assignments.plots_assign(actor=ward["leader"], official=ward["lan"], plots=sheet)
    done = p["s12_dong"][0]
    CollectedRecordFactory(
        former_commune=ward["fc1"], plot=done, map_sheet="12", plot_number=done.plot_number, collected_by="lan"
    )
    result = plot_assignments.plots_reassign(actor=ward["leader"], from_official=ward["lan"], to_official=ward["minh"])
    assert (result.assigned, result.moved) == (3, 3)
    assert _mine(ward["lan"]) == {done.pk}
    assert _mine(ward["minh"]) == _pks(p["s12_dong"][1:] + p["s12_tay"])


def test_official_list_and_home_open_on_my_plots(client, ward):
    p = ward["plots"]
    plot_assignments.plots_assign(
        actor=ward["leader"], official=ward["lan"], plots=Plot.objects.filter(pk__in=_pks(p["s13"]))
    )
    client.force_login(ward["lan"])
    html = client.get(reverse("collection:plot_list")).content.decode()
    assert f"/thua-dat/{p['s13'][0].pk}/" in html
    assert f"/thua-dat/{p['s12_tay'][0].pk}/" not in html  # the group's other plots are one choice away
    assert 'value="me" selected' in html
    html = client.get(reverse("collection:plot_list"), {"assigned": ""}).content.decode()
    assert f"/thua-dat/{p['s12_tay'][0].pk}/" in html
    home = client.get(reverse("home")).content.decode()
    assert 'id="my-plots"' in home and "?assigned=me" in home
    # Minh has no plots of his own: his list is the group's, as before.
    client.force_login(ward["minh"])
    html = client.get(reverse("collection:plot_list")).content.decode()
    assert f"/thua-dat/{p['s12_tay'][0].pk}/" in html
    assert 'id="my-plots"' not in client.get(reverse("home")).content.decode()


def test_assign_page_by_sheet_and_by_selection(client, ward):
    p = ward["plots"]
    client.force_login(ward["leader"])
    page = client.get(reverse("collection:assign"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "lan" in html and "bofficial" not in html and "other" not in html.split('id="official-loads"')[1]
    response = client.post(
        reverse("collection:assign"), {"sheet": "13", "official": ward["lan"].pk, "action": "assign"}
    )
    assert response.status_code == 302
    assert _mine(ward["lan"]) == _pks(p["s13"])
    # Ticked in the list, with a plot of commune B slipped in: B's is ignored.
    picked = [p["s12_tay"][0].pk, p["b"][0].pk]
    response = client.post(
        reverse("collection:assign"),
        {"plot": picked, "official": ward["minh"].pk, "action": "assign", "next": "/thu-thap/thua-dat/?sheet=12"},
    )
    assert response.status_code == 302 and response["Location"] == "/thu-thap/thua-dat/?sheet=12"
    assert _mine(ward["minh"]) == {p["s12_tay"][0].pk}
    # Nothing chosen: refused with a message, nothing assigned.
    response = client.post(reverse("collection:assign"), {"official": ward["lan"].pk, "action": "assign"})
    assert response.status_code == 200 and PlotAssignment.objects.count() == 2
    # Taken back.
    client.post(reverse("collection:assign"), {"sheet": "13", "action": "unassign"})
    assert _mine(ward["lan"]) == set()


def test_officials_cannot_open_the_assign_page(client, ward):
    client.force_login(ward["lan"])
    assert client.get(reverse("collection:assign")).status_code == 403
    response = client.post(reverse("collection:assign"), {"sheet": "12", "official": ward["lan"].pk})
    assert response.status_code == 403 and not PlotAssignment.objects.exists()


def test_plot_list_queries_stay_bounded_with_assignments(client, ward, django_assert_max_num_queries):
    fc1 = ward["fc1"]
    many = PlotFactory.create_batch(60, former_commune=fc1, map_sheet="20", address="Thôn Bắc")
    plot_assignments.plots_assign(
        actor=ward["leader"], official=ward["lan"], plots=Plot.objects.filter(pk__in=_pks(many))
    )
    for plot in many[:30]:
        CollectedRecordFactory(former_commune=fc1, plot=plot, map_sheet="20", plot_number=plot.plot_number)
    page = plot_list_page(user=ward["lan"], filters=PlotFilters(assigned="me"))
    assert len(page.rows) == 25
    client.force_login(ward["leader"])
    with django_assert_max_num_queries(20):
        html = client.get(reverse("collection:plot_list"), {"sheet": "20"}).content.decode()
    assert html.count('data-official="lan"') == 25
    with django_assert_max_num_queries(20):
        assert client.get(reverse("collection:assign")).status_code == 200
    loads = {load.user.username: load for load in plot_assignments.official_loads(ward["leader"])}
    assert (loads["lan"].assigned, loads["lan"].collected, loads["lan"].open) == (60, 30, 30)
    assert CollectedRecord.objects.count() == 30


def _write_list(path, rows):
    import csv

    header = ["Mã xã", "Tên xã", "Mã xã cũ", "Tên xã cũ", "Chỉ tiêu", "Tổ công tác", "Cán bộ được giao"]
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def test_assignment_list_hands_plots_with_an_optional_assigned_to_column(ward, tmp_path):
    from collection.assignments import assignments_import
    from landdata.tabular import ImportFailed

    a = ward["fc1"].commune
    group = ward["group"].name
    fc1, fc2 = ward["fc1"], ward["fc2"]
    handed = PlotAssignment.objects.create(plot=ward["plots"]["s13"][0], official=ward["minh"])
    rows = [
        [a.code, a.name, fc1.code, fc1.name, "100", group, "lan"],
        [a.code, a.name, fc2.code, fc2.name, "100", "", ""],
    ]
    result = assignments_import(path=_write_list(tmp_path / "list.csv", rows))
    p = ward["plots"]
    # Lan gets the group's plots nobody held; the plot already Minh's stays his; the empty cell hands nothing.
    assert _mine(ward["lan"]) == _pks(p["s12_dong"] + p["s12_tay"])
    assert _mine(ward["minh"]) == {handed.plot_id}
    assert result.plots_handed == 4 and "4 thửa mới giao cho cán bộ" in result.summary()
    again = assignments_import(path=_write_list(tmp_path / "list.csv", rows))
    assert again.plots_handed == 0 and PlotAssignment.objects.count() == 5
    # An official of another commune, another group or an unknown name is a bad row; nothing changes.
    bad = [
        [a.code, a.name, fc1.code, fc1.name, "100", group, "bofficial"],
        [a.code, a.name, fc2.code, fc2.name, "100", group, "nobody"],
    ]
    with pytest.raises(ImportFailed) as failed:
        assignments_import(path=_write_list(tmp_path / "bad.csv", bad))
    text = "\n".join(failed.value.problems) if failed.value.problems else str(failed.value)
    assert "row 2: assigned_to" in text and "bofficial" in text and "row 3: assigned_to" in text
    assert PlotAssignment.objects.count() == 5
