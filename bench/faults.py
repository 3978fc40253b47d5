"""Fault drills: nothing is lost when a worker, Redis or PostgreSQL fails (issue 6, item 6).

Run from the repository root (needs the `bench` extra for `requests`, redis-server and the PostgreSQL 15
server binaries; run as root or as the postgres OS user):

    python bench/faults.py [--records 3000] [--redis-down 60] [--pg-down 5]

Everything runs on PRIVATE servers started by the script and thrown away at the end — a PostgreSQL
cluster (initdb into a temporary directory, port 5499, fsync off) and a redis-server (free port, no
persistence) — so the machine's shared PostgreSQL and Redis are never stopped. Three drills:

1. worker killed: a bulk matching run is started, the whole Celery worker (parent and children) is
   SIGKILLed after its first chunk, a new worker is started and `run_matching --wait` run again;
2. Redis down for a minute: photos uploaded and records submitted through the services (the request
   path) while Redis is stopped; then Redis comes back EMPTY (no persistence) and the periodic sweeps
   (`sweep_unmatched`, `requeue_stale_scans`, as beat sends them) find what was left behind;
3. PostgreSQL restarted during uploads: four officials upload photos through gunicorn while the
   cluster is stopped (`pg_ctl stop -m fast`), kept down --pg-down seconds and started again.

Prints a summary table: what was done, what was lost (must be nothing), time to recover.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.live_celery import PrivateRedis, free_port  # noqa: E402 - the same private Redis the fault tests use

TIME_LIMIT_SECONDS = 1500
PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))
PG_PORT = 5499
PASSWORD = "thu-loi-2026"  # throwaway account of a throwaway cluster


def _timeout(signum, frame):  # pragma: no cover - only when the machine is far too slow
    raise SystemExit(f"bench/faults.py: stopped after the {TIME_LIMIT_SECONDS}s time limit")


def _wait_for(predicate, timeout: float, what: str, poll: float = 0.5) -> float:
    """Seconds until `predicate()` held; SystemExit after `timeout`."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if predicate():
            return time.monotonic() - started
        time.sleep(poll)
    raise SystemExit(f"timed out after {timeout:.0f}s waiting for {what}")


