"""Who has seen this person's data: for one land user, the openings of their plot's documents, the
exports that named them and the changes to their plot's records, on one page for province admins only."""

from __future__ import annotations

import pytest
from django.urls import reverse

from collection.export_log import export_log_write
from collection.models import DocumentAccess, ExportLog, RecordChange
from landdata.models import LandUser
from tests.factories import UserFactory
from tests.reports.campaign import build_campaign

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign(db):
    """The reports' campaign (tests/reports/campaign.py): a province with communes, plots and records."""
    return build_campaign()


@pytest.fixture
def trail(campaign):
    person = LandUser.objects.get(full_name="Nguyễn Văn An")  # plot a1, with a co-owner
    other = LandUser.objects.get(full_name="Đỗ Văn Hải")  # commune B
    seer = UserFactory(username="nguoi-xem-a1")
    stranger = UserFactory(username="nguoi-xem-b1")
    DocumentAccess.objects.create(user=seer, record=campaign.records["a1"], action="view", ip_address="203.0.113.7")
    DocumentAccess.objects.create(user=stranger, record=campaign.records["b1"], action="view")
    export_log_write(
        user=campaign.reviewer_a,
        kind=ExportLog.Kind.OFFICE_XLSX,
        land_user_ids=[person.pk],
        rows=1,
        scope="xã/phường 10001",
    )
    export_log_write(user=stranger, kind=ExportLog.Kind.API_PLOTS, land_user_ids=[other.pk], rows=1, scope="b")
    RecordChange.objects.create(
        record=campaign.records["a1"],
        user=campaign.official_a,
        actor="sua-ban-ghi-a1",
        action=RecordChange.Action.CHANGED,
        changes={"holder_name": ["Nguyen Van An", "Nguyễn Văn An"]},
    )
    RecordChange.objects.create(
        record=campaign.records["b1"], actor="sua-ban-ghi-b1", action=RecordChange.Action.CHANGED, changes={}
    )
    return person


def _url(person) -> str:
    return reverse("collection:land_user_trail", kwargs={"land_user_id": person.pk})


def test_admin_sees_every_opening_export_and_change(client, campaign, trail, django_assert_max_num_queries):
    client.force_login(campaign.admin)
    with django_assert_max_num_queries(20):
        response = client.get(_url(trail))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Nguyễn Văn An" in page
    assert "nguoi-xem-a1" in page and "203.0.113.7" in page
    assert campaign.reviewer_a.username in page and "xã/phường 10001" in page
    assert "sua-ban-ghi-a1" in page and "Nguyen Van An" in page
    # Another plot's openings, exports and changes are not this person's.
    assert "nguoi-xem-b1" not in page and "sua-ban-ghi-b1" not in page


@pytest.mark.parametrize("who", ["official_a", "reviewer_a", "official_b"])
def test_only_province_admins(client, campaign, trail, who):
    client.force_login(getattr(campaign, who))
    assert client.get(_url(trail)).status_code == 403


def test_anonymous_goes_to_login(client, trail):
    response = client.get(_url(trail))
    assert response.status_code == 302 and "next=" in response["Location"]


def test_unknown_person_is_404(client, campaign):
    client.force_login(campaign.admin)
    assert client.get(reverse("collection:land_user_trail", kwargs={"land_user_id": 999999})).status_code == 404


def test_pages_of_fifty(client, campaign, trail):
    DocumentAccess.objects.bulk_create(
        [DocumentAccess(user=campaign.admin, record=campaign.records["a1"], action="thumbnail") for _ in range(60)]
    )
    client.force_login(campaign.admin)
    first = client.get(_url(trail))
    assert first.content.decode().count('class="trail-access"') == 50
    second = client.get(_url(trail), {"accesses": 2})
    assert second.content.decode().count('class="trail-access"') == 11


def test_linked_from_the_land_users_admin_page(client, campaign, trail):
    campaign.admin.is_staff = True
    campaign.admin.save()
    client.force_login(campaign.admin)
    page = client.get(reverse("admin:landdata_landuser_change", args=[trail.pk])).content.decode()
    assert _url(trail) in page
