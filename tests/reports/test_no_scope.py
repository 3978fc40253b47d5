"""A signed-in user without a scope row sees no figure anywhere (issue 15, item 1).

"No scope" once read as "the whole province" wherever a caller tested `commune_filter is None`:
`GET /api/v1/reports/` then listed every commune's figures. Every entry point to the figures is
asked here, as such a user and as an inactive one.
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from collection.scope import Area, Reach, user_area, user_scope
from reports import figures as fig
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def nobody(campaign):
    user = UserFactory(username="khong-pham-vi")
    user.save()
    return user


def test_api_reports_list_is_empty_without_a_scope_row(nobody):
    client = APIClient()
    client.force_authenticate(user=nobody)  # whichever way the API authenticates (token, session)
    response = client.get("/api/v1/reports/")
    assert response.status_code in (200, 403)
    if response.status_code == 200:
        assert response.json() == []
    assert client.get("/api/v1/reports/10001/").status_code in (403, 404)


def test_api_reports_list_is_empty_for_a_session_without_a_scope_row(nobody):
    client = APIClient()
    client.force_login(nobody)
    response = client.get("/api/v1/reports/")
    assert response.status_code in (200, 403)
    if response.status_code == 200:
        assert response.json() == []


def test_web_dashboards_refuse_a_user_without_a_scope_row(client, campaign, nobody):
    client.force_login(nobody)
    assert client.get(reverse("reports:dashboard")).status_code == 403
    assert client.get(reverse("reports:commune", kwargs={"code": "10001"})).status_code == 404
    assert client.get(reverse("reports:group", kwargs={"pk": campaign.group.pk})).status_code == 404
    official = reverse("reports:official", kwargs={"code": "10001"}) + "?collected_by=canbo01"
    assert client.get(official).status_code == 404


def test_the_area_of_a_user_without_a_scope_row_is_nothing(nobody):
    area = user_area(nobody)
    assert area.reach is Reach.NOTHING
    assert user_scope(nobody).sees_nothing and not user_scope(nobody).whole_province
    assert fig.commune_figures(area) == []
    assert fig.collected_per_official(area) == []
    assert fig.collected_per_day(area) == []
    assert fig.open_flags_by_code(area) == []


def test_an_inactive_admin_sees_nothing(campaign):
    campaign.admin.is_active = False
    campaign.admin.save(update_fields=["is_active"])
    assert user_area(campaign.admin).reach is Reach.NOTHING


def test_a_superuser_without_a_row_sees_the_province(campaign):
    boss = UserFactory(username="sieu-quan-tri", is_superuser=True)
    boss.save()
    assert user_area(boss) == Area.province()
    assert [row.code for row in fig.commune_figures(user_area(boss))] == ["10001", "20001"]


def test_an_empty_list_of_communes_is_nothing_not_everything(campaign):
    """Built from an empty list (a branch without communes), an area counts nothing."""
    area = Area.of_communes([])
    assert area.reach is Reach.NOTHING
    assert fig.commune_figures(area) == []
    assert fig.collected_per_official(area) == []
