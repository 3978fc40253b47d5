"""Benchmark of scan processing and of the upload request.

Run from the repository root with DATABASE_URL pointing at PostgreSQL:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/landportal python bench/scan_processing.py [--runs 15]

1. Generates a 12-MP (4000×3000) photo-like JPEG — paper noise, text, boxes, an embedded
   CCCD QR code — with EXIF orientation 6 and GPS tags.
2. Runs `collection.scans.processing.process_image` on it `--runs` times: median/p95 seconds
   (goal: median < 1 s).
3. In a throwaway database (<name>_bench_scans, created and dropped here), with media in a
   temporary directory and an in-memory Celery broker, posts that photo `--runs` times to the
   upload view through the Django test Client (it only checks the header, stores and queues):
   median/p95 ms (goal: median < 300 ms). Then runs the whole worker task (`scan_process`:
   storage read, processing, storage writes, row update) on each uploaded scan.
The whole run is bounded by TIME_LIMIT_SECONDS.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import statistics
import sys
import tempfile
import time
from pathlib import Path

from _throwaway import admin_sql, bench_database_urls

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TIME_LIMIT_SECONDS = 300


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


def make_photo() -> bytes:
    """A 12-MP photo-like JPEG with an embedded QR code, EXIF orientation 6 and GPS."""
    from tests.collection.scans import images

    photo = images.document_photo(4000, 3000, seed=12, qr_text=images.CCCD_PAYLOAD, qr_scale=10)
    return images.encode(photo, "JPEG", quality=90, exif=images.exif_with_orientation_and_gps(6))


def bench_processing(data: bytes, runs: int, deadline: float) -> tuple[list[float], list[float]]:
    """Wall-clock and CPU seconds per run (CPU time shows the cost when other jobs share the machine)."""
    from collection.scans import processing

    times, cpu_times = [], []
    result = None
    for _ in range(runs):
        if time.monotonic() > deadline:
            break
        start, cpu_start = time.perf_counter(), time.process_time()
        result = processing.process_image(data, max_pixels=60_000_000, qr_full_resolution_retry=True)
        times.append(time.perf_counter() - start)
        cpu_times.append(time.process_time() - cpu_start)
    assert result is not None and result.qr_payload, "the embedded QR code was not read"
    assert (result.width, result.height) == (3000, 4000), "orientation not applied"
    print(
        f"  stored JPEG {len(result.image_bytes) / 1e6:.1f} MB, sharpness {result.sharpness}, "
        f"issues {[i.value for i in result.issues]}, QR read: {bool(result.qr_payload)}"
    )
    return times, cpu_times


def bench_upload(data: bytes, runs: int, deadline: float) -> tuple[list[float], list[float]]:
    import datetime as dt

    from django.contrib.auth import get_user_model
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client
    from django.urls import reverse

    from collection.models import CollectedRecord, Role, Scan, UserScope
    from collection.scans.services import scan_process
    from landdata.models import Commune, FormerCommune, Province, RegistrationBranch

    province = Province.objects.create(code="27", name="Bắc Ninh")
    branch = RegistrationBranch.objects.create(code="CN01", name="Chi nhánh 1", province=province)
    commune = Commune.objects.create(code="09265", name="Phường Tiên Du", province=province, branch=branch)
    former = FormerCommune.objects.create(code="09265", name="Xã Tiên Du", commune=commune)
    user = get_user_model().objects.create_user("canbo01", password="mat-khau-123")
    UserScope.objects.create(user=user, role=Role.OFFICIAL, commune=commune)
    record = CollectedRecord.objects.create(
        former_commune=former,
        map_sheet="12",
        plot_number="345",
        sheet_key="12",
        number_key="345",
        holder_name="Nguyễn Văn An",
        collected_by="canbo01",
        collected_on=dt.date(2025, 10, 15),
    )
    client = Client()
    client.force_login(user)
    url = reverse("collection:scan_upload", args=[record.pk])
    upload_times = []
    for i in range(runs):
        if time.monotonic() > deadline:
            break
        # Trailing bytes after the JPEG end marker: same picture, different file, not a duplicate.
        payload = data + i.to_bytes(4, "big")
        upload = SimpleUploadedFile(f"IMG_{i:04d}.JPG", payload, content_type="image/jpeg")
        start = time.perf_counter()
        response = client.post(url, {"kind": "id_front", "files": [upload]}, headers={"HX-Request": "true"})
        upload_times.append(time.perf_counter() - start)
        assert response.status_code == 200, response.status_code
    pending = list(Scan.objects.filter(record=record, status=Scan.Status.PENDING).values_list("pk", flat=True))
    assert len(pending) == len(upload_times), "some uploads were not stored"
    task_times = []
    for scan_id in pending:
        if time.monotonic() > deadline:
            break
        start = time.perf_counter()
        assert scan_process(scan_id=scan_id) == "ready"
        task_times.append(time.perf_counter() - start)
    return upload_times, task_times


def report(label: str, times: list[float], goal: float, unit: str = "s") -> None:
    scale = 1000 if unit == "ms" else 1
    median = statistics.median(times)
    print(
        f"{label}: n={len(times)} median={median * scale:.{0 if unit == 'ms' else 3}f} {unit} "
        f"p95={percentile(times, 0.95) * scale:.{0 if unit == 'ms' else 3}f} {unit} "
        f"min={min(times) * scale:.{0 if unit == 'ms' else 3}f} {unit} "
        f"goal median < {goal * scale:g} {unit}: {'OK' if median < goal else 'MISSED'}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()

    bench_url, admin_url, name = bench_database_urls(os.environ.get("DATABASE_URL", ""), "bench_scans")
    media = tempfile.mkdtemp(prefix="bench-scans-")
    os.environ["DATABASE_URL"] = bench_url
    os.environ["MEDIA_ROOT"] = media
    os.environ["CELERY_BROKER_URL"] = "memory://"
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "false"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ["DEBUG"] = "false"
    signal.signal(signal.SIGALRM, lambda *_: (_ for _ in ()).throw(TimeoutError("time limit reached")))
    signal.alarm(TIME_LIMIT_SECONDS + 60)
    deadline = time.monotonic() + TIME_LIMIT_SECONDS

    import django

    admin_sql(admin_url, f'DROP DATABASE IF EXISTS "{name}"')
    admin_sql(admin_url, f'CREATE DATABASE "{name}"')
    try:
        django.setup()
        from django.conf import settings
        from django.core.management import call_command
        from django.db import connections

        settings.ALLOWED_HOSTS = ["testserver", *settings.ALLOWED_HOSTS]
        call_command("migrate", verbosity=0)
        print(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}; Python {sys.version.split()[0]}")
        start = time.perf_counter()
        data = make_photo()
        print(
            f"photo: 4000×3000 JPEG, {len(data) / 1e6:.1f} MB, EXIF orientation 6 + GPS, QR code "
            f"(generated in {time.perf_counter() - start:.1f} s)"
        )
        print("processing function (decode, upright, strip metadata, re-encode, thumbnail, hashes, quality, QR):")
        wall, cpu = bench_processing(data, args.runs, deadline)
        report("  process_image wall-clock", wall, 1.0)
        report("  process_image CPU time  ", cpu, 1.0)
        upload_times, task_times = bench_upload(data, args.runs, deadline)
        report("upload request (Django test Client, header check + SHA-256 + store + queue)", upload_times, 0.3, "ms")
        report("worker task scan_process (storage read + processing + writes + row update)", task_times, 1.5)
        connections.close_all()
    finally:
        admin_sql(admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        shutil.rmtree(media, ignore_errors=True)
        signal.alarm(0)


if __name__ == "__main__":
    main()