class PrivatePostgres:
    """A throwaway PostgreSQL cluster owned by the postgres OS user (initdb refuses to run as root)."""

    def __init__(self, workdir: Path, port: int) -> None:
        self.dir = workdir / "pg"
        self.port = port
        self.as_postgres = os.geteuid() == 0

    def _run(self, *argv: str) -> None:
        cmd = [str(PG_BIN / argv[0]), *argv[1:]]
        if self.as_postgres:
            cmd = ["su", "postgres", "-c", " ".join(f"'{a}'" for a in cmd)]
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=120)

    def init(self) -> None:
        self.dir.mkdir()
        if self.as_postgres:
            shutil.chown(self.dir, "postgres")
            shutil.chown(self.dir.parent, "postgres")
        self._run("initdb", "-D", str(self.dir / "data"), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync")

    def start(self) -> None:
        self._run(
            "pg_ctl",
            "-D",
            str(self.dir / "data"),
            "-l",
            str(self.dir / "log"),
            "-w",
            "-o",
            f"-p {self.port} -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=100",
            "start",
        )

    def stop(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "-D", str(self.dir / "data"), "-m", mode, "-w", "stop")

    def url(self, name: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"


class Processes:
    """Workers and gunicorn, each in its own process group (SIGKILL takes the children too)."""

    def __init__(self, logs: Path, env: dict) -> None:
        self.logs, self.env = logs, env
        self.started: list[subprocess.Popen] = []

    def start(self, name: str, argv: list[str]) -> subprocess.Popen:
        log = open(self.logs / f"{name}-{len(self.started)}.log", "wb")  # noqa: SIM115 - closed with the process
        proc = subprocess.Popen(
            argv, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        self.started.append(proc)
        return proc

    def worker(self) -> subprocess.Popen:
        return self.start(
            "worker",
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
                f"faults{len(self.started)}@%h",
                "-l",
                "INFO",
            ],
        )

    @staticmethod
    def kill(proc: subprocess.Popen, sig=signal.SIGKILL) -> None:
        if proc.poll() is None:
            os.killpg(proc.pid, sig)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)

    def stop_all(self) -> None:
        for proc in reversed(self.started):
            self.kill(proc, signal.SIGTERM)


@dataclass
class Row:
    fault: str
    done: str
    lost: str
    recovery: str
    ok: bool


# --- data -------------------------------------------------------------------------------------------------


def make_province(n: int, drafts: int):
    """n plots with one owner and one submitted record (every 3rd record's area differs: one flag each),
    plus `drafts` plots with an official's draft record (for uploads and submissions during the faults)."""
    from django.contrib.auth import get_user_model

    from collection.models import CollectedRecord, Role, UserScope
    from collection.services import record_create_draft
    from landdata import normalize
    from landdata.models import Commune, FormerCommune, LandUser, Plot, Province, RegistrationBranch

    province = Province.objects.create(code="27", name="Bắc Ninh")
    branch = RegistrationBranch.objects.create(code="CN01", name="Chi nhánh 1", province=province)
    commune = Commune.objects.create(code="09265", name="Phường Một", province=province, branch=branch)
    former = FormerCommune.objects.create(code="09001", name="Xã Cũ", commune=commune)
    plots = Plot.objects.bulk_create(
        Plot(
            former_commune=former,
            map_sheet="1",
            plot_number=str(i),
            sheet_key="1",
            number_key=str(i),
            area_m2=Decimal(200),
            land_use="ONT",
        )
        for i in range(1, n + drafts + 1)
    )
    LandUser.objects.bulk_create(
        LandUser(
            registry_id=f"R{p.number_key}",
            plot=p,
            full_name="Nguyễn Văn An",
            name_folded=normalize.name_folded("Nguyễn Văn An"),
            birth_year=1960,
        )
        for p in plots
    )
    CollectedRecord.objects.bulk_create(
        CollectedRecord(
            former_commune=former,
            map_sheet="1",
            plot_number=str(i),
            sheet_key="1",
            number_key=str(i),
            plot=plots[i - 1],
            holder_name="Nguyễn Văn An",
            holder_birth_year=1960,
            land_use="ONT",
            area_m2=Decimal(260) if i % 3 == 0 else Decimal(200),
            collected_by="canbo01",
            collected_on="2025-10-01",
            status="submitted",
            source="import",
        )
        for i in range(1, n + 1)
    )
    official = get_user_model().objects.create_user("canbo_thu", password=PASSWORD)
    UserScope.objects.create(user=official, role=Role.OFFICIAL, commune=commune)
    reviewer = get_user_model().objects.create_user("kiemtra_thu", password=PASSWORD)
    UserScope.objects.create(user=reviewer, role=Role.REVIEWER, branch=branch)
    draft_ids = [record_create_draft(plot=plot, user=official)[0].pk for plot in plots[n:]]
    return official, reviewer, draft_ids


def photo(tag: str) -> bytes:
    """A small JPEG, different for every tag (never refused as a duplicate)."""
    from PIL import Image, ImageDraw

    rnd = random.Random(tag)
    image = Image.new("RGB", (640, 480), (235, 230, 215))
    draw = ImageDraw.Draw(image)
    for _ in range(30):
        x, y = rnd.randrange(600), rnd.randrange(440)
        draw.rectangle([x, y, x + 40, y + 20], fill=(rnd.randrange(256), rnd.randrange(256), rnd.randrange(256)))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80)
    return out.getvalue()


def duplicate_flags() -> int:
    from django.db.models import Count

    from verification.models import Flag

    return Flag.objects.values("record_id", "code", "field").annotate(n=Count("id")).filter(n__gt=1).count()


# --- the drills ---------------------------------------------------------------------------------------------


def drill_worker_kill(procs: Processes, n: int) -> Row:
    from django.core.management import call_command

    from collection.models import CollectedRecord
    from verification import services
    from verification.models import Flag, FlagCode, MatchingRun
    from verification.tasks import match_batch

    worker = procs.worker()
    run = services.matching_run_create()
    match_batch.delay(None, run.pk)
    _wait_for(lambda: MatchingRun.objects.get(pk=run.pk).chunks_done >= 1, 180, "a first chunk", poll=0.1)
    procs.kill(worker)
    killed = time.monotonic()
    run.refresh_from_db()
    done_at_kill = run.chunks_done
    second = procs.worker()
    call_command(
        "run_matching", "--wait", "--timeout", "600", "--poll", "0.3", stdout=io.StringIO(), stderr=io.StringIO()
    )
    recovery = time.monotonic() - killed
    procs.kill(second, signal.SIGTERM)
    unmatched = CollectedRecord.objects.filter(status="submitted", matched_at__isnull=True).count()
    flags = Flag.objects.filter(code=FlagCode.AREA_MISMATCH).count()
    duplicates = duplicate_flags()
    ok = unmatched == 0 and flags == n // 3 and duplicates == 0
    return Row(
        "worker SIGKILLed mid-batch",
        f"run of {n} records in {run.chunks_total} chunks, worker killed after {done_at_kill} chunk(s); "
        f"new worker + run_matching --wait",
        f"{unmatched} records unmatched, {flags}/{n // 3} expected flags, {duplicates} duplicate flags",
        f"{recovery:.1f}s (kill -> all matched)",
        ok,
    )


