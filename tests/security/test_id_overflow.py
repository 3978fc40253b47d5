"""Ids beyond a bigint in the query string (issue 15, item 12).

On SQLite, `?plot=<20 digits>` and `?record=<20 digits>` made Python's sqlite3 raise OverflowError
when the query ran: a 500. Every URL of the project is requested with such ids under every filter
name the pages and the API read, as each role of commune A: nothing may answer 500 (a 400, a 404 or
an empty list are all fine). The suite runs on SQLite when DATABASE_URL is unset.
"""

from __future__ import annotations

from urllib.parse import urlencode

import pytest

from tests.security.conftest import World
from tests.security.test_scope_walk import _add_staff_official, _client_for
from tests.security.walker import CannotFill, build_url, iter_endpoints

HUGE = ["99999999999999999999", "-99999999999999999999", str(2**63)]
FILTERS = ("plot", "record", "after", "before", "working_group", "flag", "scan", "page", "limit", "offset")


def _status(client, url: str) -> int:
    try:
        return client.get(url).status_code
    except Exception:  # noqa: BLE001  (raised out of the view: a 500)
        return 500


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["official_a", "leader_a", "reviewer_a", "staff_official_a", "token_a", "admin"])
def test_no_page_answers_500_to_an_id_beyond_a_bigint(world: World, who: str):
    _add_staff_official(world)
    admin = world.campaign.admin
    admin.is_staff = admin.is_superuser = True
    admin.save(update_fields=["is_staff", "is_superuser"])
    world.users["admin"] = admin
    client = _client_for(world, who)
    problems = []
    for endpoint in iter_endpoints():
        if endpoint.name in ("logout", "admin:logout"):
            continue
        try:
            url, _carries_id = build_url(endpoint, world.a)
        except CannotFill:
            continue  # the scope walk reports those
        if _status(client, url) >= 500:
            continue  # broken without any id in the query: not this test's concern
        for number in HUGE:
            full = f"{url}?{urlencode(dict.fromkeys(FILTERS, number))}"
            status = _status(client, full)
            if status >= 500:
                problems.append(f"{who} GET {full}: {status}")
    assert not problems, "\n".join(problems)


def test_bounded_int_and_safe_initial():
    from collection.models import Assignment
    from landdata.admin_params import MAX_ID, bounded_int, safe_initial

    assert bounded_int(str(MAX_ID)) == MAX_ID and bounded_int(str(-MAX_ID)) == -MAX_ID
    assert bounded_int(str(MAX_ID + 1)) is None and bounded_int("abc") is None and bounded_int(" 12 ") == 12
    initial = {"working_group": "99999999999999999999", "commune": "10001", "former_commune": "10002"}
    assert safe_initial(Assignment, initial) == {"commune": "10001", "former_commune": "10002"}
    assert safe_initial(Assignment, {"working_group": "3"}) == {"working_group": "3"}
