"""Benchmark of matching at province size, through a REAL Celery worker.

Run from the repository root with DATABASE_URL pointing at PostgreSQL and Redis at 127.0.0.1:6379:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/landportal python bench/matching.py [--records N]

It creates its own throwaway database (<name>_bench_matching), migrates it, generates with COPY
270,000 registry rows (240,000 plots, 30,000 with a co-owner) and 50,000 submitted records
(4,000 of them in one commune; ~30 % carry a discrepancy or an enrichment), starts
`celery -A config worker --pool=prefork -c 2` on the Redis broker DB 3 (BENCH_BROKER_URL), and
measures through `run_matching --wait`:
  1. one commune of 4,000 records, cold;
  2. the province, 50,000 records, cold; records/s; queries per record (counted inside the chunk
     tasks and summed in MatchingRun);
  3. the province again on unchanged data (fingerprints: goal <= 2 s);
  4. the I/O floor of the province: in 2 processes, the same chunks (CHUNK_SIZE), each reading every
     input matching needs (the records, their scans, their registry plots with land users and
     certificates, their flags, the partner records of their plot keys and ID numbers, the land users
     with those ID numbers) and writing the flags the full match produced, with no rule applied;
     goal: the full match within 2x that floor, and <= 10 s;
  5. the eager path `import_collection` takes when Celery runs tasks in-process (match_chunk on each
     chunk, one process) on 10,000 records, against the worker's throughput per process;
  6. a naive per-record implementation (Plot.objects.get + land_users.all() + update_or_create per
     flag + outcomes per record) on 1,000 records, against the batch service on the same 1,000
     records in one process, and against the worker's province throughput (goal >= 20x).
It prints every figure and how fast the machine was before and after (bench/_machine.py), then
kills the worker and drops the database. Bounded by TIME_LIMIT_SECONDS.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import signal
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

from _machine import machine_line
from _names import FAMILY, GIVEN, LAND_USE, MIDDLE
from _throwaway import admin_sql, bench_database_urls

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TIME_LIMIT_SECONDS = 1500
BROKER = os.environ.get("BENCH_BROKER_URL", "redis://127.0.0.1:6379/3")
PLOTS = 240_000
CO_OWNERS = 30_000
COMMUNES = 30
FORMERS_PER_COMMUNE = 3
PER_SHEET = 100
COMMUNE_RECORDS = 4_000
NAIVE_SLICE = 1_000
EAGER_SLICE = 10_000
FLOOR_PROCESSES = 2


def _timeout(signum, frame):  # noqa: ARG001
    raise TimeoutError(f"benchmark exceeded {TIME_LIMIT_SECONDS} s")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=50_000)
    parser.add_argument("--keep-db", action="store_true", help="keep the database for profiling")
    args = parser.parse_args()
    bench_url, admin_url, bench_name = bench_database_urls(os.environ.get("DATABASE_URL", ""), "bench_matching")
    admin_sql(admin_url, f'DROP DATABASE IF EXISTS "{bench_name}" WITH (FORCE)')
    admin_sql(admin_url, f'CREATE DATABASE "{bench_name}"')
    os.environ["DATABASE_URL"] = bench_url
    os.environ["CELERY_BROKER_URL"] = BROKER
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "false"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ["DEBUG"] = "false"
    signal.signal(signal.SIGALRM, _timeout)
    signal.alarm(TIME_LIMIT_SECONDS)
    worker = None
    try:
        import django

        django.setup()
        worker = run(args.records)
    finally:
        signal.alarm(0)
        if worker is not None and worker.poll() is None:
            os.killpg(worker.pid, signal.SIGTERM)
            try:
                worker.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(worker.pid, signal.SIGKILL)
        from django.db import connections

        connections.close_all()
        if not args.keep_db:
            admin_sql(admin_url, f'DROP DATABASE IF EXISTS "{bench_name}" WITH (FORCE)')


# --- Data ----------------------------------------------------------------------------------------


def _copy(model, objs) -> None:
    """COPY model instances with explicit ids (every concrete column, defaults as bulk_create would)."""
    from django.db import connection

    fields = [f for f in model._meta.concrete_fields]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    with connection.cursor() as cursor:
        with cursor.cursor.copy(f"COPY {model._meta.db_table} ({columns}) FROM STDIN") as copy:
            for obj in objs:
                copy.write_row([f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields])
    from django.core.management.color import no_style

    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), [model]):
            cursor.execute(sql)


def _name(rnd: random.Random) -> str:
    return f"{rnd.choice(FAMILY)} {rnd.choice(MIDDLE)} {rnd.choice(GIVEN)}"


def _cccd(index: int, year: int) -> str:
    return f"027{0 if year < 2000 else 2}{year % 100:02d}{index % 1_000_000:06d}"


def generate(n_records: int) -> dict:
    """Registry (270,000 land-user rows) and n_records submitted records; returns what was made."""
    from collection.models import CollectedRecord
    from landdata import normalize
    from landdata.models import Certificate, Commune, FormerCommune, LandUser, Plot, Province

    rnd = random.Random(27)
    province = Province.objects.create(code="27", name="Tỉnh thử")
    communes = [Commune(code=f"1{c:04d}", name=f"Xã {c}", province=province) for c in range(1, COMMUNES + 1)]
    Commune.objects.bulk_create(communes)
    formers = [
        FormerCommune(code=f"2{c * 10 + f:04d}", name=f"Xã cũ {c}.{f}", commune=communes[c - 1])
        for c in range(1, COMMUNES + 1)
        for f in range(FORMERS_PER_COMMUNE)
    ]
    FormerCommune.objects.bulk_create(formers)
    per_former = PLOTS // len(formers)

    plots, certs, users, owners_of = [], [], [], {}
    uid = 0
    for i in range(PLOTS):
        index = min(i // per_former, len(formers) - 1)
        former, n = formers[index], i - index * per_former
        sheet, number = str(n // PER_SHEET + 1), str(n % PER_SHEET + 1)
        plot = Plot(
            id=i + 1,
            former_commune_id=former.code,
            map_sheet=sheet,
            plot_number=number,
            area_m2=Decimal(rnd.randint(500, 30000)) / 10,
            land_use=rnd.choice(LAND_USE),
            address="Thôn 1",
        )
        plot.sheet_key, plot.number_key = normalize.plot_key_part(sheet), normalize.plot_key_part(number)
        plots.append(plot)
        certs.append(
            Certificate(
                id=i + 1,
                plot_id=i + 1,
                serial=f"B{'ACDEGH'[i % 6]} {i:06d}",
                serial_key=normalize.certificate_key(f"B{'ACDEGH'[i % 6]} {i:06d}"),
                book_number=f"CH {i % 100000:05d}",
            )
        )
        owners = []
        for _ in range(2 if i < CO_OWNERS * 8 and i % 8 == 0 else 1):
            uid += 1
            year = rnd.randint(1940, 1995)
            kind = rnd.random()
            id_number = _cccd(uid, year) if kind < 0.4 else (f"{100000000 + uid:09d}" if kind < 0.7 else "")
            name = _name(rnd)
            user = LandUser(
                id=uid,
                registry_id=f"R{uid}",
                plot_id=i + 1,
                certificate_id=i + 1,
                full_name=name,
                birth_year=year,
                id_number=id_number,
                name_folded=normalize.name_folded(name),
                id_kind=normalize.classify_id(id_number, birth_year=year).value,
            )
            users.append(user)
            owners.append(user)
        owners_of[i] = owners
    _copy(Plot, plots)
    _copy(Certificate, certs)
    _copy(LandUser, users)

    # Records: the first commune's 4,000, then the rest of the province.
    first_commune = {f.code for f in formers if f.commune_id == communes[0].code}
    in_first = [i for i, p in enumerate(plots) if p.former_commune_id in first_commune]
    others = [i for i, p in enumerate(plots) if p.former_commune_id not in first_commune]
    chosen = in_first[:COMMUNE_RECORDS] + rnd.sample(others, max(0, n_records - COMMUNE_RECORDS))
    records = []
    for rid, i in enumerate(chosen, start=1):
        plot, owner = plots[i], owners_of[i][0]
        case = rid % 20
        rec = CollectedRecord(
            id=rid,
            plot_id=plot.id,  # linked at import, as import_collection does (unlinked below when not registered)
            former_commune_id=plot.former_commune_id,
            map_sheet=plot.map_sheet,
            plot_number=plot.plot_number,
            sheet_key=plot.sheet_key,
            number_key=plot.number_key,
            holder_name=owner.full_name,
            holder_birth_year=owner.birth_year,
            holder_id_number=owner.id_number,
            certificate_serial=certs[i].serial,
            certificate_book_number=certs[i].book_number,
            area_m2=plot.area_m2,
            land_use=plot.land_use,
            collected_by="canbo01",
            collected_on="2025-10-01",
            status="submitted",
            source="import",
        )
        if len(owners_of[i]) > 1:
            rec.co_holder_name = owners_of[i][1].full_name
        if case == 14:
            rec.area_m2 = plot.area_m2 * Decimal("1.1")
        elif case == 15:
            rec.holder_name = owner.full_name.rsplit(" ", 1)[0] + " Khánh"
        elif case == 16 and not owner.id_number:
            rec.holder_id_number = _cccd(900_000 + rid, owner.birth_year)
        elif case == 17:
            rec.land_use = "NTS" if plot.land_use != "NTS" else "LUC"
        elif case == 18:
            rec.certificate_status = "mortgaged"
        elif case == 19:
            rec.plot_number, rec.number_key, rec.plot_id = str(9000 + rid), str(9000 + rid), None
        records.append(rec)
    _copy(CollectedRecord, records)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {"plots": len(plots), "land_users": len(users), "records": len(records), "commune": communes[0].code}


# --- Worker and runs -----------------------------------------------------------------------------


def start_worker() -> subprocess.Popen:
    env = {**os.environ, "CELERY_BROKER_URL": BROKER, "CELERY_TASK_ALWAYS_EAGER": "false"}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--pool=prefork",
            "-c",
            "2",
            "-Q",
            "records,bulk,default",
            "--without-gossip",
            "--without-mingle",
            "-n",
            "bench@%h",
            "-l",
            "WARNING",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    return proc


def timed_run(label: str, commune: str | None = None) -> tuple[float, object]:
    from io import StringIO

    from django.core.management import call_command

    from verification.models import MatchingRun

    start = time.perf_counter()
    out = StringIO()
    kwargs = {"wait": True, "timeout": TIME_LIMIT_SECONDS, "poll": 0.2, "stdout": out, "stderr": StringIO()}
    if commune:
        kwargs["commune"] = commune
    call_command("run_matching", **kwargs)
    elapsed = time.perf_counter() - start
    run = MatchingRun.objects.order_by("-id").first()
    runs = MatchingRun.objects.filter(id__gte=run.id)
    print(f"  {label}: {elapsed:.1f} s — {out.getvalue().strip()}")
    return elapsed, runs


def reset_matching(record_ids=None) -> None:
    from collection.models import CollectedRecord
    from verification.models import Enrichment, Flag, PlotOutcome

    records = CollectedRecord.objects.all() if record_ids is None else CollectedRecord.objects.filter(id__in=record_ids)
    Flag.objects.filter(record__in=records).delete()
    Enrichment.objects.filter(record__in=records).delete()
    if record_ids is None:
        PlotOutcome.objects.all().delete()
    # Back to "imported, never matched" (import_collection links the plot itself: that link stays).
    records.update(matched_fingerprint="", matched_at=None, open_flags=0)


def naive_match(record_ids) -> None:
    """What matching looks like written record by record: a handful of queries per record."""
    from collection.models import CollectedRecord
    from landdata.models import Plot
    from verification.matching import rules
    from verification.matching.load import RECORD_FIELDS, record_values
    from verification.matching.types import RegistryCertificate, RegistryOwner, RegistryPlot
    from verification.models import Enrichment, Flag
    from verification.outcomes import refresh_outcomes

    for rid in record_ids:
        row = CollectedRecord.objects.filter(id=rid).values(*RECORD_FIELDS).get()
        record = CollectedRecord.objects.get(id=rid)
        try:
            plot = Plot.objects.get(
                former_commune_id=row["former_commune_id"], sheet_key=row["sheet_key"], number_key=row["number_key"]
            )
        except Plot.DoesNotExist:
            plot = None
        registry = None
        if plot:
            registry = RegistryPlot(
                plot_id=plot.id,
                area_m2=plot.area_m2,
                land_use=plot.land_use,
                owners=tuple(
                    RegistryOwner(u.id, u.full_name, u.birth_year, u.birth_date, u.id_number, u.former_id_number)
                    for u in plot.land_users.all()
                ),
                certificates=tuple(RegistryCertificate(c.serial, c.book_number) for c in plot.certificates.all()),
            )
        list(record.scans.all())
        found = rules.match_record(record_values(row), registry)
        for f in found.flags:
            Flag.objects.update_or_create(
                record=record,
                code=f.code,
                field=f.field,
                defaults={
                    "plot": plot,
                    "former_commune_id": row["former_commune_id"],
                    "commune_id": row["former_commune__commune_id"],
                    "registry_value": f.registry_value,
                    "collected_value": f.collected_value,
                    "severity": f.severity,
                    "similarity": f.similarity,
                },
            )
        for e in found.enrichments:
            Enrichment.objects.update_or_create(
                record=record, kind=e.kind, field=e.field, defaults={"collected_value": e.collected_value}
            )
        record.plot = plot
        record.save(update_fields=["plot"])
        refresh_outcomes(plot_keys=[(row["former_commune_id"], row["sheet_key"], row["number_key"])])


# --- The I/O floor -------------------------------------------------------------------------------

_KEYS = "unnest(%(f)s::varchar[], %(s)s::varchar[], %(n)s::varchar[]) AS k(f, s, n)"
_ON_KEY = "t.former_commune_id = k.f AND t.sheet_key = k.s AND t.number_key = k.n"
FLOOR_RECORDS = """SELECT t.*, fc.commune_id FROM collection_collectedrecord t
    JOIN landdata_formercommune fc ON fc.code = t.former_commune_id
    WHERE t.id = ANY(%(ids)s) AND t.status = 'submitted'"""
FLOOR_READS = (
    "SELECT record_id, kind, sha256, qr_payload FROM collection_scan WHERE record_id = ANY(%(ids)s)",
    "SELECT * FROM verification_flag WHERE record_id = ANY(%(ids)s)",
    # the partners: submitted records of the same plot keys or ID numbers, and land users with those numbers
    f"""SELECT * FROM collection_collectedrecord WHERE status = 'submitted' AND id IN (
        SELECT t.id FROM collection_collectedrecord t JOIN {_KEYS} ON {_ON_KEY}
        UNION SELECT id FROM collection_collectedrecord WHERE holder_id_number = ANY(%(numbers)s::varchar[])
        UNION SELECT id FROM collection_collectedrecord WHERE co_holder_id_number = ANY(%(numbers)s::varchar[]))""",
    "SELECT * FROM landdata_landuser WHERE id_number = ANY(%(numbers)s::varchar[])",
)
FLOOR_PLOTS = f"SELECT t.* FROM landdata_plot t JOIN {_KEYS} ON {_ON_KEY}"
FLOOR_PLOT_ROWS = (
    "SELECT * FROM landdata_landuser WHERE plot_id = ANY(%(plots)s)",
    "SELECT * FROM landdata_certificate WHERE plot_id = ANY(%(plots)s)",
)
FLOOR_WRITE = "INSERT INTO verification_flag SELECT * FROM bench_flags WHERE record_id = ANY(%(ids)s)"


def _floor_worker(args: tuple[str, list[list[int]]]) -> int:
    """One process of the floor: its chunks, each in one transaction, with plain psycopg (no Django) and
    only what it takes to ask for the next rows (plot keys, plot ids, ID numbers) done in Python."""
    import psycopg

    url, chunks = args
    rows = 0
    with psycopg.connect(url.replace("postgres://", "postgresql://", 1)) as conn:
        for ids in chunks:
            with conn.transaction(), conn.cursor() as cur:
                cur.execute(FLOOR_RECORDS, {"ids": ids})
                column = {d.name: i for i, d in enumerate(cur.description)}
                records = cur.fetchall()
                keys = {
                    (r[column["former_commune_id"]], r[column["sheet_key"]], r[column["number_key"]]) for r in records
                }
                f, s, n = (list(part) for part in zip(*keys)) if keys else ([], [], [])
                numbers = list(
                    {r[column[c]] for r in records for c in ("holder_id_number", "co_holder_id_number")} - {""}
                )
                params = {"ids": ids, "f": f, "s": s, "n": n, "numbers": numbers}
                cur.execute(FLOOR_PLOTS, params)
                plots = [row[0] for row in cur.fetchall()]
                for sql in FLOOR_READS:
                    cur.execute(sql, params)
                    rows += len(cur.fetchall())
                for sql in FLOOR_PLOT_ROWS:
                    cur.execute(sql, {"plots": plots})
                    rows += len(cur.fetchall())
                cur.execute(FLOOR_WRITE, params)
                rows += len(records) + len(plots)
    return rows


def io_floor(url: str, record_ids: list[int], chunk_size: int) -> float:
    """Seconds for the floor over `record_ids` in FLOOR_PROCESSES processes; the flags the full match
    wrote are saved first and written again by the floor (the table is left as the match left it)."""
    from django.db import connection, connections

    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_flags")
        cursor.execute("CREATE TABLE bench_flags AS SELECT * FROM verification_flag")
        cursor.execute("DELETE FROM verification_flag")
    connections.close_all()
    chunks = [record_ids[i : i + chunk_size] for i in range(0, len(record_ids), chunk_size)]
    shares = [(url, chunks[k::FLOOR_PROCESSES]) for k in range(FLOOR_PROCESSES)]
    with multiprocessing.get_context("fork").Pool(FLOOR_PROCESSES) as pool:
        t = time.perf_counter()
        pool.map(_floor_worker, shares)
        seconds = time.perf_counter() - t
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE bench_flags")
    return seconds


def eager_path(record_ids: list[int]) -> float:
    """What `import_collection` runs when Celery is eager: the import's receiver queues match_chunk
    per chunk, and each runs in this process."""
    from config.celery import app
    from verification import receivers

    reset_matching(record_ids)
    app.conf.task_always_eager = True
    try:
        t = time.perf_counter()
        receivers._queue_chunks(record_ids)
        return time.perf_counter() - t
    finally:
        app.conf.task_always_eager = False


class QueryCounter:
    """Counts every query (CaptureQueriesContext keeps only the last 9,000)."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)

    def __len__(self) -> int:
        return self.count