def drill_redis_down(procs: Processes, redis: PrivateRedis, official, draft_ids: list[int], down: float) -> Row:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from collection.models import CollectedRecord, Scan
    from collection.scans.services import scans_requeue_stale, scans_upload
    from collection.services import record_submit, record_version
    from collection.tasks import requeue_stale_scans  # noqa: F401 - what beat sends every 10 minutes
    from verification import selectors
    from verification.tasks import sweep_unmatched

    worker = procs.worker()
    time.sleep(3)
    redis.stop()
    stopped = time.monotonic()
    latencies, uploaded, submitted = [], 0, 0
    pause = max(0.0, down / max(1, len(draft_ids)) - 0.5)
    for record_id in draft_ids:
        record = CollectedRecord.objects.get(pk=record_id)
        started = time.monotonic()
        outcome = scans_upload(
            record=record,
            user=official,
            uploads=[
                (SimpleUploadedFile(f"redis-{record_id}.jpg", photo(f"redis-{record_id}"), "image/jpeg"), "cert_1")
            ],
        )[0]
        latencies.append(time.monotonic() - started)
        uploaded += outcome.ok
        started = time.monotonic()
        record_submit(
            record_id=record_id,
            values={
                "holder_name": "Nguyễn Văn An",
                "holder_birth_year": 1960,
                "area_m2": Decimal(260),
                "land_use": "ONT",
            },
            user=official,
            version=record_version(record),
        )
        latencies.append(time.monotonic() - started)
        submitted += 1
        time.sleep(pause)
    time.sleep(max(0.0, down - (time.monotonic() - stopped)))
    pending_while_down = Scan.objects.filter(status=Scan.Status.PENDING).count()
    unmatched_while_down = CollectedRecord.objects.filter(pk__in=draft_ids, matched_at__isnull=True).count()
    redis.start()  # empty: whatever had been queued before is gone too
    back = time.monotonic()
    # What beat sends (every 5 and 10 minutes); the stale-scan cutoff is shortened from 10 minutes to 0.
    sweep_unmatched.delay()
    scans_requeue_stale(older_than=dt.timedelta(0))
    _wait_for(
        lambda: (
            not Scan.objects.filter(status=Scan.Status.PENDING).exists()
            and not selectors.records_needing_match().exists()
        ),
        300,
        "the sweeps after Redis came back",
    )
    recovery = time.monotonic() - back
    procs.kill(worker, signal.SIGTERM)
    lost_records = CollectedRecord.objects.filter(pk__in=draft_ids).exclude(status="submitted").count()
    unmatched = CollectedRecord.objects.filter(pk__in=draft_ids, matched_at__isnull=True).count()
    lost_scans = len(draft_ids) - Scan.objects.filter(record_id__in=draft_ids).exclude(status="pending").count()
    duplicates = duplicate_flags()
    ok = uploaded == submitted == len(draft_ids) and lost_records == unmatched == lost_scans == duplicates == 0
    return Row(
        f"Redis stopped {down:.0f}s",
        f"{uploaded} photos uploaded + {submitted} records submitted while down (slowest call "
        f"{max(latencies):.2f}s, no error to the user; {pending_while_down} scans pending, {unmatched_while_down} "
        "records unmatched); Redis restarted empty, sweeps sent",
        f"{lost_records} records, {lost_scans} scans unprocessed, {unmatched} records unmatched, "
        f"{duplicates} duplicate flags",
        f"{recovery:.1f}s (Redis back -> all processed)",
        ok,
    )


