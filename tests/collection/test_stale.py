"""Work that waits (issue 17.3): old drafts, returned records, phones that stopped sending; bounded queries."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from collection import stale
from collection.models import ChunkedUpload, CollectedRecord, PlotAssignment, Role
from tests.factories import (
    AssignmentFactory,
    CollectedRecordFactory,
    CommuneFactory,
    FormerCommuneFactory,
    PlotFactory,
    user_with_scope,
)

pytestmark = pytest.mark.django_db
Status = CollectedRecord.Status


def _age(record, days):
    CollectedRecord.objects.filter(pk=record.pk).update(updated_at=timezone.now() - dt.timedelta(days=days))


@pytest.fixture
def ward():
    a = CommuneFactory()
    fa = FormerCommuneFactory(commune=a)
    AssignmentFactory(former_commune=fa, commune=a)
    fb = FormerCommuneFactory()
    lan = user_with_scope(Role.OFFICIAL, commune=a, username="lan")
    minh = user_with_scope(Role.OFFICIAL, commune=a, username="minh")
    leader = user_with_scope(Role.GROUP_LEADER, commune=a, username="totruong")
    b_official = user_with_scope(Role.OFFICIAL, commune=fb.commune, username="bofficial")

    def rec(former, status, days, by=None, assigned_to=None):
        plot = PlotFactory(former_commune=former)
        record = CollectedRecordFactory(
            former_commune=former,
            plot=plot,
            plot_number=plot.plot_number,
            status=status,
            collected_by=by.username if by else "x",
            collected_by_user=by,
        )
        if assigned_to:
            PlotAssignment.objects.create(plot=plot, official=assigned_to)
        _age(record, days)
        return record

    records = {
        "old_draft_lan": rec(fa, Status.DRAFT, 5, by=lan),
        "old_draft_for_minh": rec(fa, Status.DRAFT, 10, by=lan, assigned_to=minh),  # Minh answers for the plot
        "fresh_draft": rec(fa, Status.DRAFT, 1, by=lan),
        "returned": rec(fa, Status.RETURNED, 2, by=lan),
        "submitted": rec(fa, Status.SUBMITTED, 20, by=lan),
        "b_draft": rec(fb, Status.DRAFT, 30, by=b_official),
    }
    return {"records": records, "lan": lan, "minh": minh, "leader": leader}


def _pks(rows):
    return [row.record.pk for row in rows]


def test_lists_with_the_official_responsible(ward):
    r = ward["records"]
    drafts = stale.stale_drafts(ward["leader"], days=3)
    assert _pks(drafts) == [r["old_draft_for_minh"].pk, r["old_draft_lan"].pk]  # oldest first, not commune B's
    assert [row.official for row in drafts] == ["minh", "lan"]
    assert _pks(stale.stale_drafts(ward["leader"], days=1)) == _pks(drafts) + [r["fresh_draft"].pk]
    assert _pks(stale.returned_records(ward["leader"])) == [r["returned"].pk]
    # An official sees what they answer for: Minh only the plot handed to him.
    assert _pks(stale.stale_drafts(ward["minh"], days=3)) == [r["old_draft_for_minh"].pk]
    assert stale.returned_records(ward["minh"]) == []


def test_phones_that_stopped_sending(ward):
    r = ward["records"]

    def upload(record, user, hours, done=False):
        u = ChunkedUpload.objects.create(
            id=uuid.uuid4(), record=record, user=user, kind="cert_1", length=100, offset=50, sha256="0" * 64
        )
        ChunkedUpload.objects.filter(pk=u.pk).update(updated_at=timezone.now() - dt.timedelta(hours=hours))

    upload(r["old_draft_lan"], ward["lan"], 30)
    upload(r["fresh_draft"], ward["lan"], 26)
    upload(r["returned"], ward["minh"], 2)  # still sending: not stuck
    rows = stale.stuck_outboxes(ward["leader"])
    assert [(row.username, row.photos) for row in rows] == [("lan", 2)]
    assert stale.stuck_outboxes(ward["minh"]) == []


def test_page_and_bounded_queries(client, ward, django_assert_max_num_queries):
    fa = ward["records"]["old_draft_lan"].former_commune
    for _ in range(40):
        plot = PlotFactory(former_commune=fa)
        record = CollectedRecordFactory(
            former_commune=fa,
            plot=plot,
            plot_number=plot.plot_number,
            status=Status.DRAFT,
            collected_by_user=ward["lan"],
        )
        PlotAssignment.objects.create(plot=plot, official=ward["minh"])
        _age(record, 8)
    client.force_login(ward["leader"])
    with django_assert_max_num_queries(12):
        response = client.get(reverse("collection:waiting"), {"days": "7"})
    html = response.content.decode()
    assert html.count('data-record="') == 42  # 41 drafts of 7 days or more, and the returned record
    assert "bofficial" not in html
    reviewer = user_with_scope(Role.REVIEWER, branch=fa.commune.branch)
    client.force_login(reviewer)
    assert client.get(reverse("collection:waiting")).status_code == 403
