"""Services of collected records: drafts, updates, submissions, double posts."""

from __future__ import annotations

import pytest
from django.utils import timezone

from collection import services
from collection.models import CollectedRecord, Role
from collection.signals import record_submitted
from tests.factories import FormerCommuneFactory, PlotFactory, user_with_scope

pytestmark = pytest.mark.django_db


@pytest.fixture
def plot():
    return PlotFactory(former_commune=FormerCommuneFactory(), map_sheet="012", plot_number="45a")


@pytest.fixture
def official(plot):
    return user_with_scope(Role.OFFICIAL, commune=plot.former_commune.commune)


@pytest.fixture
def sent():
    received = []

    def receiver(sender, record_id, **kwargs):
        received.append(record_id)

    record_submitted.connect(receiver, weak=False)
    yield received
    record_submitted.disconnect(receiver)


def test_create_draft_copies_the_plot_key_and_is_reused(plot, official):
    record, created = services.record_create_draft(plot=plot, user=official)
    assert created
    assert (record.former_commune_id, record.sheet_key, record.number_key) == (plot.former_commune_id, "12", "45A")
    assert record.status == CollectedRecord.Status.DRAFT
    assert record.collected_by == official.username and record.collected_by_user == official
    again, created = services.record_create_draft(plot=plot, user=official)
    assert not created and again.pk == record.pk
    assert CollectedRecord.objects.count() == 1


def test_submitted_record_is_not_reopened_as_draft(plot, official, sent):
    record, _ = services.record_create_draft(plot=plot, user=official)
    services.record_submit(
        record_id=record.pk,
        values={"holder_name": "Lê Văn Tám"},
        user=official,
        version=services.record_version(record),
    )
    second, created = services.record_create_draft(plot=plot, user=official)
    assert created and second.pk != record.pk


def test_update_saves_and_refuses_a_stale_version(plot, official):
    record, _ = services.record_create_draft(plot=plot, user=official)
    version = services.record_version(record)
    updated = services.record_update(
        record_id=record.pk, values={"holder_name": "Lê Văn Tám"}, user=official, version=version
    )
    assert updated.holder_name == "Lê Văn Tám"
    # the same post again (double click): nothing to change, accepted
    services.record_update(record_id=record.pk, values={"holder_name": "Lê Văn Tám"}, user=official, version=version)
    # different content on an old version: someone else changed it meanwhile
    with pytest.raises(services.RecordConflict):
        services.record_update(record_id=record.pk, values={"holder_name": "Khác"}, user=official, version=version)


def test_submit_sets_status_time_and_sends_the_signal_once(plot, official, sent):
    record, _ = services.record_create_draft(plot=plot, user=official)
    version = services.record_version(record)
    before = timezone.now()
    submitted = services.record_submit(
        record_id=record.pk, values={"holder_name": "Lê Văn Tám"}, user=official, version=version
    )
    assert submitted.status == CollectedRecord.Status.SUBMITTED
    assert submitted.submitted_at >= before
    assert sent == [record.pk]
    with pytest.raises(services.RecordAlreadySubmitted):
        services.record_submit(
            record_id=record.pk, values={"holder_name": "Lê Văn Tám"}, user=official, version=version
        )
    assert sent == [record.pk]


def test_submit_requires_the_holder_name(plot, official, sent):
    record, _ = services.record_create_draft(plot=plot, user=official)
    with pytest.raises(ValueError):
        services.record_submit(
            record_id=record.pk, values={"holder_name": ""}, user=official, version=services.record_version(record)
        )
    assert sent == []
    record.refresh_from_db()
    assert record.status == CollectedRecord.Status.DRAFT


def test_returned_record_is_reopened_and_resubmitted(plot, official, sent):
    record, _ = services.record_create_draft(plot=plot, user=official)
    services.record_submit(
        record_id=record.pk,
        values={"holder_name": "Lê Văn Tám"},
        user=official,
        version=services.record_version(record),
    )
    CollectedRecord.objects.filter(pk=record.pk).update(status=CollectedRecord.Status.RETURNED)
    reopened, created = services.record_create_draft(plot=plot, user=official)
    assert not created and reopened.pk == record.pk
    services.record_submit(
        record_id=record.pk,
        values={"holder_name": "Lê Văn Tâm"},
        user=official,
        version=services.record_version(reopened),
    )
    record.refresh_from_db()
    assert record.status == CollectedRecord.Status.SUBMITTED and record.holder_name == "Lê Văn Tâm"
    assert sent == [record.pk, record.pk]


def test_submitted_record_cannot_be_updated(plot, official, sent):
    record, _ = services.record_create_draft(plot=plot, user=official)
    services.record_submit(
        record_id=record.pk,
        values={"holder_name": "Lê Văn Tám"},
        user=official,
        version=services.record_version(record),
    )
    record.refresh_from_db()
    with pytest.raises(services.RecordNotEditable):
        services.record_update(
            record_id=record.pk, values={"holder_name": "X"}, user=official, version=services.record_version(record)
        )


def test_matching_touching_the_record_does_not_make_the_open_form_stale(plot, official, sent):
    record, _ = services.record_create_draft(plot=plot, user=official)
    version = services.record_version(record)
    record.open_flags, record.matched_fingerprint = 2, "abc"  # what verification writes
    record.save()
    submitted = services.record_submit(
        record_id=record.pk, values={"holder_name": "Lê Văn Tám"}, user=official, version=version
    )
    assert submitted.status == CollectedRecord.Status.SUBMITTED
