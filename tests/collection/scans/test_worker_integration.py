"""Scan processing through a REAL Celery worker (Redis broker, the test PostgreSQL database, shared media dir).

Skipped with a reason when Redis or PostgreSQL cannot be reached, unless CI=true (then it fails).
"""

from __future__ import annotations

import os
import time

import pytest
from django.urls import reverse

from collection.models import Scan
from collection.scans import encryption
from tests.collection.scans import images
from tests.collection.scans.conftest import upload_file
from tests.live_celery import TEST_BROKER_URL, WorkerProcesses, celery_on_broker, require_services

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

BROKER = os.environ.get("TEST_SCAN_BROKER_URL", TEST_BROKER_URL)


@pytest.fixture
def worker(settings, tmp_path):
    require_services(BROKER)
    with celery_on_broker(BROKER):
        workers = WorkerProcesses(
            broker=BROKER,
            log_dir=tmp_path,
            queues="records",
            pool="solo",
            concurrency=1,
            extra_env={"MEDIA_ROOT": str(settings.MEDIA_ROOT)},
        )
        workers.start()
        yield workers
        workers.stop_all()


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
        assert worker.procs[0].poll() is None, worker.log()
        time.sleep(0.5)
    assert scan.status == Scan.Status.READY, worker.log()
    assert (scan.width, scan.height) == (1200, 1600)
    assert b"Exif" not in encryption.read_decrypted(scan.file.name, key_id=scan.key_id)
