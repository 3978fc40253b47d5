"""The reviewer's home: waiting flags by code and by age, within the scope, in one query."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.verification.test_review_services import build_desk
from verification import selectors
from verification.models import Flag, FlagStatus

pytestmark = pytest.mark.django_db


def _age(flag: Flag, days: float) -> None:
    Flag.objects.filter(pk=flag.pk).update(created_at=timezone.now() - dt.timedelta(days=days))


def test_counts_by_code_and_age_in_one_query_within_the_scope():
    desk = build_desk()
    _age(desk.flag(), 0.5)
    _age(desk.flag("AREA_MISMATCH", field="area_m2", land_user=None), 2)
    _age(desk.flag("LAND_USE_MISMATCH", field="land_use", land_user=None, status=FlagStatus.RETURNED), 3.5)
    _age(desk.flag("BIRTH_MISMATCH", field="holder_birth", status=FlagStatus.ACCEPTED), 10)  # decided: not waiting
    desk.flag(record=desk.record_b, land_user=None)  # the other branch's ward

    with CaptureQueriesContext(connection) as queries:
        waiting = selectors.waiting_flags(desk.reviewer)
    assert len([q for q in queries.captured_queries if "verification_flag" in q["sql"]]) == 1
    assert waiting.total == 3
    assert [(code, n) for code, _label, n in waiting.by_code] == [
        ("AREA_MISMATCH", 1),
        ("LAND_USE_MISMATCH", 1),
        ("OWNER_NAME_MISMATCH", 1),
    ]
    assert [(key, n) for key, _label, n in waiting.by_age] == [("day", 1), ("days", 1), ("older", 1)]
    assert selectors.waiting_flags(desk.reviewer_b).total == 1


def test_reviewer_home_shows_them_and_official_home_does_not(client):
    desk = build_desk()
    desk.flag()
    client.force_login(desk.reviewer)
    page = client.get("/").content.decode()
    assert 'id="waiting-flags"' in page and 'data-total="1"' in page
    assert 'href="/kiem-tra/?code=OWNER_NAME_MISMATCH"' in page
    client.force_login(desk.official)
    assert 'id="waiting-flags"' not in client.get("/").content.decode()
