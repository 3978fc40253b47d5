"""Faults: Redis down while officials submit records and upload photos (issue 6, item 6).

A PRIVATE redis-server (free loopback port, no persistence) is the broker, so stopping it never
touches the machine's shared Redis; a real Celery worker runs on the test PostgreSQL database.
The killed-worker fault is covered by test_celery_worker.py (helpers: tests/live_celery.py); the PostgreSQL restart by
bench/faults.py (it needs a private PostgreSQL cluster).

Skipped with a reason when redis-server, Redis or PostgreSQL are missing, unless CI=true (then it fails).
"""

from __future__ import annotations

import datetime as dt
import io
import json
import logging
import os
import shutil
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.urls import reverse
from PIL import Image, ImageDraw

from collection.models import CollectedRecord, Role, Scan
from collection.services import record_create_draft
from tests.factories import (
    CommuneFactory,
    FormerCommuneFactory,
    LandUserFactory,
    PlotFactory,
    user_with_scope,
)
from tests.live_celery import PrivateRedis, WorkerProcesses, celery_on_broker, unavailable, wait_for
from verification.models import Flag, FlagCode

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]


def _redis_broker_settings(url: str) -> dict:
    """The Celery settings the portal really computes for a Redis broker URL (a fresh settings import)."""
    code = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        "print(json.dumps({'broker_transport_options': s.CELERY_BROKER_TRANSPORT_OPTIONS, "
        "'task_publish_retry_policy': s.CELERY_TASK_PUBLISH_RETRY_POLICY, "
        "'broker_connection_timeout': s.CELERY_BROKER_CONNECTION_TIMEOUT}))"
    )
    env = {
        **os.environ,
        "CELERY_BROKER_URL": url,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "LOG_LEVEL": "ERROR",
    }
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


@pytest.fixture
def private_redis(tmp_path):
    if shutil.which("redis-server") is None:
        unavailable("redis-server is not installed")
    if connection.vendor != "postgresql":
        unavailable("needs PostgreSQL (set DATABASE_URL=postgres://...)")
    redis = PrivateRedis(tmp_path)
    redis.start()
    yield redis
    redis.stop()


@pytest.fixture
def fault_app(private_redis):
    """The portal's Celery app on the private Redis with the production publish settings, not eager."""
    with celery_on_broker(private_redis.url, **_redis_broker_settings(private_redis.url)) as app:
        yield app


@pytest.fixture
def worker(fault_app, private_redis, tmp_path):
    # MEDIA_ROOT: the test's media directory (conftest), where the uploads are stored.
    workers = WorkerProcesses(
        broker=private_redis.url, log_dir=tmp_path, extra_env={"MEDIA_ROOT": str(settings.MEDIA_ROOT)}
    )
    yield workers
    workers.stop_all()


def _photo() -> bytes:
    image = Image.new("RGB", (1200, 1600), (235, 230, 215))
    draw = ImageDraw.Draw(image)
    for i in range(0, 1200, 40):
        draw.line([(i, 0), (1200 - i, 1600)], fill=(20, 20, 20), width=3)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return out.getvalue()


def test_broker_settings_fail_fast_for_redis():
    """Bounded socket timeouts and publish retries: a frozen Redis cannot hang a request for ever."""
    conf = _redis_broker_settings("redis://127.0.0.1:6379/0")
    assert 0 < conf["broker_transport_options"]["socket_timeout"] <= 5
    assert 0 < conf["broker_transport_options"]["socket_connect_timeout"] <= 5
    assert conf["task_publish_retry_policy"]["max_retries"] <= 2
    assert conf["broker_connection_timeout"] <= 5


