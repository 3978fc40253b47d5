"""Load test: 200 commune officials on gunicorn while a bulk matching job runs (issue 6 item 5).

Run from the repository root with DATABASE_URL pointing at PostgreSQL (needs the `bench` extra:
`pip install -e .[bench]`, i.e. locust) and Redis on 127.0.0.1:6379:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/landportal python bench/load.py

Everything is local (127.0.0.1), bounded in count and time, and stops by itself:

1. creates a throwaway database `landportal_load_bench` and a temporary VAR_DIR (media, demo files);
2. loads the demo province (`load_demo --plots 20000`, matching run eagerly) and creates 200
   official accounts spread over the communes (`--template DB` copies an already loaded database
   instead, to iterate quickly);
3. clears every record's match fingerprint so the bulk job really re-matches every record;
4. starts gunicorn (`config.settings.local` with DEBUG=false: no SSL redirect, static files from
   the finders), one Celery worker with two processes on Redis DB 9
   (`celery -A config worker -c 2 -Q records,bulk,default`), then `run_matching` (no --wait);
5. runs locust headless (bench/locustfile.py): log in, home, plot list, name search without
   diacritics, plot page, record form, photo upload, save draft;
6. prints p50/p95/p99 per page type and overall, requests/s, errors, the load average and the
   CPU seconds each part used, whether the goal holds (p95 < 500 ms for pages, zero errors),
   and what happened behind (matching run, scans processed, drafts saved);
7. stops every process it started, drops the database and removes the temporary directory.

The password hash (PBKDF2, 1,000,000 iterations: 0.24 s of CPU per login) is deliberately slow:
200 logins in the first 10 s are ~50 CPU-seconds, i.e. both cores for 25 s or more. "login" is
therefore reported on its own line, and the pages are also reported split into "while logging in"
and "after every login". `--logged-in` gives every official a session first (they logged in earlier
in the day; sessions last 12 h): the end-of-day load of the issue, without the login storm.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlparse, urlunparse

from _throwaway import admin_sql

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TIME_LIMIT_SECONDS = 2400
GOAL_P95_MS = 500.0
BENCH_DB = "landportal_load_bench"
REDIS_URL = "redis://127.0.0.1:6379/9"
PASSWORD = "tai-thu-2026"  # throwaway accounts of a throwaway database
PAGE_TYPES = (
    "home",
    "plot list",
    "name search (no diacritics)",
    "plot page",
    "open record (POST)",
    "record form",
    "photo upload",
    "save draft",
)


def _timeout(signum, frame):  # pragma: no cover - only when the machine is far too slow
    raise SystemExit(f"bench/load.py: stopped after the {TIME_LIMIT_SECONDS}s time limit")


def _urls(source: str) -> tuple[str, str]:
    parsed = urlparse(source)
    if not parsed.scheme.startswith("postgres"):
        raise SystemExit("DATABASE_URL must point at PostgreSQL")
    if parsed.hostname not in ("127.0.0.1", "localhost", "::1", None, ""):
        raise SystemExit("loopback only: DATABASE_URL must point at 127.0.0.1")
    return urlunparse(parsed._replace(path=f"/{BENCH_DB}")), urlunparse(parsed._replace(path="/postgres"))


def _percentile(values: list[float], pct: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(pct / 100 * len(ordered)) - 1))]  # nearest rank


class Processes:
    """Every process the bench starts, each in its own process group, stopped in reverse order."""

    def __init__(self, logs: Path) -> None:
        self.logs = logs
        self.started: list[tuple[str, subprocess.Popen]] = []

    def start(self, name: str, argv: list[str], env: dict) -> subprocess.Popen:
        log = open(self.logs / f"{name}.log", "wb")  # noqa: SIM115 - closed with the process
        proc = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        self.started.append((name, proc))
        return proc

    def stop_all(self) -> None:
        for _name, proc in reversed(self.started):
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for _name, proc in reversed(self.started):
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)


def _tree_cpu(pid: int) -> float:
    """CPU seconds (user+system) of a process and its children still alive."""
    import psutil

    try:
        root = psutil.Process(pid)
        total = 0.0
        for proc in [root, *root.children(recursive=True)]:
            times = proc.cpu_times()
            total += (
                times.user + times.system + getattr(times, "children_user", 0) + getattr(times, "children_system", 0)
            )
        return total
    except psutil.Error:
        return 0.0


def _postgres_cpu() -> float:
    import psutil

    total = 0.0
    for proc in psutil.process_iter(["name", "cpu_times"]):
        if proc.info["name"] and proc.info["name"].startswith("postgres") and proc.info["cpu_times"]:
            total += proc.info["cpu_times"].user + proc.info["cpu_times"].system
    return total


def prepare_database(env: dict, args, log: Path) -> None:
    """Demo province (20,000 plots by default) through the portal's own load_demo command."""
    load_env = {**env, "DEBUG": "true", "CELERY_TASK_ALWAYS_EAGER": "true"}
    for argv in (["migrate", "--noinput", "-v0"], ["load_demo", "--plots", str(args.plots), "--force"]):
        with open(log / f"{argv[0]}.log", "wb") as out:
            subprocess.run(
                [sys.executable, "manage.py", *argv],
                cwd=ROOT,
                env=load_env,
                check=True,
                stdout=out,
                stderr=subprocess.STDOUT,
                timeout=1500,
            )