def drill_postgres_restart(
    procs: Processes, pg: PrivatePostgres, reviewer, draft_ids: list[int], down: float, port: int
) -> Row:
    import requests
    from django.db import close_old_connections, connections

    from collection.models import Scan
    from collection.scans.services import scans_requeue_stale
    from verification.models import Flag, FlagDecision
    from verification.services import flag_decide

    worker = procs.worker()
    web = procs.start(
        "gunicorn",
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "config.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--worker-class",
            "gthread",
            "--threads",
            "2",
            "--timeout",
            "60",
        ],
    )
    host = f"http://127.0.0.1:{port}"
    _wait_for(lambda: _answers(f"{host}/healthz"), 60, "gunicorn")
    results: list[tuple[str, float, str]] = []  # (file name, time, "ok" | error)
    lock = threading.Lock()
    stop = threading.Event()

    def official(record_id: int) -> None:
        session = requests.Session()
        session.get(f"{host}/dang-nhap/", timeout=30)
        session.post(
            f"{host}/dang-nhap/",
            timeout=30,
            data={"username": "canbo_thu", "password": PASSWORD, "csrfmiddlewaretoken": session.cookies["csrftoken"]},
        )
        i = 0
        while not stop.is_set():
            i += 1
            name = f"pg-{record_id}-{i}-{uuid.uuid4().hex[:6]}.jpg"
            try:
                response = session.post(
                    f"{host}/thu-thap/ban-ghi/{record_id}/anh/tai-len/",
                    timeout=30,
                    data={"kind": "cert_1"},
                    files={"files": (name, photo(name), "image/jpeg")},
                    headers={"HX-Request": "true", "X-CSRFToken": session.cookies.get("csrftoken", "")},
                )
                if response.status_code == 200 and "scan-ok" in response.text:
                    result = "ok"
                elif response.status_code == 200 and "scan-error" in response.text:
                    result = "error shown: could not store, try again"
                else:
                    result = f"error shown: HTTP {response.status_code}"
            except requests.RequestException as exc:
                result = f"connection error: {type(exc).__name__}"
            with lock:
                results.append((name, time.monotonic(), result))
            time.sleep(0.3)

    decided: list[int] = []
    refused: dict[int, str] = {}
    to_decide = list(
        Flag.objects.filter(status="open", code="AREA_MISMATCH").order_by("pk").values_list("pk", "version")[:400]
    )

    def review() -> None:
        """A reviewer deciding flags through the service, each decision as one request would run it
        (connections checked first: request_started calls close_old_connections)."""
        for flag_id, version in to_decide:
            if stop.is_set():
                break
            close_old_connections()
            try:
                flag_decide(user=reviewer, flag_id=flag_id, expected_version=version, decision="keep")
                decided.append(flag_id)
            except Exception as exc:  # noqa: BLE001 - what the reviewer's request would answer with (500)
                refused[flag_id] = type(exc).__name__
            time.sleep(0.05)
        connections.close_all()

    threads = [threading.Thread(target=official, args=(record_id,), daemon=True) for record_id in draft_ids[:4]]
    threads.append(threading.Thread(target=review, daemon=True))
    for thread in threads:
        thread.start()
    time.sleep(8)
    connections.close_all()
    stopped = time.monotonic()
    pg.stop("fast")
    time.sleep(down)
    pg.start()
    started = time.monotonic()
    time.sleep(10)
    stop.set()
    for thread in threads:
        thread.join(timeout=60)
    first_ok_after = min((t for _n, t, r in results if r == "ok" and t > started), default=float("nan"))
    connections.close_all()
    # The scans whose processing was cut by the restart: the stale-scan sweep (cutoff shortened to 0).
    scans_requeue_stale(older_than=dt.timedelta(0))
    settle = _wait_for(
        lambda: not Scan.objects.filter(status=Scan.Status.PENDING).exists(), 300, "every scan processed"
    )
    procs.kill(web, signal.SIGTERM)
    procs.kill(worker, signal.SIGTERM)
    ok_names = {name for name, _t, result in results if result == "ok"}
    stored = dict(Scan.objects.filter(original_name__startswith="pg-").values_list("original_name", "status"))
    lost = len(ok_names - set(stored))
    unprocessed = sum(1 for name in ok_names if stored.get(name) == "pending")
    errors: dict[str, int] = {}
    for _name, _t, result in results:
        if result != "ok":
            errors[result] = errors.get(result, 0) + 1
    unclear = sum(count for result, count in errors.items() if not result.startswith("error shown"))
    stored_despite_error = len(set(stored) - ok_names)
    logged = set(
        FlagDecision.objects.filter(flag_id__in=[pk for pk, _v in to_decide]).values_list("flag_id", flat=True)
    )
    kept = set(Flag.objects.filter(pk__in=decided, status="kept").values_list("pk", flat=True))
    lost_decisions = len(set(decided) - (logged & kept))
    half_done = len(set(refused) & logged)
    return Row(
        f"PostgreSQL stopped {down:.0f}s during uploads",
        f"{len(results)} uploads by 4 officials through gunicorn: {len(ok_names)} stored, "
        + (", ".join(f"{count} {result}" for result, count in errors.items()) or "0 errors")
        + f"; {stored_despite_error} stored although the answer was an error; a reviewer's decisions: "
        f"{len(decided)} saved, {len(refused)} refused with an error "
        f"({', '.join(sorted(set(refused.values()))) or '-'}), {half_done} of them half-done",
        f"{lost} of the {len(ok_names)} stored uploads missing, {unprocessed} unprocessed, {unclear} unclear errors; "
        f"{lost_decisions} of the {len(decided)} saved decisions missing",
        f"{first_ok_after - started:.1f}s (PostgreSQL up -> next upload stored); all processed "
        f"{settle:.0f}s after the uploads stopped; down {started - stopped:.1f}s",
        lost == unprocessed == unclear == lost_decisions == half_done == 0 and len(ok_names) > 0 and len(decided) > 0,
    )


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=3000)
    parser.add_argument("--redis-down", type=float, default=60.0, help="seconds Redis stays down")
    parser.add_argument("--pg-down", type=float, default=5.0, help="seconds PostgreSQL stays down")
    parser.add_argument("--drafts", type=int, default=12, help="records submitted while Redis is down")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory (logs)")
    args = parser.parse_args()
    signal.signal(signal.SIGALRM, _timeout)
    signal.alarm(TIME_LIMIT_SECONDS)
    for tool in ("redis-server",):
        if shutil.which(tool) is None:
            raise SystemExit(f"{tool} is not installed")
    if not (PG_BIN / "initdb").exists():
        raise SystemExit(f"PostgreSQL server binaries not found in {PG_BIN} (set PG_BIN)")

    tmp = Path(tempfile.mkdtemp(prefix="landportal_faults_"))
    logs = tmp / "logs"
    logs.mkdir()
    (tmp / "var" / "media").mkdir(parents=True)
    pg = PrivatePostgres(tmp, PG_PORT)
    redis = PrivateRedis(tmp)
    procs = None
    try:
        pg.init()
        pg.start()
        subprocess.run(
            [
                "psql",
                "-h",
                "127.0.0.1",
                "-p",
                str(PG_PORT),
                "-U",
                "postgres",
                "-qc",
                "CREATE DATABASE landportal_faults",
            ],
            check=True,
        )
        redis.start()
        env = {
            **os.environ,
            "DATABASE_URL": pg.url("landportal_faults"),
            "CELERY_BROKER_URL": redis.url,
            "DJANGO_SETTINGS_MODULE": "config.settings.local",
            "DEBUG": "false",
            "VAR_DIR": str(tmp / "var"),
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "LOG_LEVEL": "WARNING",
        }
        os.environ.update(
            {
                k: env[k]
                for k in (
                    "DATABASE_URL",
                    "CELERY_BROKER_URL",
                    "DJANGO_SETTINGS_MODULE",
                    "DEBUG",
                    "VAR_DIR",
                    "CELERY_TASK_ALWAYS_EAGER",
                    "LOG_LEVEL",
                )
            }
        )
        import django

        django.setup()
        import logging

        from django.core.management import call_command

        logging.getLogger("verification.receivers").setLevel(logging.CRITICAL)  # expected while Redis is down
        logging.getLogger("collection.scans.services").setLevel(logging.CRITICAL)
        call_command("migrate", verbosity=0)
        official, reviewer, drafts = make_province(args.records, args.drafts + 4)
        print(
            f"private PostgreSQL on :{PG_PORT}, private Redis on :{redis.port}; {args.records} submitted records, "
            f"{len(drafts)} drafts; logs in {logs}"
        )
        procs = Processes(logs, env)
        rows = [drill_worker_kill(procs, args.records)]
        print(f"  {rows[-1].fault}: {'ok' if rows[-1].ok else 'FAILED'}", flush=True)
        rows.append(drill_redis_down(procs, redis, official, drafts[: args.drafts], args.redis_down))
        print(f"  {rows[-1].fault}: {'ok' if rows[-1].ok else 'FAILED'}", flush=True)
        rows.append(drill_postgres_restart(procs, pg, reviewer, drafts[args.drafts :], args.pg_down, free_port()))
        print(f"  {rows[-1].fault}: {'ok' if rows[-1].ok else 'FAILED'}", flush=True)
        print()
        for row in rows:
            print(
                f"{row.fault}\n  done:     {row.done}\n  lost:     {row.lost}\n  recovery: {row.recovery}\n"
                f"  verdict:  {'nothing lost' if row.ok else 'FAILED'}"
            )
        return 0 if all(row.ok for row in rows) else 1
    finally:
        signal.alarm(0)
        if procs is not None:
            procs.stop_all()
        try:
            from django.db import connections

            connections.close_all()
        except Exception:  # noqa: BLE001,S110 - Django may not be set up yet
            pass
        redis.stop()
        try:
            pg.stop("immediate")
        except Exception:  # noqa: BLE001,S110 - already stopped
            pass
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