def run(n_records: int) -> subprocess.Popen:
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Sum

    from collection.models import CollectedRecord
    from config.celery import app
    from verification.matching.pipeline import records_match
    from verification.models import Flag

    print(f"bench/matching.py — {os.cpu_count()} CPU(s), worker: prefork -c 2, broker {BROKER}")
    print(machine_line("before"))
    call_command("migrate", verbosity=0)
    t = time.perf_counter()
    made = generate(n_records)
    print(
        f"generated {made['land_users']:,} registry rows ({made['plots']:,} plots) and "
        f"{made['records']:,} records in {time.perf_counter() - t:.1f} s"
    )
    app.control.purge()
    worker = start_worker()

    print("through the Celery worker:")
    commune_s, _ = timed_run(f"commune {made['commune']} ({COMMUNE_RECORDS:,} records, cold)", made["commune"])
    reset_matching()
    province_s, runs = timed_run(f"province ({made['records']:,} records, cold)")
    queries = runs.aggregate(q=Sum("queries"))["q"] or 0
    total = made["records"]
    rps = total / province_s
    flags = Flag.objects.count()
    rerun_s, reruns = timed_run("province again, unchanged data")

    from verification.tasks import CHUNK_SIZE

    all_ids = list(CollectedRecord.objects.order_by("id").values_list("id", flat=True))
    floor_s = io_floor(os.environ["DATABASE_URL"], all_ids, CHUNK_SIZE)
    print(f"  I/O floor of the province ({FLOOR_PROCESSES} processes, no rules): {floor_s:.1f} s")
    eager_ids = (all_ids[COMMUNE_RECORDS:] or all_ids)[:EAGER_SLICE]
    eager_s = eager_path(eager_ids)
    eager_rps = len(eager_ids) / eager_s
    print(f"  eager path of import_collection, {len(eager_ids):,} records, 1 process: {eager_s:.1f} s")

    print("naive per-record implementation vs the batch service (one process, same 1,000 records):")
    # Records outside the first commune when there are enough, else the first ones (small --records).
    slice_ids = (all_ids[COMMUNE_RECORDS:] or all_ids)[:NAIVE_SLICE]
    reset_matching(slice_ids)
    naive_q, batch_q = QueryCounter(), QueryCounter()
    with connection.execute_wrapper(naive_q):
        t = time.perf_counter()
        naive_match(slice_ids)
        naive_s = time.perf_counter() - t
    reset_matching(slice_ids)
    with connection.execute_wrapper(batch_q):
        t = time.perf_counter()
        for start in range(0, len(slice_ids), 500):
            records_match(record_ids=slice_ids[start : start + 500])
        batch_s = time.perf_counter() - t
    naive_rps = NAIVE_SLICE / naive_s

    print()
    print("figures")
    print(f"  commune of {COMMUNE_RECORDS:,} records (worker, cold):   {commune_s:8.1f} s")
    print(
        f"  province of {total:,} records (worker, cold): {province_s:8.1f} s   goal <= 10 s: "
        f"{'met' if province_s <= 10 else 'NOT met'}"
    )
    print(
        f"  I/O floor of the province ({FLOOR_PROCESSES} processes):   {floor_s:8.1f} s   match / floor = "
        f"{province_s / floor_s:.1f}x (goal <= 2x: {'met' if province_s / floor_s <= 2 else 'NOT met'})"
    )
    print(f"  throughput (worker, 2 processes):          {rps:8.0f} records/s ({rps / 2:.0f} per process)")
    print(
        f"  eager path (import_collection), 1 process: {eager_rps:8.0f} records/s   "
        f"{eager_rps / (rps / 2):.2f}x the worker's per process (goal >= 1: "
        f"{'met' if eager_rps >= rps / 2 else 'NOT met'})"
    )
    print(
        f"  queries per record (counted in the tasks): {queries / total:8.3f}   ({queries:,} queries, "
        f"{runs.first().chunks_total if runs.exists() else 0} chunks)"
    )
    print(f"  flags raised:                              {flags:8,}")
    print(
        f"  re-run on unchanged data:                  {rerun_s:8.1f} s   {province_s / rerun_s:.1f}x faster "
        f"(goal <= 2 s: {'met' if rerun_s <= 2 else 'NOT met'})"
    )
    print(
        f"  naive per-record, 1 process:               {naive_rps:8.0f} records/s "
        f"({len(naive_q) / NAIVE_SLICE:.1f} queries/record)"
    )
    print(
        f"  batch service, 1 process, same records:    {NAIVE_SLICE / batch_s:8.0f} records/s "
        f"({len(batch_q) / NAIVE_SLICE:.3f} queries/record)  -> {naive_s / batch_s:.1f}x the naive"
    )
    print(
        f"  worker province throughput vs naive:       {rps / naive_rps:8.1f}x   goal >= 20x: "
        f"{'met' if rps / naive_rps >= 20 else 'NOT met'}"
    )
    print(f"  province at naive speed would take:        {total / naive_rps:8.0f} s")
    print(machine_line("after"))
    return worker


if __name__ == "__main__":
    main()