def create_sessions(accounts: list[dict]) -> None:
    """Officials who logged in earlier in the day (sessions last 12 h): a session row per account, as
    django.contrib.auth.login writes it, so that locust skips the 0.5 s password hash."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
    from django.contrib.sessions.backends.db import SessionStore

    users = get_user_model().objects.in_bulk([a["username"] for a in accounts], field_name="username")
    for account in accounts:
        user = users[account["username"]]
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        account["session"] = session.session_key


def create_officials(count: int, names_per_user: int = 20) -> tuple[list[dict], int]:
    """`count` officials spread over the communes (round robin), each with folded owner names to search."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import Group

    from collection.models import Role, UserScope
    from landdata.models import Commune, LandUser

    User = get_user_model()
    communes = list(Commune.objects.order_by("code").values_list("code", flat=True))
    names: dict[str, list[str]] = {}
    for code in communes:
        folded = (
            LandUser.objects.filter(plot__former_commune__commune_id=code)
            .values_list("name_folded", flat=True)
            .distinct()[: names_per_user * 5]
        )
        names[code] = sorted(set(folded))
    password = make_password(PASSWORD)  # one hash for all: same password, 0.5 s instead of 100 s
    users = User.objects.bulk_create(
        [
            User(username=f"taithu{i:03d}", password=password, first_name="Tải thử", is_active=True)
            for i in range(1, count + 1)
        ]
    )
    UserScope.objects.bulk_create(
        [UserScope(user=u, role=Role.OFFICIAL, commune_id=communes[i % len(communes)]) for i, u in enumerate(users)]
    )
    group = Group.objects.filter(name=str(Role(Role.OFFICIAL).label)).first()
    if group is not None:
        User.groups.through.objects.bulk_create([User.groups.through(user_id=u.pk, group_id=group.pk) for u in users])
    accounts = [
        {"username": u.username, "password": PASSWORD, "names": names[communes[i % len(communes)]][:names_per_user]}
        for i, u in enumerate(users)
    ]
    return accounts, len(communes)


def _wait_http(url: str, timeout: float) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"{url} did not answer in {timeout:.0f}s")


def _warm_up(url: str, count: int) -> None:
    """A few concurrent requests so that every gunicorn worker has imported its URLs and templates
    (a worker's first request costs ~0.3 s; production workers live for days)."""
    from concurrent.futures import ThreadPoolExecutor

    def get(_i: int) -> None:
        with urllib.request.urlopen(url, timeout=30) as response:
            response.read()

    with ThreadPoolExecutor(max_workers=count) as pool:
        list(pool.map(get, range(count)))


