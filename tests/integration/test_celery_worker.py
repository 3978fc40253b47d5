"""Matching through a REAL Celery worker (prefork, Redis broker, the test PostgreSQL database).

Skipped with a reason when Redis or PostgreSQL cannot be reached, unless CI=true (then it fails).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

from collection.models import CollectedRecord
from landdata import normalize
from landdata.models import Commune, FormerCommune, LandUser, Plot, Province
from verification import services
from verification.models import Flag, FlagCode, MatchingRun

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
BROKER = os.environ.get("TEST_BROKER_URL", "redis://127.0.0.1:6379/3")
QUEUES = "records,bulk,default"


def _unavailable(reason: str) -> None:
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"integration prerequisites missing in CI: {reason}")
    pytest.skip(reason)


@pytest.fixture
def celery_app():
    """The portal's Celery app pointed at the test broker, not eager, for the duration of the test."""
    from kombu import Connection

    from config.celery import app

    if connection.vendor != "postgresql":
        _unavailable("needs PostgreSQL (set DATABASE_URL=postgres://...)")
    try:
        with Connection(BROKER, connect_timeout=2) as conn:
            conn.ensure_connection(max_retries=1)
    except Exception as exc:  # noqa: BLE001 - any failure means: no broker
        _unavailable(f"Redis broker {BROKER} not reachable: {exc}")
    saved = (app.conf.broker_url, app.conf.task_always_eager, app.conf.broker_transport_options)
    app.conf.broker_url = BROKER
    app.conf.task_always_eager = False
    app.conf.broker_transport_options = {}
    _forget_connections(app)
    app.control.purge()
    yield app
    app.control.purge()
    app.conf.broker_url, app.conf.task_always_eager, app.conf.broker_transport_options = saved
    _forget_connections(app)


def _forget_connections(app) -> None:
    """Drop the app's cached connection and producer pools (as Celery does after a fork), so the next
    send uses the broker now configured; the old pools may be shared with other tests, so no closing."""
    app._pool = None
    app.amqp._producer_pool = None


class Worker:
    """`celery -A config worker` as a subprocess in its own process group (so SIGKILL takes its children)."""

    def __init__(self, tmp_path: Path) -> None:
        db = connection.settings_dict
        self.env = {
            **os.environ,
            "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
            "CELERY_BROKER_URL": BROKER,
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
        }
        if db.get("PASSWORD"):
            self.env["DATABASE_URL"] = self.env["DATABASE_URL"].replace(
                f"//{db['USER']}@", f"//{db['USER']}:{db['PASSWORD']}@"
            )
        self.tmp_path = tmp_path
        self.procs: list[subprocess.Popen] = []

    def start(self) -> subprocess.Popen:
        log = open(self.tmp_path / f"worker{len(self.procs)}.log", "wb")  # noqa: SIM115 - closed with the process
        proc = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=prefork", "-c", "2", "-Q", QUEUES,
             "--without-gossip", "--without-mingle", "-n", f"h3test{len(self.procs)}@%h", "-l", "INFO"],
            cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )
        self.procs.append(proc)
        return proc

    def kill(self, proc: subprocess.Popen) -> None:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)

    def stop_all(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
                try:
                    proc.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    self.kill(proc)


@pytest.fixture
def worker(celery_app, tmp_path):
    w = Worker(tmp_path)
    yield w
    w.stop_all()


def make_province(n: int) -> list[int]:
    """n registry plots with one owner each and n submitted records; every 3rd record's area differs."""
    province = Province.objects.create(code="27", name="Bắc Ninh")
    commune = Commune.objects.create(code="09265", name="Phường Một", province=province)
    former = FormerCommune.objects.create(code="09001", name="Xã Cũ", commune=commune)
    plots = Plot.objects.bulk_create(
        Plot(former_commune=former, map_sheet="1", plot_number=str(i), sheet_key="1", number_key=str(i),
             area_m2=Decimal("200"), land_use="ONT")
        for i in range(1, n + 1)
    )
    LandUser.objects.bulk_create(
        LandUser(registry_id=f"R{p.number_key}", plot=p, full_name="Nguyễn Văn An",
                 name_folded=normalize.name_folded("Nguyễn Văn An"), birth_year=1960)
        for p in plots
    )
    records = CollectedRecord.objects.bulk_create(
        CollectedRecord(
            former_commune=former, map_sheet="1", plot_number=str(i), sheet_key="1", number_key=str(i),
            holder_name="Nguyễn Văn An", holder_birth_year=1960, land_use="ONT",
            area_m2=Decimal("260") if i % 3 == 0 else Decimal("200"),
            collected_by="canbo01", collected_on="2025-10-01", status="submitted", source="import",
        )
        for i in range(1, n + 1)
    )
    return [r.id for r in records]


def _wait_for(predicate, timeout: float, what: str) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


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
    _wait_for(lambda: MatchingRun.objects.get(pk=run.pk).chunks_done >= 1, 120, "a first chunk")
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
