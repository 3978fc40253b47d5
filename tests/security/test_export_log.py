"""Bulk exports of personal data leave a trace: each export path writes one ExportLog row (who, when,
what, scope, how many people) and names every land user it included (ExportedPerson)."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

from collection.export_log import export_log_write
from collection.models import ExportedPerson, ExportLog
from landdata.models import LandUser
from landdata.resources import LandUserResource
from tests.reports.campaign import build_campaign

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign(db):
    """The reports' campaign (tests/reports/campaign.py): a province with communes, plots and records."""
    return build_campaign()


def _people(log: ExportLog) -> set[str]:
    ids = ExportedPerson.objects.filter(export=log).values_list("land_user_id", flat=True)
    return set(LandUser.objects.filter(pk__in=ids).values_list("full_name", flat=True))


def _commune_people(code: str) -> set[str]:
    return set(LandUser.objects.filter(plot__former_commune__commune_id=code).values_list("full_name", flat=True))


def test_plots_excel_is_logged(client, campaign):
    client.force_login(campaign.reviewer_a)
    response = client.get(reverse("reports:export_plots", kwargs={"code": "10001"}), REMOTE_ADDR="203.0.113.5")
    b"".join(response.streaming_content)
    log = ExportLog.objects.get()
    assert (log.user, log.kind, log.commune_id) == (campaign.reviewer_a, ExportLog.Kind.PLOTS_XLSX, "10001")
    assert log.rows == 6 and log.full_ids and log.ip_address == "203.0.113.5"
    assert log.people == 7 and _people(log) == _commune_people("10001")


def test_office_excel_is_logged(client, campaign):
    client.force_login(campaign.admin)
    b"".join(client.get(reverse("reports:export_office", kwargs={"code": "10001"})).streaming_content)
    log = ExportLog.objects.get()
    assert (log.kind, log.rows, log.people, log.full_ids) == (ExportLog.Kind.OFFICE_XLSX, 2, 3, True)
    assert _people(log) == {"Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường"}


@pytest.mark.parametrize(
    ("name", "kind", "rows", "people"),
    [
        ("api:plot-list", ExportLog.Kind.API_PLOTS, 5, 7),
        ("api:record-list", ExportLog.Kind.API_RECORDS, 6, 7),
        ("api:flag-list", ExportLog.Kind.API_FLAGS, 3, 2),
    ],
)
def test_api_list_with_full_ids_is_logged(client, campaign, name, kind, rows, people):
    client.force_login(campaign.reviewer_a)
    response = client.get(reverse(name), {"limit": 50})
    assert response.status_code == 200
    log = ExportLog.objects.get()
    assert (log.user, log.kind, log.rows, log.people, log.full_ids) == (campaign.reviewer_a, kind, rows, people, True)
    assert log.scope == "limit=50"
    assert ExportedPerson.objects.filter(export=log).count() == people


def test_api_list_with_masked_ids_is_not_an_export(client, campaign):
    client.force_login(campaign.official_a)
    assert client.get(reverse("api:plot-list")).status_code == 200
    assert not ExportLog.objects.exists()


def test_admin_land_user_export_is_logged(client, campaign):
    campaign.admin.is_staff = True
    campaign.admin.save()
    client.force_login(campaign.admin)
    fields = {f"landuserresource_{name}": "on" for name in LandUserResource().get_export_order()}
    url = reverse("admin:landdata_landuser_export") + "?id_kind__exact=cccd"
    response = client.post(url, {"resource": "0", "format": "0", **fields})
    assert response.status_code == 200
    log = ExportLog.objects.get()
    cccd = set(LandUser.objects.filter(id_kind="cccd").values_list("full_name", flat=True))
    assert (log.user, log.kind, log.rows, log.people) == (
        campaign.admin,
        ExportLog.Kind.ADMIN_LAND_USERS,
        len(cccd),
        len(cccd),
    )
    assert log.scope == "id_kind__exact=cccd" and _people(log) == cccd


def test_many_people_in_batches(campaign):
    ids = list(LandUser.objects.values_list("pk", flat=True)) * 3  # duplicates count once
    log = export_log_write(user=campaign.admin, kind=ExportLog.Kind.API_PLOTS, land_user_ids=ids, rows=len(ids))
    assert log.people == LandUser.objects.count() == ExportedPerson.objects.count()


def test_the_log_is_read_only_in_the_admin(campaign):
    model_admin = admin.site._registry[ExportLog]
    request = RequestFactory().get("/")
    request.user = campaign.admin
    assert model_admin.has_view_permission(request)
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)
    request.user = campaign.reviewer_a
    assert not model_admin.has_view_permission(request)