def read_stats(csv_path: Path) -> dict[str, dict]:
    """Locust's `<prefix>_stats.csv`: one row per request name plus "Aggregated"."""
    rows = {}
    with open(csv_path, newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            rows[row["Name"]] = row
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--plots", type=int, default=20_000)
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--spawn-rate", type=float, default=20)
    parser.add_argument("--run-time", type=int, default=60, help="seconds of locust")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--gunicorn-workers", type=int, default=4)
    parser.add_argument("--gunicorn-threads", type=int, default=4, help="gthread threads per worker (1: sync)")
    parser.add_argument("--min-wait", type=float, default=3.0, help="think time between pages, seconds")
    parser.add_argument("--max-wait", type=float, default=10.0)
    parser.add_argument(
        "--worker-nice",
        type=int,
        default=0,
        help="CPU priority of the Celery worker (nice; 0: same as the web): bulk work yields to pages",
    )
    parser.add_argument(
        "--logged-in",
        action="store_true",
        help="officials already logged in (a session each) instead of 200 logins in the first seconds",
    )
    parser.add_argument("--template", help="copy this already loaded database instead of loading the demo")
    parser.add_argument("--keep-db", action="store_true", help="keep landportal_load_bench (drop it by hand)")
    args = parser.parse_args()
    signal.signal(signal.SIGALRM, _timeout)
    signal.alarm(TIME_LIMIT_SECONDS)

    bench_url, admin_url = _urls(os.environ.get("DATABASE_URL", ""))
    tmp = Path(tempfile.mkdtemp(prefix="landportal_load_"))
    (tmp / "var").mkdir()
    logs = tmp / "logs"
    logs.mkdir()
    env = {
        **os.environ,
        "DATABASE_URL": bench_url,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DEBUG": "false",
        "VAR_DIR": str(tmp / "var"),
        "CELERY_BROKER_URL": REDIS_URL,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
    }
    os.environ.update(
        {
            k: env[k]
            for k in (
                "DATABASE_URL",
                "DJANGO_SETTINGS_MODULE",
                "DEBUG",
                "VAR_DIR",
                "CELERY_BROKER_URL",
                "CELERY_TASK_ALWAYS_EAGER",
                "LOG_LEVEL",
            )
        }
    )
    procs = Processes(logs)
    admin_sql(admin_url, f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')
    if args.template:
        admin_sql(admin_url, f'CREATE DATABASE "{BENCH_DB}" TEMPLATE "{args.template}"')
    else:
        admin_sql(admin_url, f'CREATE DATABASE "{BENCH_DB}"')
    try:
        t0 = time.monotonic()
        if not args.template:
            prepare_database(env, args, logs)
        import django

        django.setup()
        from django.db import connection, connections

        from collection.models import CollectedRecord, Scan
        from verification.models import MatchingRun

        accounts, communes = create_officials(args.users)
        if args.logged_in:
            create_sessions(accounts)
        users_file = tmp / "users.json"
        users_file.write_text(json.dumps(accounts, ensure_ascii=False), encoding="utf-8")
        submitted = CollectedRecord.objects.filter(status="submitted").count()
        CollectedRecord.objects.filter(status="submitted").update(matched_fingerprint="")
        with connection.cursor() as cur:
            cur.execute("ANALYZE")
        plots = args.plots if not args.template else "template"
        print(
            f"database ready in {time.monotonic() - t0:.0f}s: {plots} plots, {submitted:,} submitted records, "
            f"{len(accounts)} officials over {communes} communes"
        )
        connections.close_all()

        import redis

        redis.Redis.from_url(REDIS_URL).flushdb()
        python = sys.executable
        bindir = Path(python).parent
        nice = ["nice", "-n", str(args.worker_nice)] if args.worker_nice else []
        worker = procs.start(
            "celery",
            [
                *nice,
                python,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                "-c",
                "2",
                "-Q",
                "records,bulk,default",
                "-n",
                "load@%h",
                "--without-gossip",
                "--without-mingle",
                "-l",
                "WARNING",
            ],
            env,
        )
        gunicorn_argv = [
            str(bindir / "gunicorn"),
            "config.wsgi:application",
            "--bind",
            f"127.0.0.1:{args.port}",
            "--workers",
            str(args.gunicorn_workers),
            "--timeout",
            "60",
            "--access-logfile",
            str(logs / "access.log"),
            "--access-logformat",
            "%(r)s %(s)s %(M)sms",
        ]
        if args.gunicorn_threads > 1:
            gunicorn_argv += ["--worker-class", "gthread", "--threads", str(args.gunicorn_threads)]
        web = procs.start("gunicorn", gunicorn_argv, env)
        host = f"http://127.0.0.1:{args.port}"
        _wait_http(f"{host}/healthz", 60)
        time.sleep(3)  # the worker connects to Redis
        _warm_up(f"{host}/dang-nhap/", args.gunicorn_workers * 4)

        first_run = MatchingRun.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        connections.close_all()
        bulk_stop = threading.Event()

        def bulk_matching() -> None:
            """The bulk job: `run_matching` (no --wait); when a run is done, every fingerprint is cleared and
            the next run queued, so that the worker re-matches the whole province for the whole test."""
            from django.db import connection as conn

            while not bulk_stop.is_set():
                subprocess.run(
                    [python, "manage.py", "run_matching"],
                    cwd=ROOT,
                    env=env,
                    check=True,
                    timeout=120,
                    stdout=subprocess.DEVNULL,
                )
                latest = MatchingRun.objects.order_by("-pk").first()
                while not bulk_stop.wait(1):
                    latest.refresh_from_db()
                    if latest.status == MatchingRun.Status.DONE:
                        CollectedRecord.objects.filter(status="submitted").update(matched_fingerprint="")
                        break
            conn.close()

        bulk = threading.Thread(target=bulk_matching, daemon=True)
        bulk.start()

        load: list[tuple[float, float]] = []
        sampling = threading.Event()

        locust_cpu = [0.0]

        def sample() -> None:
            while not sampling.wait(5):
                load.append(os.getloadavg()[:2])
                if locust is not None and locust.poll() is None:
                    locust_cpu[0] = max(locust_cpu[0], _tree_cpu(locust.pid))

        locust = None
        sampler = threading.Thread(target=sample, daemon=True)
        cpu0 = {"gunicorn": _tree_cpu(web.pid), "celery": _tree_cpu(worker.pid), "postgres": _postgres_cpu()}
        load_before = os.getloadavg()
        sampler.start()
        timings_file = tmp / "timings.json"
        locust_env = {
            **env,
            "LOAD_USERS_FILE": str(users_file),
            "LOAD_TIMINGS_FILE": str(timings_file),
            "LOAD_MIN_WAIT": str(args.min_wait),
            "LOAD_MAX_WAIT": str(args.max_wait),
        }
        started = time.monotonic()
        locust = procs.start(
            "locust",
            [
                str(bindir / "locust"),
                "-f",
                str(ROOT / "bench" / "locustfile.py"),
                "--headless",
                "-u",
                str(args.users),
                "-r",
                str(args.spawn_rate),
                "--run-time",
                f"{args.run_time}s",
                "--host",
                host,
                "--stop-timeout",
                "15",
                "--csv",
                str(tmp / "locust"),
                "--only-summary",
                "--loglevel",
                "WARNING",
            ],
            locust_env,
        )
        try:
            locust.wait(timeout=args.run_time + 120)
        except subprocess.TimeoutExpired:
            print("locust did not stop in time; stopping it")
        locust_seconds = time.monotonic() - started
        cpu_locust = locust_cpu[0]
        cpu1 = {"gunicorn": _tree_cpu(web.pid), "celery": _tree_cpu(worker.pid), "postgres": _postgres_cpu()}
        sampling.set()
        bulk_stop.set()
        bulk.join(timeout=130)

        stats = read_stats(tmp / "locust_stats.csv")
        timings = json.loads(timings_file.read_text()) if timings_file.exists() else []
        print(
            f"\n{args.users} officials{' already logged in' if args.logged_in else ' logging in'}, spawn {args.spawn_rate:g}/s, {args.run_time}s, think time "
            f"{args.min_wait:g}-{args.max_wait:g}s; gunicorn {args.gunicorn_workers} workers"
            f"{f' x {args.gunicorn_threads} threads (gthread)' if args.gunicorn_threads > 1 else ' (sync)'}; "
            f"celery 1 worker x 2 processes (nice {args.worker_nice}); Redis DB 9"
        )
        print(
            f"{'page type':<30} {'requests':>8} {'errors':>6} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'max ms':>7}"
        )
        for name in ("login page", "login", *PAGE_TYPES, "Aggregated"):
            row = stats.get(name)
            if row is None:
                continue
            print(
                f"{name:<30} {row['Request Count']:>8} {row['Failure Count']:>6} {row['50%']:>7} {row['95%']:>7} "
                f"{row['99%']:>7} {float(row['Max Response Time']):7.0f}"
            )
        pages = [ms for name, _start, ms, _failed in timings if name in PAGE_TYPES]
        errors = sum(int(row["Failure Count"]) for row in stats.values() if row["Name"] != "Aggregated")
        agg = stats.get("Aggregated", {})
        p95_pages = _percentile(pages, 95)
        print(
            f"{'pages (all above but login)':<30} {len(pages):>8} {'':>6} {_percentile(pages, 50):7.0f} "
            f"{p95_pages:7.0f} {_percentile(pages, 99):7.0f} {max(pages or [0]):7.0f}"
        )
        # The login storm (200 x ~0.5 CPU-s of PBKDF2 in the first seconds) against the steady state after it.
        logins_done = max((start + ms / 1000 for name, start, ms, _f in timings if name == "login"), default=0.0)
        steady = [ms for name, start, ms, _failed in timings if name in PAGE_TYPES and start >= logins_done]
        during = [ms for name, start, ms, _failed in timings if name in PAGE_TYPES and start < logins_done]
        first = min((start for _n, start, _ms, _f in timings), default=logins_done)
        if during:
            print(
                f"{'  while logging in (first ' + format(logins_done - first, '.0f') + 's)':<30} {len(during):>8} "
                f"{'':>6} {_percentile(during, 50):7.0f} {_percentile(during, 95):7.0f} "
                f"{_percentile(during, 99):7.0f} {max(during or [0]):7.0f}"
            )
            print(
                f"{'  after every login':<30} {len(steady):>8} {'':>6} {_percentile(steady, 50):7.0f} "
                f"{_percentile(steady, 95):7.0f} {_percentile(steady, 99):7.0f} {max(steady or [0]):7.0f}"
            )
        print(f"requests/s {float(agg.get('Requests/s', 0)):.1f} over {locust_seconds:.0f}s; errors {errors}")
        failures = tmp / "locust_failures.csv"
        if failures.exists():
            for row in list(csv.DictReader(open(failures, encoding="utf-8")))[:10]:  # noqa: SIM115
                print(f"  error: {row['Method']} {row['Name']}: {row['Error']} x{row['Occurrences']}")
        peak = max((one for one, _five in load), default=0.0)
        print(
            f"load average: before {load_before[0]:.2f}, peak 1-min {peak:.2f}, at the end "
            f"{os.getloadavg()[0]:.2f} (2 cores; other work on the machine counts too)"
        )
        used = {part: cpu1[part] - cpu0[part] for part in cpu0}
        print(
            "CPU seconds during the run: "
            + ", ".join(f"{part} {sec:.0f}" for part, sec in used.items())
            + f", locust >= {cpu_locust:.0f} (of {2 * locust_seconds:.0f} available on 2 cores; postgres counts "
            "every database on the server)"
        )

        runs = list(MatchingRun.objects.filter(pk__gt=first_run).order_by("pk"))
        done_runs = [r for r in runs if r.status == MatchingRun.Status.DONE]
        matched = sum(r.done for r in runs)
        scans = Scan.objects.count()
        processed = Scan.objects.exclude(status=Scan.Status.PENDING).count()
        drafts = CollectedRecord.objects.filter(status="draft").count()
        print(
            f"bulk matching during the test: {len(runs)} runs of {runs[0].total if runs else 0:,} records "
            f"({len(done_runs)} finished), {matched:,} records matched; "
            f"scans uploaded {scans}, processed {processed}; drafts {drafts}"
        )
        met = p95_pages < GOAL_P95_MS and errors == 0
        steady_met = _percentile(steady, 95) < GOAL_P95_MS and errors == 0
        print(
            f"goal (p95 < {GOAL_P95_MS:.0f} ms for pages, zero errors): whole run {'met' if met else 'NOT met'}"
            + (f"; after the logins {'met' if steady_met else 'NOT met'}" if during else "")
        )
        connections.close_all()
        print(f"logs: {logs}" if args.keep_db else "")
        return 0 if met else 1
    finally:
        signal.alarm(0)
        procs.stop_all()
        try:
            import redis

            redis.Redis.from_url(REDIS_URL).flushdb()
        except Exception:  # noqa: BLE001,S110 - cleanup is best effort
            pass
        if not args.keep_db:
            admin_sql(admin_url, f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
