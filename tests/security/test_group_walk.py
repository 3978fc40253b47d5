"""Scope walk inside one commune (issue 15, item 6): a member of another working group of commune A
walks every URL filled with "Tổ 1"'s objects.

Commune A's former commune 10002 is given to "Tổ 2"; "Tổ 1" (10001) gets a record whose official
and holder are distinctive strings. Asserted for Tổ 2's official and leader, over every URL (GET,
and GET with Tổ 1's ids in the query string): no response shows Tổ 1's official or holder, nothing
raises, and Tổ 1's dashboard and official page answer 404. The commune's own page may answer: it
shows the commune's plain totals (docs/architecture.md, "Scope").
"""

from __future__ import annotations

import html
from urllib.parse import quote

import pytest

from collection.models import Assignment, Role
from tests.factories import CollectedRecordFactory, WorkingGroupFactory, user_with_scope
from tests.security.conftest import World
from tests.security.test_scope_walk import DENIED, _walk
from tests.security.walker import body_text, leaked

GROUP1_OFFICIAL = "can-bo-to-mot-rieng"
GROUP1_HOLDER = "Trịnh Thị Tổ Một"
GROUP1_SECRETS = (GROUP1_OFFICIAL, GROUP1_HOLDER)
MUST_DENY = {"reports:group", "reports:official"}


def _group_world(world: World) -> dict:
    c = world.campaign
    group2 = WorkingGroupFactory(commune=c.a, name="Tổ 2")
    Assignment.objects.filter(former_commune_id="10002").update(working_group=group2)
    fa1 = c.plots["a1"].former_commune
    official1 = user_with_scope(Role.OFFICIAL, commune=c.a, working_group=c.group, username=GROUP1_OFFICIAL)
    CollectedRecordFactory(
        former_commune=fa1,
        plot=c.plots["a2"],
        map_sheet="1",
        plot_number="2",
        holder_name=GROUP1_HOLDER,
        collected_by=GROUP1_OFFICIAL,
        collected_by_user=official1,
    )
    world.users["member_2"] = user_with_scope(Role.OFFICIAL, commune=c.a, working_group=group2, username="tv-to-2")
    world.users["leader_2"] = user_with_scope(Role.GROUP_LEADER, commune=c.a, working_group=group2, username="tt-to-2")
    return {**world.a, "official": official1}  # Tổ 1's objects, and Tổ 1's official


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["member_2", "leader_2"])
def test_a_member_of_another_group_sees_nothing_of_group_1(world: World, who: str):
    objs = _group_world(world)
    unfillable, results = _walk(world, who, objs, methods=("get",))
    problems = list(unfillable)
    seen = set()
    for endpoint, method, url, _carries_id, response in results:
        where = f"{who} {method.upper()} {url} ({endpoint.name})"
        if isinstance(response, Exception):
            problems.append(f"{where}: raised {response!r}")
            continue
        if response.status_code >= 500:
            problems.append(f"{where}: server error {response.status_code}")
        text = body_text(response)
        if "?" in url:  # pages echo their own address (language switch, login "next"): not a leak
            query = url.partition("?")[2]
            for form in (query, html.escape(query), quote(query)):
                text = text.replace(form, "")
        found = leaked(text, GROUP1_SECRETS)
        if found:
            problems.append(f"{where}: status {response.status_code} shows Tổ 1's {found}")
        # Tổ 1's group page by its id; Tổ 1's official by name, which comes in the query string.
        if (endpoint.name == "reports:group" and "?" not in url) or (
            endpoint.name == "reports:official" and "?" in url
        ):
            seen.add(endpoint.name)
            if response.status_code not in DENIED:
                problems.append(f"{where}: status {response.status_code} for Tổ 1's page (expected 404)")
    assert seen == MUST_DENY, f"the walk did not reach {sorted(MUST_DENY - seen)}"
    assert not problems, "\n".join(problems)
    assert len(results) > 300  # the walk really ran


@pytest.mark.django_db
def test_the_commune_page_still_answers_for_group_1s_own_leader(world: World, client):
    """The positive side: Tổ 1's leader sees Tổ 1's official on the group and commune pages."""
    objs = _group_world(world)
    client.force_login(world.users["leader_a"])
    for url in (f"/bao-cao/to/{objs['group'].pk}/", f"/bao-cao/xa/{objs['commune'].code}/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert GROUP1_OFFICIAL in response.content.decode(), url