def test_redis_down_submission_and_upload_are_kept_then_processed(worker, private_redis, client, caplog):
    commune = CommuneFactory()
    former = FormerCommuneFactory(commune=commune)
    plot = PlotFactory(
        former_commune=former,
        map_sheet="3",
        plot_number="7",
        sheet_key="3",
        number_key="7",
        area_m2=Decimal(200),
        land_use="ONT",
    )
    LandUserFactory(plot=plot, full_name="Nguyễn Văn An", birth_year=1960)
    official = user_with_scope(Role.OFFICIAL, commune=commune)
    record, _created = record_create_draft(plot=plot, user=official)
    worker.start()
    client.force_login(official)
    url = reverse("collection:record_edit", kwargs={"record_id": record.pk})
    version = client.get(url).context["form"].initial["version"]

    private_redis.stop()
    assert not private_redis.answers()
    caplog.set_level(logging.ERROR)
    # A photo first (only a draft takes photos), then the submission.
    upload = io.BytesIO(_photo())
    upload.name = "gcn-trang-1.jpg"
    started = time.monotonic()
    uploaded = client.post(
        reverse("collection:scan_upload", kwargs={"record_id": record.pk}),
        {"kind": "cert_1", "files": [upload]},
        HTTP_HX_REQUEST="true",
    )
    upload_seconds = time.monotonic() - started
    started = time.monotonic()
    response = client.post(
        url,
        {
            "holder_name": "Nguyễn Văn An",
            "holder_birth": "1960",
            "area_m2": "260",
            "land_use": "ONT",
            "certificate_status": "held",
            "version": version,
            "submit": "1",
        },
    )
    submit_seconds = time.monotonic() - started

    # The official sees success, at once; the record and the photo are stored; the failure is logged.
    assert response.status_code == 302, response.content[:500]
    assert submit_seconds < 10
    assert uploaded.status_code == 200 and b"scan-ok" in uploaded.content
    assert upload_seconds < 10
    record.refresh_from_db()
    assert record.status == CollectedRecord.Status.SUBMITTED
    assert record.matched_at is None
    scan = Scan.objects.get(record=record)
    assert scan.status == Scan.Status.PENDING
    assert "could not queue matching of record" in caplog.text
    assert "could not queue processing of scan" in caplog.text

    # Redis is back (empty: nothing was persisted); the periodic sweeps find what was left behind.
    private_redis.start()
    from collection.tasks import requeue_stale_scans
    from verification.tasks import sweep_unmatched

    Scan.objects.filter(pk=scan.pk).update(uploaded_at=scan.uploaded_at - dt.timedelta(hours=1))
    recovered = time.monotonic()
    requeue_stale_scans.delay()  # what beat sends every 10 minutes
    wait_for(lambda: Scan.objects.get(pk=scan.pk).status != Scan.Status.PENDING, 120, "the scan processed")
    sweep_unmatched.delay()  # what beat sends every 5 minutes
    wait_for(lambda: CollectedRecord.objects.get(pk=record.pk).matched_at is not None, 120, "the record matched")
    print(f"recovered {time.monotonic() - recovered:.1f}s after Redis came back")

    # Matched at its submitted values (the area differs; only one of the documents is there), nothing twice.
    record.refresh_from_db()
    flags = list(Flag.objects.filter(record=record).values_list("code", "field"))
    assert sorted(code for code, _field in flags) == [FlagCode.AREA_MISMATCH, FlagCode.MISSING_DOCUMENTS]
    assert len(flags) == len(set(flags))
    assert record.open_flags == Flag.objects.filter(record=record, status="open").count() == 2


@pytest.mark.e2e
@pytest.mark.skipif(
    not (os.path.exists(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")) or shutil.which("chromium"))
    and os.environ.get("CI") != "true",
    reason="Chromium not found (set CHROMIUM_PATH)",
)
def test_a_photo_refused_by_a_failing_server_stays_on_the_phone_and_is_sent_again(live_server, tmp_path):
    """While the database is down the upload answers 500: the photo is kept on the phone, shown as
    waiting, and sent again by itself once the server is back, without the official doing anything."""
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    commune = CommuneFactory()
    plot = PlotFactory(former_commune=FormerCommuneFactory(commune=commune))
    official = user_with_scope(Role.OFFICIAL, commune=commune, username="canbo_fault")
    record, _created = record_create_draft(plot=plot, user=official)
    photo = tmp_path / "gcn.jpg"
    photo.write_bytes(_photo())
    chromium = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
    args = [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
    ]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=args)
        page = browser.new_page(locale="vi-VN")
        page.set_default_timeout(30_000)
        try:
            page.goto(f"{live_server.url}/dang-nhap/")
            page.fill("#id_username", "canbo_fault")
            page.fill("#id_password", "mat-khau-123")
            page.click("section button[type=submit].primary")
            page.wait_for_url(f"{live_server.url}/")
            page.goto(f"{live_server.url}{reverse('collection:record_edit', kwargs={'record_id': record.pk})}")
            # What gunicorn answers while PostgreSQL restarts (bench/faults.py): an Internal Server Error.
            page.route(
                "**/api/v1/field/uploads/**", lambda route: route.fulfill(status=500, body="Internal Server Error")
            )
            page.set_input_files('input[data-photo-kind="cert_1"]', str(photo))
            waiting = page.locator('[data-local-photos] li[data-state="waiting"]')
            waiting.wait_for(state="visible")
            assert "tự gửi lại" in waiting.inner_text()
            assert page.locator("#outbox-badge").is_visible()
            assert not Scan.objects.filter(record=record).exists()
            # Back to normal: the outbox tries again by itself and the photo reaches the server.
            page.unroute("**/api/v1/field/uploads/**")
            page.locator(".scan-item").wait_for(state="visible")
            waiting.wait_for(state="detached")
            assert Scan.objects.filter(record=record).count() == 1
        finally:
            browser.close()
