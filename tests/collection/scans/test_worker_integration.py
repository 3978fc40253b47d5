"""Scan processing through a REAL Celery worker (Redis broker, the test PostgreSQL database, shared media dir).

Skipped with a reason when Redis or PostgreSQL cannot be reached, unless CI=true (then it fails).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection
from django.urls import reverse

from collection.models import Scan
from tests.collection.scans import images
from tests.collection.scans.conftest import upload_file

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[3]
BROKER = os.environ.get("TEST_SCAN_BROKER_URL", "redis://127.0.0.1:6379/14")


def _unavailable(reason: str) -> None:
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"integration prerequisites missing in CI: {reason}")
    pytest.skip(reason)


def _reset_pools(app) -> None:
    """Forget connections made for another broker (the producer pool keeps its own reference)."""
    if app._pool is not None:
        app._pool.force_close_all()
        app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def celery_app(settings):
    from kombu import Connection

    from config.celery import app

    if connection.vendor != "postgresql":
        _unavailable("needs PostgreSQL (set DATABASE_URL=postgres://...)")
    try:
        with Connection(BROKER, connect_timeout=2) as conn:
            conn.ensure_connection(max_retries=1)
    except Exception as exc:  # noqa: BLE001 - any failure means: no broker
        _unavailable(f"Redis broker {BROKER} not reachable: {exc}")
    settings.CELERY_TASK_ALWAYS_EAGER = False
    saved = (app.conf.broker_url, app.conf.task_always_eager, app.conf.broker_transport_options)
    app.conf.broker_url, app.conf.task_always_eager, app.conf.broker_transport_options = BROKER, False, {}
    _reset_pools(app)
    app.control.purge()
    yield app
    app.control.purge()
    _reset_pools(app)
    app.conf.broker_url, app.conf.task_always_eager, app.conf.broker_transport_options = saved


@pytest.fixture
def worker(celery_app, settings, tmp_path):
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
        "CELERY_BROKER_URL": BROKER,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
    }
    log = open(tmp_path / "worker.log", "wb")  # noqa: SIM115 - closed below
    proc = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo", "-Q", "records",
         "--without-gossip", "--without-mingle", "-n", "h4bscans@%h", "-l", "INFO"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )
    yield proc
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
    log.close()


def test_uploaded_scan_is_processed_by_the_worker(worker, client, world, tmp_path):
    client.force_login(world["official"])
    data = images.jpeg_with_exif(images.marked_photo(1600, 1200))
    response = client.post(
        reverse("collection:scan_upload", args=[world["record"].pk]),
        {"kind": "id_front", "files": [upload_file("a.jpg", data)]},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    scan = Scan.objects.get()
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        scan.refresh_from_db()
        if scan.status != Scan.Status.PENDING:
            break
        assert worker.poll() is None, (tmp_path / "worker.log").read_text()[-3000:]
        time.sleep(0.5)
    assert scan.status == Scan.Status.READY, (tmp_path / "worker.log").read_text()[-3000:]
    assert (scan.width, scan.height) == (1200, 1600)
    with scan.file.open("rb") as handle:
        assert b"Exif" not in handle.read()
