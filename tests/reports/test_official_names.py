"""An official's name is free text (contract §2.3: import_collection keeps an unknown username as
text), so it may hold a "/" or any other character (issue 15, item 5).

The dashboards once reversed the official's page with the name as a path segment: one record
collected by "to1/canbo" made the commune and group dashboards answer 500 for everyone.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from tests.factories import CollectedRecordFactory

pytestmark = pytest.mark.django_db

NAMES = ["to1/canbo", "../../quan-tri/", "an?b=1&c#d", "Nguyễn Văn / An", "a%2Fb"]


@pytest.fixture
def odd_official(campaign, request):
    name = request.param
    plot = campaign.plots["a2"]
    CollectedRecordFactory(
        former_commune=plot.former_commune,
        plot=plot,
        map_sheet="1",
        plot_number="2",
        collected_by=name,
        collected_on=dt.date(2025, 10, 3),
    )
    return name


@pytest.mark.parametrize("odd_official", NAMES, indirect=True)
def test_dashboards_answer_and_link_to_the_officials_page(client, campaign, odd_official):
    client.force_login(campaign.official_a)
    for url in (
        reverse("reports:commune", kwargs={"code": "10001"}),
        reverse("reports:group", kwargs={"pk": campaign.group.pk}),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
    html = client.get(reverse("reports:commune", kwargs={"code": "10001"})).content.decode()
    link = next(
        part.split('"', 1)[0].replace("&amp;", "&")
        for part in html.split('href="')[1:]
        if part.startswith(reverse("reports:official", kwargs={"code": "10001"}))
        and "canbo0" not in part.split('"', 1)[0]
    )
    page = client.get(link)
    assert page.status_code == 200
    assert page.context["row"].collected_by == odd_official


def test_the_officials_page_takes_the_name_as_a_query_parameter(client, campaign):
    client.force_login(campaign.official_a)
    url = reverse("reports:official", kwargs={"code": "10001"})
    assert client.get(url, {"collected_by": "canbo01"}).status_code == 200
    assert client.get(url, {"collected_by": "nobody"}).status_code == 404
    assert client.get(url).status_code == 404
