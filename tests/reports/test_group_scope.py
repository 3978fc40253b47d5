"""Working groups of one commune are kept apart on the dashboards (issue 15, item 6).

Commune A's former commune 10001 belongs to "Tổ 1" (officials canbo01), 10002 is given here to
"Tổ 2" (canbo02). A member of Tổ 2 sees Tổ 2's figures and officials, and the commune's plain
totals; never Tổ 1's dashboard nor its officials' names (docs/architecture.md, "Scope").
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from collection.models import Assignment, Role
from collection.scope import Reach, restrict, user_area
from reports import figures as fig
from tests.factories import WorkingGroupFactory, user_with_scope

pytestmark = pytest.mark.django_db


@pytest.fixture
def groups(campaign):
    group2 = WorkingGroupFactory(commune=campaign.a, name="Tổ 2")
    Assignment.objects.filter(former_commune_id="10002").update(working_group=group2)
    member2 = user_with_scope(Role.OFFICIAL, commune=campaign.a, working_group=group2, username="thanh-vien-to-2")
    leader2 = user_with_scope(Role.GROUP_LEADER, commune=campaign.a, working_group=group2, username="to-truong-2")
    leader1 = user_with_scope(Role.GROUP_LEADER, commune=campaign.a, working_group=campaign.group, username="tt-1")
    return {"group1": campaign.group, "group2": group2, "member2": member2, "leader2": leader2, "leader1": leader1}


@pytest.mark.parametrize("who", ["member2", "leader2"])
def test_a_member_of_group_2_cannot_open_group_1s_dashboard(client, groups, who):
    client.force_login(groups[who])
    assert client.get(reverse("reports:group", kwargs={"pk": groups["group1"].pk})).status_code == 404
    response = client.get(reverse("reports:group", kwargs={"pk": groups["group2"].pk}))
    assert response.status_code == 200
    html = response.content.decode()
    assert "canbo02" in html and "canbo01" not in html


def test_group_1s_leader_cannot_open_group_2s_dashboard(client, groups):
    client.force_login(groups["leader1"])
    assert client.get(reverse("reports:group", kwargs={"pk": groups["group2"].pk})).status_code == 404


@pytest.mark.parametrize("who", ["member2", "leader2"])
def test_the_commune_page_shows_totals_and_only_the_own_group(client, groups, who):
    client.force_login(groups[who])
    response = client.get(reverse("reports:commune", kwargs={"code": "10001"}))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-figure="assigned">5<' in html  # the commune's plain total
    assert "canbo01" not in html  # group 1's official
    assert "Tổ 1" not in html  # group 1's row
    assert "canbo02" in html and "Tổ 2" in html


@pytest.mark.parametrize("who", ["member2", "leader2"])
def test_group_1s_official_page_is_404_for_group_2(client, groups, who):
    client.force_login(groups[who])
    url = reverse("reports:official", kwargs={"code": "10001"}) + "?collected_by=canbo01"
    assert client.get(url).status_code == 404
    own = reverse("reports:official", kwargs={"code": "10001"}) + "?collected_by=canbo02"
    assert client.get(own).status_code == 200


@pytest.mark.parametrize("who", ["member2", "leader2"])
def test_the_province_dashboard_sends_a_group_member_to_their_group(client, groups, who):
    client.force_login(groups[who])
    response = client.get(reverse("reports:dashboard"))
    assert response.status_code == 302
    assert response["Location"] == reverse("reports:group", kwargs={"pk": groups["group2"].pk})


def test_the_commune_pages_of_a_group_member_are_not_shared_with_the_commune(client, groups, campaign, settings):
    """Figures are cached: the commune page a commune-wide official saw must not reach a group member."""
    settings.REPORTS_CACHE_SECONDS = 60
    client.force_login(campaign.official_a)
    assert "canbo01" in client.get(reverse("reports:commune", kwargs={"code": "10001"})).content.decode()
    client.force_login(groups["member2"])
    assert "canbo01" not in client.get(reverse("reports:commune", kwargs={"code": "10001"})).content.decode()


def test_the_scope_helpers_narrow_a_group_member(groups):
    member2 = groups["member2"]
    area = user_area(member2)
    assert area.reach is Reach.COMMUNES and area.communes == ("10001",)
    assert area.working_group_id == groups["group2"].pk
    assert user_area(member2, working_group_id=groups["group1"].pk).reach is Reach.NOTHING
    assert [o.collected_by for o in fig.collected_per_official(area)] == ["canbo02"]
    from collection.models import WorkingGroup

    assert list(restrict(WorkingGroup.objects.all(), member2)) == [groups["group2"]]
    assert [a.former_commune_id for a in restrict(Assignment.objects.all(), member2)] == ["10002"]
