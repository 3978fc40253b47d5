"""The check at the door at province size: how long the official waits for "Đối chiếu ngay".

Run from the repository root with DATABASE_URL pointing at PostgreSQL:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/landportal python bench/live_check.py [--checks 500]

It creates a throwaway database (<name>_bench_live), fills it with bench/matching.py's province
(240,000 plots, 270,000 land users, a few submitted records) and times, for `--checks` random plots
with form values that match, differ or add (a typo in the name, another area, a new CCCD):
  1. `verification.live.live_check` alone (the rules and their three registry queries);
  2. the whole request an official's phone makes — POST /kiem-tra/doi-chieu-tai-cho/ through the
     Django test Client, signed in as an official of the plot's commune (session, scope, template).
Prints median, p95 and p99 in milliseconds (goal: p95 ≤ 150 ms for the request), then drops the
database. Bounded by TIME_LIMIT_SECONDS.
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import statistics
import sys
import time
from pathlib import Path

from _throwaway import admin_sql, bench_database_urls

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

TIME_LIMIT_SECONDS = 900


def _timeout(signum, frame):  # noqa: ARG001
    raise TimeoutError(f"benchmark exceeded {TIME_LIMIT_SECONDS} s")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def form_values(rnd: random.Random, plot, owner) -> dict:
    """What an official has typed so far: as registered, or with one difference or addition."""
    values = {
        "holder_name": owner.full_name,
        "holder_birth": str(owner.birth_year or ""),
        "area_m2": str(plot.area_m2).replace(".", ","),
        "land_use": plot.land_use,
        "certificate_status": "held",
    }
    case = rnd.randrange(4)
    if case == 1:
        values["holder_name"] = owner.full_name.replace("Văn", "Vân", 1) + " "
    elif case == 2:
        values["area_m2"] = str(round(float(plot.area_m2) * 1.2, 1)).replace(".", ",")
    elif case == 3:
        year = owner.birth_year or 1960
        values["holder_id_number"] = f"001{(year // 100 - 19) * 2}{year % 100:02d}{rnd.randrange(10**6):06d}"
    return values


def summary(label: str, times: list[float]) -> None:
    ms = [t * 1000 for t in times]
    print(
        f"{label:<44} median {statistics.median(ms):6.1f} ms  p95 {percentile(ms, 0.95):6.1f} ms  "
        f"p99 {percentile(ms, 0.99):6.1f} ms  ({len(ms)} checks)",
        flush=True,
    )


def run(checks: int) -> None:
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client
    from django.urls import reverse
    from matching import generate

    from collection.models import Role, UserScope
    from landdata.models import Commune, LandUser, Plot
    from verification import live

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    started = time.monotonic()
    call_command("migrate", verbosity=0)
    made = generate(200)
    print(f"province: {made['plots']:,} plots, {made['land_users']:,} land users ({time.monotonic() - started:.0f} s)")

    rnd = random.Random(2026)
    max_id = Plot.objects.order_by("-id").values_list("id", flat=True).first()
    sample = []
    while len(sample) < checks:
        plot = Plot.objects.filter(id=rnd.randint(1, max_id)).select_related("former_commune").first()
        owner = LandUser.objects.filter(plot=plot).first() if plot else None
        if owner is not None:
            sample.append((plot, form_values(rnd, plot, owner)))

    times = []
    for plot, values in sample:
        start = time.perf_counter()
        live.live_check(plot=plot, raw=values)
        times.append(time.perf_counter() - start)
    summary("1. live_check() (rules + registry rows)", times)

    from django.contrib.auth import get_user_model

    clients = {}
    for commune in Commune.objects.all():
        user = get_user_model().objects.create_user(username=f"canbo_{commune.code}", password="x")
        UserScope.objects.create(user=user, role=Role.OFFICIAL, commune=commune)
        client = Client()
        client.force_login(user)
        clients[commune.code] = client
    url = reverse("verification:live_check")
    times = []
    for plot, values in sample:
        client = clients[plot.former_commune.commune_id]
        start = time.perf_counter()
        response = client.post(url, {"plot": plot.pk, **values})
        times.append(time.perf_counter() - start)
        assert response.status_code == 200, response.status_code
    summary("2. POST /kiem-tra/doi-chieu-tai-cho/ (whole request)", times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--checks", type=int, default=500)
    args = parser.parse_args()
    bench_url, admin_url, bench_name = bench_database_urls(os.environ.get("DATABASE_URL", ""), "bench_live")
    admin_sql(admin_url, f'DROP DATABASE IF EXISTS "{bench_name}" WITH (FORCE)')
    admin_sql(admin_url, f'CREATE DATABASE "{bench_name}"')
    os.environ["DATABASE_URL"] = bench_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    os.environ["DEBUG"] = "false"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    signal.signal(signal.SIGALRM, _timeout)
    signal.alarm(TIME_LIMIT_SECONDS)
    try:
        import django

        django.setup()
        run(args.checks)
    finally:
        signal.alarm(0)
        from django.db import connections

        connections.close_all()
        admin_sql(admin_url, f'DROP DATABASE IF EXISTS "{bench_name}" WITH (FORCE)')


if __name__ == "__main__":
    main()
