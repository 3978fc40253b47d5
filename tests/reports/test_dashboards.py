"""Dashboards: figures shown, scope enforced (another commune's page is 404), queries bounded."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _figure(html: str, name: str) -> str:
    match = re.search(rf'data-figure="{name}">([^<]*)<', html)
    assert match, name
    return match.group(1).strip()


def test_login_required(client, campaign):
    response = client.get(reverse("reports:dashboard"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_admin_sees_province_totals_and_comparison(client, campaign):
    client.force_login(campaign.admin)
    response = client.get(reverse("reports:dashboard"))
    html = response.content.decode()
    assert response.status_code == 200
    assert _figure(html, "target") == "11"
    assert _figure(html, "assigned") == "7"
    assert _figure(html, "collected") == "6"
    assert _figure(html, "pending_review") == "2"
    assert _figure(html, "open_flags") == "3"
    assert _figure(html, "unified") == "4"
    assert 'data-row="10001"' in html and 'data-row="20001"' in html
    assert "<svg" in html and "OWNER_NAME_MISMATCH" in html


def test_reviewer_sees_only_branch_communes(client, campaign):
    client.force_login(campaign.reviewer_a)
    html = client.get(reverse("reports:dashboard")).content.decode()
    assert 'data-row="10001"' in html and 'data-row="20001"' not in html
    assert _figure(html, "collected") == "5"
    assert client.get(reverse("reports:commune", kwargs={"code": "20001"})).status_code == 404


def test_official_is_sent_to_own_commune(client, campaign):
    client.force_login(campaign.official_a)
    response = client.get(reverse("reports:dashboard"))
    assert response.status_code == 302
    assert response["Location"] == reverse("reports:commune", kwargs={"code": "10001"})


def test_commune_dashboard_figures(client, campaign):
    client.force_login(campaign.official_a)
    html = client.get(reverse("reports:commune", kwargs={"code": "10001"})).content.decode()
    expected = {
        "target": "3",
        "assigned": "5",
        "collected": "5",
        "percent": "166,7",
        "verified": "1",
        "enriched": "1",
        "cleaned": "1",
        "pending_review": "1",
        "not_in_registry": "1",
        "open_flags": "2",
        "unified": "3",
        "not_matched": "2",
        "not_identified": "2",
    }
    assert {name: _figure(html, name) for name in expected} == expected
    assert "canbo01" in html and "canbo02" in html  # officials table
    assert "Tổ 1" in html  # working-group table
    # Officials get the plot export but not the office layout or bundles (full IDs).
    assert reverse("reports:export_plots", kwargs={"code": "10001"}) in html
    assert reverse("reports:export_office", kwargs={"code": "10001"}) not in html


@pytest.mark.parametrize(
    ("name", "kwargs"),
    [
        ("reports:commune", {"code": "20001"}),
        ("reports:official", {"code": "20001"}),
        ("reports:export_plots", {"code": "20001"}),
    ],
)
def test_official_of_a_cannot_open_b(client, campaign, name, kwargs):
    client.force_login(campaign.official_a)
    assert client.get(reverse(name, kwargs=kwargs), {"collected_by": "canbo-b"}).status_code == 404


def test_official_of_b_cannot_open_group_of_a(client, campaign):
    client.force_login(campaign.official_b)
    assert client.get(reverse("reports:group", kwargs={"pk": campaign.group.pk})).status_code == 404


def test_group_dashboard(client, campaign):
    client.force_login(campaign.official_a)
    html = client.get(reverse("reports:group", kwargs={"pk": campaign.group.pk})).content.decode()
    assert _figure(html, "assigned") == "3"
    assert _figure(html, "collected") == "4"
    assert _figure(html, "target") == "—"


def test_official_page(client, campaign):
    client.force_login(campaign.official_a)
    response = client.get(reverse("reports:official", kwargs={"code": "10001"}), {"collected_by": "canbo01"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "01/10/2025" in html and "04/10/2025" in html
    nobody = client.get(reverse("reports:official", kwargs={"code": "10001"}), {"collected_by": "nobody"})
    assert nobody.status_code == 404


def test_user_without_scope_is_refused(client, campaign):
    from tests.factories import UserFactory

    user = UserFactory()
    user.save()
    client.force_login(user)
    assert client.get(reverse("reports:dashboard")).status_code == 403
    assert client.get(reverse("reports:commune", kwargs={"code": "10001"})).status_code == 404


def test_dashboard_queries_are_bounded(client, campaign, django_assert_max_num_queries):
    client.force_login(campaign.admin)
    client.get(reverse("reports:dashboard"))
    with django_assert_max_num_queries(16):
        assert client.get(reverse("reports:dashboard")).status_code == 200
    with django_assert_max_num_queries(20):
        assert client.get(reverse("reports:commune", kwargs={"code": "10001"})).status_code == 200


def test_dashboard_figures_are_shared_for_a_minute(client, campaign, settings, django_assert_max_num_queries):
    from tests.reports.factories import PlotOutcomeFactory

    settings.REPORTS_CACHE_SECONDS = 60
    client.force_login(campaign.admin)
    assert _figure(client.get(reverse("reports:dashboard")).content.decode(), "collected") == "6"
    plot = campaign.plots["b2"]
    PlotOutcomeFactory(former_commune=plot.former_commune, sheet_key="1", number_key="2", plot=plot)
    with django_assert_max_num_queries(5):  # session, user, scope: nothing counted again
        html = client.get(reverse("reports:dashboard")).content.decode()
    assert _figure(html, "collected") == "6" and "data-computed-at" in html
    settings.REPORTS_CACHE_SECONDS = 0  # no cache: live again
    assert _figure(client.get(reverse("reports:dashboard")).content.decode(), "collected") == "7"
