"""Matching through a REAL Celery worker (prefork, Redis broker, the test PostgreSQL database).

Skipped with a reason when Redis or PostgreSQL cannot be reached, unless CI=true (then it fails).
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.management import call_command

from collection.models import CollectedRecord
from landdata import normalize
from landdata.models import Commune, FormerCommune, LandUser, Plot, Province
from tests.live_celery import TEST_BROKER_URL, WorkerProcesses, celery_on_broker, require_services, wait_for
from verification import services
from verification.models import Flag, FlagCode, MatchingRun

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

QUEUES = "records,bulk,default"


@pytest.fixture
def celery_app():
    """The portal's Celery app pointed at the test broker, not eager, for the duration of the test."""
    require_services(TEST_BROKER_URL)
    with celery_on_broker(TEST_BROKER_URL) as app:
        yield app


@pytest.fixture
def worker(celery_app, tmp_path):
    workers = WorkerProcesses(broker=TEST_BROKER_URL, log_dir=tmp_path, queues=QUEUES)
    yield workers
    workers.stop_all()


def make_province(n: int) -> list[int]:
    """n registry plots with one owner each and n submitted records; every 3rd record's area differs."""
    province = Province.objects.create(code="24", name="Bắc Ninh")
    commune = Commune.objects.create(code="09265", name="Phường Một", province=province)
    former = FormerCommune.objects.create(code="09001", name="Xã Cũ", commune=commune)
    plots = Plot.objects.bulk_create(
        Plot(
            former_commune=former,
            map_sheet="1",
            plot_number=str(i),
            sheet_key="1",
            number_key=str(i),
            area_m2=Decimal("200"),
            land_use="ONT",
        )
        for i in range(1, n + 1)
    )
    LandUser.objects.bulk_create(
        LandUser(
            registry_id=f"R{p.number_key}",
            plot=p,
            full_name="Nguyễn Văn An",
            name_folded=normalize.name_folded("Nguyễn Văn An"),
            birth_year=1960,
        )
        for p in plots
    )
    records = CollectedRecord.objects.bulk_create(
        CollectedRecord(
            former_commune=former,
            map_sheet="1",
            plot_number=str(i),
            sheet_key="1",
            number_key=str(i),
            holder_name="Nguyễn Văn An",
            holder_birth_year=1960,
            land_use="ONT",
            area_m2=Decimal("260") if i % 3 == 0 else Decimal("200"),
            collected_by="canbo01",
            collected_on="2025-10-01",
            status="submitted",
            source="import",
        )
        for i in range(1, n + 1)
    )
    return [r.id for r in records]


def test_run_matching_through_worker_survives_a_killed_worker(worker):
    n = 3000
    make_province(n)
    first = worker.start()

    call_command("run_matching", "--wait", "--timeout", "240", "--poll", "0.3")
    area_flags = Flag.objects.filter(code=FlagCode.AREA_MISMATCH)
    assert area_flags.count() == n // 3
    assert Flag.objects.count() == n // 3
    assert MatchingRun.objects.get().status == MatchingRun.Status.DONE
    assert not CollectedRecord.objects.filter(matched_at__isnull=True).exists()

    # Every record changes; the worker is SIGKILLed in the middle of the batch.
    CollectedRecord.objects.update(area_m2=Decimal("201"), land_use="CLN")
    run = services.matching_run_create()
    from verification.tasks import match_batch

    match_batch.delay(None, run.pk)
    wait_for(lambda: MatchingRun.objects.get(pk=run.pk).chunks_done >= 1, 120, "a first chunk")
    worker.kill(first)
    run.refresh_from_db()
    assert run.chunks_done < run.chunks_total, "the batch finished before the worker could be killed"

    worker.start()
    call_command("run_matching", "--wait", "--timeout", "240", "--poll", "0.3")
    # Every record matched at its current values, exactly one flag per (record, code, field).
    assert Flag.objects.filter(code=FlagCode.LAND_USE_MISMATCH).count() == n
    assert Flag.objects.filter(code=FlagCode.AREA_MISMATCH, status="open").count() == 0
    assert Flag.objects.count() == n
    assert CollectedRecord.objects.filter(open_flags=1).count() == n


def _other_connections() -> set[int]:
    """Backend pids of the other client connections to the test database (the worker's processes)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() "
            "AND backend_type = 'client backend'"
        )
        return {pid for (pid,) in cursor.fetchall()}


def test_worker_keeps_its_database_connection_between_tasks(worker):
    """Celery's Django fixup closes the connection around every task unless CELERY_DB_REUSE_MAX is set: a
    new PostgreSQL backend per chunk cost more than a re-run's own queries. The worker's processes keep
    theirs from one task to the next, as Django keeps a request's for CONN_MAX_AGE."""
    make_province(30)
    worker.start()
    call_command("run_matching", "--wait", "--timeout", "120", "--poll", "0.2")
    after_first = _other_connections()
    assert after_first, "the worker closed its connections after its tasks"
    call_command("run_matching", "--wait", "--timeout", "120", "--poll", "0.2")
    assert after_first <= _other_connections(), "the second run's tasks opened new connections"
    assert MatchingRun.objects.filter(status=MatchingRun.Status.DONE).count() == 2
