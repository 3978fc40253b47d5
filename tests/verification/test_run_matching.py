"""run_matching through call_command (eager Celery in the test settings)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from collection.models import CollectedRecord
from tests.factories import (
    CollectedRecordFactory,
    CommuneFactory,
    FormerCommuneFactory,
    LandUserFactory,
    PlotFactory,
)
from verification import tasks
from verification.models import Flag, FlagCode, MatchingChunk, MatchingRun, PlotOutcome
from verification.selectors import records_needing_match

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_communes():
    a = FormerCommuneFactory(commune=CommuneFactory(code="09265"))
    b = FormerCommuneFactory(commune=CommuneFactory(code="09266"))
    for fc in (a, b):
        LandUserFactory(plot=PlotFactory(former_commune=fc, map_sheet="1", plot_number="1", area_m2=Decimal("100")))
        CollectedRecordFactory(
            former_commune=fc, map_sheet="1", plot_number="1", area_m2=Decimal("200"), source="import"
        )
        CollectedRecordFactory(former_commune=fc, map_sheet="1", plot_number="2", status="draft")
    return a, b


def test_run_matching_wait_for_one_commune(two_communes, capsys):
    a, b = two_communes
    call_command("run_matching", "--commune", "09265", "--wait")
    out = capsys.readouterr().out
    assert out.count("\n") == 1 and "1 bản ghi" in out
    assert list(Flag.objects.values_list("former_commune_id", "code")) == [(a.code, FlagCode.AREA_MISMATCH)]
    run = MatchingRun.objects.get()
    assert (run.status, run.total, run.done, run.commune_id) == ("done", 1, 1, "09265")
    assert run.queries > 0
    assert PlotOutcome.objects.count() == 1


def test_run_matching_whole_province_twice_adds_nothing(two_communes, capsys):
    call_command("run_matching", "--wait")
    first = sorted(Flag.objects.values_list("id", "code"))
    assert len(first) == 2
    call_command("run_matching", "--wait")
    assert sorted(Flag.objects.values_list("id", "code")) == first
    assert MatchingRun.objects.order_by("-id").first().skipped == 2
    assert not records_needing_match().exists()


def test_run_matching_commune_code_without_leading_zero(two_communes):
    call_command("run_matching", "--commune", "9265", "--wait")
    assert Flag.objects.count() == 1


def test_unknown_commune_exits_1(two_communes):
    with pytest.raises(CommandError, match="99999"):
        call_command("run_matching", "--commune", "99999")
    assert not MatchingRun.objects.exists()


def test_unknown_commune_exit_status(two_communes):
    from django.core.management import ManagementUtility

    with pytest.raises(SystemExit) as exc:
        ManagementUtility(["manage.py", "run_matching", "--commune", "99999"]).execute()
    assert exc.value.code == 1


def test_run_with_no_records_is_done(db):
    CommuneFactory(code="09265")
    call_command("run_matching", "--commune", "09265", "--wait")
    assert MatchingRun.objects.get().status == "done"


def test_redelivered_chunk_counts_once(two_communes):
    run = MatchingRun.objects.create()
    _, chunks = tasks.services.matching_run_prepare(run_id=run.pk, commune_code=None, chunk_size=1)
    assert len(chunks) == 2
    for index, ids in chunks:
        tasks.match_chunk(ids, run.pk, index)
    tasks.match_chunk(chunks[0][1], run.pk, 0)  # the broker redelivers a chunk whose ack was lost
    run.refresh_from_db()
    assert (run.done, run.chunks_done, run.status) == (2, 2, "done")
    assert MatchingChunk.objects.filter(run=run, done=True).count() == 2


def test_sweep_queues_unmatched_and_changed(two_communes):
    assert tasks.sweep_unmatched() == 2
    assert tasks.sweep_unmatched() == 0
    record = CollectedRecord.objects.filter(status="submitted").first()
    record.area_m2 = Decimal("100")
    record.save()
    assert tasks.sweep_unmatched() == 1
    assert Flag.objects.count() == 1


def test_submit_signal_queues_match(two_communes, django_capture_on_commit_callbacks):
    from collection.signals import record_submitted

    record = CollectedRecord.objects.filter(status="submitted").first()
    with django_capture_on_commit_callbacks(execute=True):
        record_submitted.send(sender=CollectedRecord, record_id=record.pk)
    assert Flag.objects.filter(record=record).count() == 1


@pytest.mark.django_db
def test_imported_records_are_matched_in_chunks_not_one_task_each(django_capture_on_commit_callbacks, monkeypatch):
    """An import queues one chunk task per CHUNK_SIZE records (eagerly here), and every record gets matched."""
    from collection.models import CollectedRecord
    from collection.signals import records_imported
    from tests.factories import CollectedRecordFactory, FormerCommuneFactory
    from verification import tasks

    calls = []
    real_delay = tasks.match_chunk.delay
    monkeypatch.setattr(tasks, "CHUNK_SIZE", 2)
    monkeypatch.setattr(tasks.match_chunk, "delay", lambda ids, *a: calls.append(list(ids)) or real_delay(ids, *a))
    fc = FormerCommuneFactory()
    ids = [CollectedRecordFactory(former_commune=fc, plot_number=str(n)).pk for n in range(1, 6)]
    with django_capture_on_commit_callbacks(execute=True):
        records_imported.send(sender=CollectedRecord, record_ids=ids)
    assert [len(chunk) for chunk in calls] == [2, 2, 1]
    assert not CollectedRecord.objects.filter(matched_at__isnull=True).exists()
