"""Benchmark of the assigned-plots list and its searches at province size.

Run from the repository root with DATABASE_URL pointing at PostgreSQL:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/landportal python bench/plot_list.py [--plots N] [--requests N]

It creates its own throwaway database (<name>_bench_plot_list), migrates it, loads
270,000 plots (~2.1 land users each, 30 % of the big ward collected, some flagged) with
COPY, then, through the Django test Client (the whole stack: middleware, scope, template),
times 100 requests each of: the list page, a name search typed without diacritics, a
sheet/plot search and an exact ID search — for an official of the biggest ward and for a
province admin. Prints p50/p95 (ms) and queries per page, then drops the database.
Goal: p95 < 150 ms.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import signal
import statistics
import sys
import time
from pathlib import Path

from _names import FAMILY, GIVEN, LAND_USE, MIDDLE
from _throwaway import admin_sql, create_and_migrate

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TIME_LIMIT_SECONDS = 900
GOAL_P95_MS = 150.0


def _timeout(signum, frame):  # pragma: no cover - only when the machine is far too slow
    raise SystemExit(f"bench/plot_list.py: stopped after {TIME_LIMIT_SECONDS}s time limit")


def load(plots: int, seed: int = 27) -> dict:
    """Province 27: 300 former communes merged three by three; ward 09000 is the biggest."""
    from django.db import connection

    from landdata import normalize

    rnd = random.Random(seed)
    started = time.monotonic()
    with connection.cursor() as cur:
        cur.execute("INSERT INTO landdata_province (code, name) VALUES ('27', 'Bắc Ninh')")
        cur.execute("INSERT INTO landdata_registrationbranch (code, name, province_id) VALUES ('CN01', 'CN 1', '27')")
        for c in range(100):
            code = f"{9000 + c * 3:05d}"
            cur.execute(
                "INSERT INTO landdata_commune (code, name, province_id, branch_id) VALUES (%s, %s, '27', 'CN01')",
                [code, f"Phường {code}"],
            )
            cur.execute("INSERT INTO collection_communetarget (commune_id, target_plots) VALUES (%s, %s)", [code, 2000])
            for k in range(3):
                fc = f"{9000 + c * 3 + k:05d}"
                cur.execute(
                    "INSERT INTO landdata_formercommune (code, name, commune_id) VALUES (%s, %s, %s)",
                    [fc, f"Xã cũ {fc}", code],
                )
                cur.execute(
                    "INSERT INTO collection_assignment (former_commune_id, commune_id) VALUES (%s, %s)", [fc, code]
                )
    # The big ward's three former communes get 10 % of the plots; the rest is spread evenly.
    big = [f"{9000 + k:05d}" for k in range(3)]
    others = [f"{9000 + c:05d}" for c in range(3, 300)]
    plot_rows, user_rows = io.StringIO(), io.StringIO()
    samples: dict = {"names": [], "ids": [], "keys": []}
    registry_id = 0
    per_former: dict[str, int] = {}
    for pid in range(1, plots + 1):
        fc = big[pid % 3] if pid % 10 == 0 else others[pid % len(others)]
        n = per_former.get(fc, 0)
        per_former[fc] = n + 1
        sheet, number = str(1 + n // 150), str(1 + n % 150)
        plot_rows.write(
            f"{pid}\t{fc}\t{sheet}\t{number}\t{sheet}\t{number}\t{rnd.randint(30, 5000)}.5\t"
            f"{rnd.choice(LAND_USE)}\tThôn {1 + n % 12}\n"
        )
        for _ in range(3 if pid % 7 == 1 else 2):  # ~2.1 land users per plot, as in the province
            registry_id += 1
            name = f"{rnd.choice(FAMILY)} {rnd.choice(MIDDLE)} {rnd.choice(GIVEN)}"
            year = rnd.randint(1930, 2000)
            id_number = (
                f"027{(year // 100 - 19) * 2}{year % 100:02d}{registry_id % 1000000:06d}" if rnd.random() < 0.5 else ""
            )
            kind = normalize.classify_id(id_number, birth_year=year).value
            user_rows.write(
                f"{registry_id}\tR{registry_id}\t{pid}\tperson\t{name}\t{normalize.name_folded(name)}\t"
                f"{year}\t{id_number}\t{kind}\t\t\n"
            )
            if fc in big and len(samples["names"]) < 50 and rnd.random() < 0.05:
                samples["names"].append(normalize.name_folded(name))
            if fc in big and id_number and len(samples["ids"]) < 50 and rnd.random() < 0.05:
                samples["ids"].append(id_number)
        if fc in big and len(samples["keys"]) < 50 and rnd.random() < 0.05:
            samples["keys"].append(f"{sheet}/{number}")
    with connection.cursor() as cur:
        with cur.copy(
            "COPY landdata_plot (id, former_commune_id, map_sheet, plot_number, sheet_key, number_key, "
            "area_m2, land_use, address) FROM STDIN"
        ) as copy:
            copy.write(plot_rows.getvalue())
        with cur.copy(
            "COPY landdata_landuser (id, registry_id, plot_id, kind, full_name, name_folded, birth_year, "
            "id_number, id_kind, former_id_number, address) FROM STDIN"
        ) as copy:
            copy.write(user_rows.getvalue())
        cur.execute("SELECT setval(pg_get_serial_sequence('landdata_plot', 'id'), %s)", [plots])
        cur.execute("SELECT setval(pg_get_serial_sequence('landdata_landuser', 'id'), %s)", [registry_id])
        # 30 % of the big ward collected; one in five of those flagged, one in fifty returned.
        cur.execute(
            """
            INSERT INTO collection_collectedrecord (former_commune_id, map_sheet, plot_number, sheet_key, number_key,
                plot_id, holder_name, holder_id_number, holder_old_id_number, co_holder_name, co_holder_id_number,
                co_holder_old_id_number, certificate_serial, certificate_book_number, land_use, actual_user_name,
                certificate_status, owner_far_away, channel, notes, collected_by, collected_on, status, source,
                created_at, updated_at, submitted_at, matched_fingerprint, open_flags)
            SELECT p.former_commune_id, p.map_sheet, p.plot_number, p.sheet_key, p.number_key, p.id, 'Nguyễn Văn An',
                '', '', '', '', '', '', '', '', '', 'held', false, 'home_visit', '', 'canbo01', CURRENT_DATE,
                CASE WHEN p.id %% 50 = 0 THEN 'returned' ELSE 'submitted' END, 'form', now(), now(), now(), '',
                CASE WHEN p.id %% 5 = 0 THEN 1 ELSE 0 END
            FROM landdata_plot p WHERE p.former_commune_id = ANY(%s) AND p.id %% 10 = 0 AND random() < 0.3
            """,
            [big],
        )
        cur.execute("ANALYZE")
    samples["seconds"] = time.monotonic() - started
    samples["users"] = registry_id
    return samples


def measure(client, url: str, params_list: list[dict], requests: int) -> tuple[float, float, int, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    timings = []
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params_list[0])
    assert response.status_code == 200, response.status_code
    queries = len(ctx.captured_queries)
    rows = response.content.decode().count('class="card plot-row"')
    for i in range(requests):
        start = time.perf_counter()
        response = client.get(url, params_list[i % len(params_list)])
        timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200
    timings.sort()
    p95 = timings[max(0, int(len(timings) * 0.95) - 1)]
    return statistics.median(timings), p95, queries, rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--plots", type=int, default=270_000)
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--keep", action="store_true", help="keep the database (for EXPLAIN); drop it by hand")
    args = parser.parse_args()
    signal.signal(signal.SIGALRM, _timeout)
    signal.alarm(TIME_LIMIT_SECONDS)

    admin_url, bench_name = create_and_migrate(os.environ.get("DATABASE_URL", ""), "bench_plot_list")
    try:
        from django.contrib.auth import get_user_model
        from django.db import connections
        from django.test import Client
        from django.urls import reverse

        samples = load(args.plots)
        print(f"loaded {args.plots:,} plots, {samples['users']:,} land users in {samples['seconds']:.1f}s")

        from collection.models import Role, UserScope

        User = get_user_model()
        official = User.objects.create_user("canbo01", password="x")
        UserScope.objects.create(user=official, role=Role.OFFICIAL, commune_id="09000")
        admin = User.objects.create_user("tinh", password="x", is_staff=True)
        UserScope.objects.create(user=admin, role=Role.ADMIN, province_id="27")

        url = reverse("collection:plot_list")
        cases = [
            ("list page", [{}]),
            ("list page 2 (keyset)", [{"after": 5000}]),
            ("status: not collected", [{"status": "not_collected"}]),
            ("name without diacritics", [{"q": name} for name in samples["names"]]),
            ("sheet/plot", [{"q": key} for key in samples["keys"]]),
            ("ID number", [{"q": number} for number in samples["ids"]]),
        ]
        worst = 0.0
        print(f"{'user':<9} {'request':<26} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8} {'rows':>5}")
        for label, user in (("official", official), ("admin", admin)):
            client = Client()
            client.force_login(user)
            for name, params in cases:
                p50, p95, queries, rows = measure(client, url, params, args.requests)
                worst = max(worst, p95)
                print(f"{label:<9} {name:<26} {p50:8.1f} {p95:8.1f} {queries:8d} {rows:5d}")
        print(f"worst p95 {worst:.1f} ms — goal < {GOAL_P95_MS:.0f} ms: {'met' if worst < GOAL_P95_MS else 'NOT met'}")
        connections.close_all()
    finally:
        signal.alarm(0)
        if not args.keep:
            admin_sql(admin_url, f'DROP DATABASE IF EXISTS "{bench_name}" WITH (FORCE)')
    return 0


if __name__ == "__main__":
    sys.exit(main())
