"""Photos from the field on a 3G link: today's full-size single upload against the phone's outbox.

Run from the repository root (needs Debian's chromium and the test extra for Playwright):

    python bench/field_upload.py [--photos 20] [--cuts 50]

Everything runs in a throwaway SQLite database and media directory, with Celery eager (a photo is
processed in the request that completes it) and the portal served in this process, so that the bytes
each request carries are counted at the server. Chromium's network emulation gives the phone a 3G
link: 1.6 Mbit/s each way, 150 ms latency.

Photos: 12 MP phone JPEGs (4000×3000, quality 94, sensor noise) of 4.5-5 MB each, inside the 4-8 MB a
phone camera makes: half of a certificate page, half of a CCCD card on a table with its QR code. Three runs over the same photos:

1. today's path: the direct upload, every photo at full size in one multipart request;
2. the outbox: a picked photo shrunk on the phone (long side 2,400 px, JPEG 0.85) and sent by tus in
   256 KiB chunks;
3. the outbox again with `--cuts` network cuts (1-3 s offline) at random moments of the uploads.

Prints, per run: bytes sent by the phone, median and total seconds from "picked" to "Sẵn sàng" shown on
the page, the QR codes read on the ID photos, and (run 3) scans lost or duplicated. Goals (issue 12):
≤ 15 % of today's bytes, ≤ 25 % of today's time, QR read on 100 %, nothing lost or duplicated.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import signal
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TIME_LIMIT_SECONDS = 1500
THREE_G = {"offline": False, "latency": 150, "downloadThroughput": 200_000, "uploadThroughput": 200_000}
UPLOAD_PATHS = ("/anh/tai-len/", "/api/v1/field/uploads/")


def _timeout(signum, frame):  # pragma: no cover - only when the machine is far too slow
    raise SystemExit(f"bench/field_upload.py: stopped after the {TIME_LIMIT_SECONDS}s time limit")


# --- photos ---------------------------------------------------------------------------------------


def _sensor_noise(image, amount: float):
    from PIL import Image

    noise = Image.effect_noise(image.size, 40).convert("RGB")
    return Image.blend(image, noise, amount)


def certificate_photo(seed: int) -> bytes:
    """A certificate page photographed on a table: cream paper, lines of print, a red seal, noise."""
    from PIL import Image, ImageDraw

    rng = random.Random(seed)
    photo = Image.new("RGB", (4000, 3000), (96 + seed % 20, 90, 84))
    page = Image.new("RGB", (2600, 2850), (240, 233, 212))
    draw = ImageDraw.Draw(page)
    for y in range(200, 2500, 62):
        x = 180
        while x < 2350:
            width = rng.randint(30, 160)
            draw.rectangle((x, y, x + width, y + 22), fill=(30, 30, 38))
            x += width + rng.randint(14, 40)
    draw.ellipse((1800, 2200, 2250, 2650), outline=(200, 30, 30), width=16)
    photo.paste(page.rotate(rng.uniform(-3, 3), expand=False, fillcolor=(96, 90, 84)), (700, 75))
    return _jpeg(_sensor_noise(photo, 0.16))


def id_card_photo(seed: int, payload: str) -> bytes:
    """A CCCD card filling most of the frame, its QR code as big as on the card, on a table."""
    from PIL import Image, ImageDraw

    from tests.collection.scans import images

    rng = random.Random(seed)
    photo = Image.new("RGB", (4000, 3000), (120, 124, 130 + seed % 30))
    card = Image.new("RGB", (3300, 2100), (236, 240, 246))
    draw = ImageDraw.Draw(card)
    draw.rounded_rectangle((10, 10, 3290, 2090), radius=90, outline=(40, 70, 140), width=14)
    draw.rectangle((120, 640, 900, 1700), fill=(170, 160, 150))  # the portrait
    for y in range(700, 1900, 110):
        draw.rectangle((1050, y, 1050 + rng.randint(900, 1900), y + 40), fill=(30, 30, 40))
    card.paste(images.qr_image(payload, scale=14), (2550, 90))
    photo.paste(card, (350, 450))
    return _jpeg(_sensor_noise(photo, 0.16))


def _jpeg(image) -> bytes:
    out = io.BytesIO()
    image.save(out, "JPEG", quality=94)
    return out.getvalue()


def cccd_payload(n: int) -> str:
    number = f"0010850{n:05d}"
    return f"{number}|12345{n:04d}|Nguyễn Văn An {n}|0102198{n % 10}|Nam|Thôn {n}, xã Tiên Du, Bắc Ninh|15062021"


# --- the portal, served in this process ----------------------------------------------------------


class CountingApp:
    """WSGI wrapper: bytes of every upload request (request line, headers, body) as the server got them."""

    def __init__(self, app):
        self.app = app
        self.lock = threading.Lock()
        self.bytes = 0

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        if any(part in path for part in UPLOAD_PATHS):
            headers = sum(len(k) - 5 + len(str(v)) + 4 for k, v in environ.items() if k.startswith("HTTP_"))
            body = int(environ.get("CONTENT_LENGTH") or 0)
            with self.lock:
                self.bytes += len(environ.get("REQUEST_METHOD", "")) + len(path) + 12 + headers + body
        return self.app(environ, start_response)


def set_up_portal(workdir: Path):
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ["MEDIA_ROOT"] = str(workdir / "media")
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "true"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    import logging

    import django

    django.setup()
    from django.core.management import call_command

    logging.disable(logging.WARNING)
    call_command("migrate", verbosity=0)


def start_server():
    from django.contrib.staticfiles.handlers import StaticFilesHandler
    from django.test.testcases import LiveServerThread

    counter: dict[str, CountingApp] = {}

    def handler(app):
        counter["app"] = CountingApp(StaticFilesHandler(app))
        return counter["app"]

    server = LiveServerThread("127.0.0.1", handler, port=0)
    server.daemon = True
    server.start()
    server.is_ready.wait()
    if server.error:
        raise server.error
    return server, counter["app"]


def make_official_and_record(n: int):
    """A plot, an official of its commune and a draft record: one per run, so runs do not mix."""
    from collection.models import Role
    from collection.services import record_create_draft
    from tests.factories import FormerCommuneFactory, PlotFactory, user_with_scope

    former = FormerCommuneFactory()
    plot = PlotFactory(former_commune=former, map_sheet="12", plot_number=str(300 + n))
    official = user_with_scope(Role.OFFICIAL, commune=former.commune, username=f"canbo_bench_{n}")
    record, _created = record_create_draft(plot=plot, user=official)
    return official, record


# --- the three runs ------------------------------------------------------------------------------


def ready_count(page) -> int:
    return page.locator('.scan-item[data-scan-status="ready"]').count()


def wait_ready(page, count: int, timeout_s: float = 300) -> None:
    end = time.monotonic() + timeout_s
    while ready_count(page) < count:
        if time.monotonic() > end:
            raise SystemExit(f"a photo was not shown ready after {timeout_s:.0f}s")
        page.wait_for_timeout(100)


def open_form(browser, base: str, username: str, record, *, outbox: bool):
    from tests.browser import PHONE

    # The worker is kept out so that the emulated link applies to every request the page makes.
    context = browser.new_context(locale="vi-VN", service_workers="block", **PHONE)
    context.set_default_timeout(60_000)
    page = context.new_page()
    if not outbox:
        page.route("**/vendor/idb/**", lambda route: route.abort())  # the page falls back to the direct upload
    page.goto(f"{base}/dang-nhap/?next=/thu-thap/ban-ghi/{record.pk}/")
    page.fill("#id_username", username)
    page.fill("#id_password", "mat-khau-123")
    page.click("button[type=submit].primary")
    page.wait_for_url(f"**/ban-ghi/{record.pk}/")
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", THREE_G)
    return context, page, cdp


def run_direct(browser, base, files, counter) -> list[float]:
    official, record = make_official_and_record(1)
    context, page, _cdp = open_form(browser, base, official.username, record, outbox=False)
    times = []
    counter.bytes = 0
    for i, (path, kind) in enumerate(files):
        started = time.perf_counter()
        page.set_input_files("[data-scan-files]", str(path))
        page.select_option("[data-scan-file-kinds] select", kind)
        page.click("[data-scan-upload]")
        wait_ready(page, i + 1)
        times.append(time.perf_counter() - started)
    context.close()
    return times, record


def run_outbox(browser, base, files, counter, *, run: int, cuts: int = 0, rng=None) -> tuple[list[float], object]:
    official, record = make_official_and_record(run)
    context, page, cdp = open_form(browser, base, official.username, record, outbox=True)
    times = []
    counter.bytes = 0
    cut_at = sorted(rng.sample(range(len(files) * 10), cuts)) if cuts else []
    for i, (path, kind) in enumerate(files):
        started = time.perf_counter()
        page.set_input_files(f'input[data-photo-kind="{kind}"]', str(path))
        # Cuts fall at random tenths of this photo's expected time on the link.
        for _ in [c for c in cut_at if c // 10 == i]:
            page.wait_for_timeout(rng.uniform(200, 1500))
            cdp.send("Network.emulateNetworkConditions", {**THREE_G, "offline": True})
            page.wait_for_timeout(rng.uniform(1000, 3000))
            cdp.send("Network.emulateNetworkConditions", THREE_G)
            page.evaluate("() => window.dispatchEvent(new Event('online'))")
        wait_ready(page, i + 1)
        times.append(time.perf_counter() - started)
    context.close()
    return times, record


def summary(name: str, times: list[float], sent: int, record, id_photos: int) -> dict:
    from collection.models import Scan

    scans = Scan.objects.filter(record=record)
    qr_read = scans.filter(kind="id_front").exclude(qr_payload="").count()
    row = {
        "name": name,
        "bytes": sent,
        "median": statistics.median(times),
        "total": sum(times),
        "scans": scans.count(),
        "distinct": scans.values("sha256").distinct().count(),
        "qr": f"{qr_read}/{id_photos}",
    }
    print(
        f"{name:<34} {sent / 1e6:8.2f} MB  median {row['median']:6.1f} s  total {row['total']:7.1f} s  "
        f"scans {row['scans']} (distinct {row['distinct']})  QR read {row['qr']}",
        flush=True,
    )
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--photos", type=int, default=20)
    parser.add_argument("--cuts", type=int, default=50)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    signal.signal(signal.SIGALRM, _timeout)
    signal.alarm(TIME_LIMIT_SECONDS)
    rng = random.Random(args.seed)

    with tempfile.TemporaryDirectory(prefix="bench-field-upload-") as tmp:
        workdir = Path(tmp)
        set_up_portal(workdir)
        files = []
        for n in range(args.photos):
            kind = "id_front" if n % 2 else "cert_1"
            data = id_card_photo(n, cccd_payload(n)) if n % 2 else certificate_photo(n)
            path = workdir / f"anh-{n:02d}.jpg"
            path.write_bytes(data)
            files.append((path, kind))
        id_photos = sum(1 for _, kind in files if kind == "id_front")
        sizes = [path.stat().st_size for path, _ in files]
        print(
            f"{len(files)} photos of 12 MP: {sum(sizes) / 1e6:.1f} MB in all, "
            f"{statistics.median(sizes) / 1e6:.1f} MB median; link 1.6 Mbit/s each way, 150 ms",
            flush=True,
        )
        server, counter = start_server()
        base = f"http://127.0.0.1:{server.port}"
        from tests.browser import launch

        try:
            with launch() as browser:
                times, record = run_direct(browser, base, files, counter)
                direct = summary("1. today: full size, one request", times, counter.bytes, record, id_photos)
                times, record = run_outbox(browser, base, files, counter, run=2)
                outbox = summary("2. outbox: shrunk, tus chunks", times, counter.bytes, record, id_photos)
                times, record = run_outbox(browser, base, files, counter, run=3, cuts=args.cuts, rng=rng)
                cut = summary(f"3. outbox with {args.cuts} network cuts", times, counter.bytes, record, id_photos)
        finally:
            server.terminate()
        print()
        print(f"bytes: {outbox['bytes'] / direct['bytes']:.1%} of today's (goal ≤ 15 %)")
        print(f"time:  {outbox['total'] / direct['total']:.1%} of today's (goal ≤ 25 %)")
        print(f"QR read on the ID photos: {outbox['qr']} (outbox), {direct['qr']} (today)")
        lost = len(files) - cut["distinct"]
        duplicated = cut["scans"] - cut["distinct"]
        print(f"with {args.cuts} cuts: {lost} lost, {duplicated} duplicated (goal 0 and 0)")


if __name__ == "__main__":
    main()
