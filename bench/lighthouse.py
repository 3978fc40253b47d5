"""Lighthouse on the pages each role opens on a phone (issue 13 item 5): figures, not a timed test.

Run from the repository root with DATABASE_URL pointing at PostgreSQL (needs Node's npx, which
fetches Lighthouse 12.2.3 from npm the first time, and Debian's chromium):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/landportal python bench/lighthouse.py [--plots 3000] [--runs 1]

Everything is local (127.0.0.1), bounded and stops by itself:

1. creates a throwaway database `<name>_bench_lighthouse` beside the one DATABASE_URL names and a
   temporary VAR_DIR and STATIC_ROOT;
2. loads the demo province (`load_demo --plots N`, matching run eagerly) — a few thousand plots with
   their records and flags — and gives each demo account a session (as a login would write it);
3. collects the static files (compressed, hashed names, as in production) and starts gunicorn with
   `config.settings.production` (DEBUG off, no SSL redirect), 2 workers;
4. runs `npx -y lighthouse@12.2.3` (mobile preset, its default: a 412×823 phone, 4× CPU slowdown and
   simulated slow 4G) with `--chrome-path=/usr/bin/chromium`, `--headless=new --no-sandbox`,
   performance, accessibility and best practices, the session cookie in `--extra-headers` (and in the
   browser profile Lighthouse starts with, so that the service worker's own requests carry it too), on:
   the login page, the official's plot list and record form, the reviewer's queue and the admin's
   province dashboard; with `--runs N` each page N times and the median run kept;
5. prints a table of the three scores per page, total blocking time (ms), DOM size (elements) and
   largest contentful paint (ms) and Lighthouse's CPU benchmark index of the run (its throttling
   comes on top of the machine's own speed), then every audit that kept a score below 100 (with `--why`);
6. stops gunicorn, drops the database and removes the temporary directories.

Goal: ≥ 95 in each of the three categories on every page. `--keep-db` keeps the database (drop it by
hand); `--json DIR` keeps Lighthouse's reports.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from _throwaway import admin_sql, bench_database_urls

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

LIGHTHOUSE = "lighthouse@12.2.3"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
# The flags of tests/browser.py: without the background-networking ones Chromium keeps dialling out.
CHROME_FLAGS = (
    "--headless=new --no-sandbox --disable-gpu --disable-background-networking --disable-component-update "
    "--disable-sync --no-first-run"
)
CATEGORIES = ("performance", "accessibility", "best-practices")
GOAL = 95
TIME_LIMIT_SECONDS = 1800


def _timeout(signum, frame):  # pragma: no cover - only when the machine is far too slow
    raise SystemExit(f"bench/lighthouse.py: stopped after the {TIME_LIMIT_SECONDS}s time limit")


def _run(argv: list[str], env: dict, log: Path, timeout: int) -> None:
    with open(log, "wb") as out:
        done = subprocess.run(argv, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, timeout=timeout)
    if done.returncode:
        tail = log.read_text(errors="replace")[-2000:]
        raise SystemExit(f"{' '.join(argv[:4])}… failed ({done.returncode}):\n{tail}")


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


def sessions_and_pages() -> tuple[dict[str, str], list[tuple[str, str, str | None]]]:
    """A session per demo account (as django.contrib.auth.login writes it), and the pages to measure:
    (label, path, account whose cookie goes with it)."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
    from django.contrib.sessions.backends.db import SessionStore

    from collection import services
    from collection.models import CollectedRecord
    from collection.scope import restrict
    from landdata.models import Plot

    users = get_user_model().objects.in_bulk(["canbo01", "kiemtra01", "quantri"], field_name="username")
    cookies = {}
    for username, user in users.items():
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        cookies[username] = session.session_key
    official = users["canbo01"]
    # The record form as an official opens it at the door: a draft of an uncollected plot of the commune.
    collected = CollectedRecord.objects.values("plot_id")
    in_scope = restrict(Plot.objects.all(), official).order_by("pk")
    plot = in_scope.exclude(pk__in=collected).first() or in_scope.first()
    record, _created = services.record_create_draft(plot=plot, user=official)
    pages = [
        ("login", "/dang-nhap/", None),
        ("plot list", "/thu-thap/thua-dat/", "canbo01"),
        ("record form", f"/thu-thap/ban-ghi/{record.pk}/", "canbo01"),
        ("review queue", "/kiem-tra/", "kiemtra01"),
        ("dashboard", "/bao-cao/", "quantri"),
    ]
    return cookies, pages


def cookie_profile(folder: Path, host: str, cookie: str) -> Path:
    """A Chromium profile holding the session cookie. `--extra-headers` puts the cookie on the page's own
    requests only: the service worker's fetches (the plots kept offline, htmx posts it passes on) would go
    without it and fail with a 401, which a phone that logged in never sees. Lighthouse resets the
    origin's storage before each run but keeps cookies, so the profile carries the session to those too."""
    from playwright.sync_api import sync_playwright

    folder.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(folder), executable_path=CHROMIUM, headless=True, args=["--no-sandbox", *CHROME_FLAGS.split()[2:]]
        )
        context.add_cookies(
            [{"name": "sessionid", "value": cookie, "url": host, "httpOnly": True, "expires": time.time() + 12 * 3600}]
        )
        context.close()
    return folder


def lighthouse(url: str, cookie: str | None, out: Path, env: dict, profile: Path | None = None) -> dict:
    flags = CHROME_FLAGS + (f" --user-data-dir={profile}" if profile else "")
    argv = [
        "npx",
        "-y",
        LIGHTHOUSE,
        url,
        f"--chrome-path={CHROMIUM}",
        f"--chrome-flags={flags}",
        f"--only-categories={','.join(CATEGORIES)}",
        "--output=json",
        f"--output-path={out}",
        "--quiet",
    ]
    if cookie:
        argv.append("--extra-headers=" + json.dumps({"Cookie": f"sessionid={cookie}"}))
    for attempt in range(3):  # a trace is sometimes lost (NO_NAVSTART): try again
        out.unlink(missing_ok=True)
        done = subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, timeout=300)
        if not done.returncode and out.exists():
            report = json.loads(out.read_text())
            if not report.get("runtimeError"):
                return report
        print(f"  lighthouse run {attempt + 1} failed on {url}: {done.stderr.decode(errors='replace')[-300:]}")
    raise SystemExit(f"lighthouse failed three times on {url}")


def figures(report: dict) -> dict:
    audits = report["audits"]
    return {
        **{c: round(100 * (report["categories"][c]["score"] or 0)) for c in CATEGORIES},
        "tbt": audits["total-blocking-time"]["numericValue"],
        "dom": audits["dom-size"].get("numericValue", 0),
        "lcp": audits["largest-contentful-paint"]["numericValue"],
        # Lighthouse's own measure of the machine's CPU (higher is faster): its 4x slowdown comes on
        # top of it, so blocking times from a slow machine read high.
        "cpu": report.get("environment", {}).get("benchmarkIndex", 0),
        "final_url": report.get("finalDisplayedUrl") or report.get("finalUrl", ""),
    }


def shortfalls(report: dict) -> list[str]:
    """Audits that cost points: weighted, with a score below 1."""
    lines = []
    for name in CATEGORIES:
        for ref in report["categories"][name]["auditRefs"]:
            audit = report["audits"][ref["id"]]
            if ref.get("weight") and audit.get("score") is not None and audit["score"] < 1:
                shown = audit.get("displayValue", "")
                lines.append(f"{name}: {ref['id']} ({audit['score']:.2f}) {audit['title']} {shown}".rstrip())
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--plots", type=int, default=3000)
    parser.add_argument("--runs", type=int, default=1, help="Lighthouse runs per page (the median is kept)")
    parser.add_argument("--port", type=int, default=8771)
    parser.add_argument("--why", action="store_true", help="list the audits that cost points")
    parser.add_argument("--json", type=Path, help="keep Lighthouse's JSON reports in this folder")
    parser.add_argument("--keep-db", action="store_true")
    args = parser.parse_args()
    signal.signal(signal.SIGALRM, _timeout)
    signal.alarm(TIME_LIMIT_SECONDS)

    bench_url, admin_url, name = bench_database_urls(os.environ.get("DATABASE_URL", ""), "bench_lighthouse")
    tmp = Path(tempfile.mkdtemp(prefix="landportal_lighthouse_"))
    for sub in ("var", "static", "logs", "reports"):
        (tmp / sub).mkdir()
    logs = tmp / "logs"
    env = {
        **os.environ,
        "DATABASE_URL": bench_url,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "VAR_DIR": str(tmp / "var"),
        "STATIC_ROOT": str(tmp / "static"),
        "CELERY_TASK_ALWAYS_EAGER": "true",
        # One key for the sessions made here and the server that reads them (they are signed with it).
        "SECRET_KEY": secrets.token_urlsafe(40),
        "LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
    }
    admin_sql(admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin_sql(admin_url, f'CREATE DATABASE "{name}"')
    web = None
    try:
        started = time.monotonic()
        python = sys.executable
        load_env = {**env, "DEBUG": "true"}
        _run([python, "manage.py", "migrate", "--noinput", "-v0"], load_env, logs / "migrate.log", 600)
        _run(
            [python, "manage.py", "load_demo", "--plots", str(args.plots), "--force"], load_env, logs / "demo.log", 1200
        )
        os.environ.update(
            {k: env[k] for k in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE", "VAR_DIR", "STATIC_ROOT", "SECRET_KEY")}
        )
        import django

        django.setup()
        from django.db import connections

        cookies, pages = sessions_and_pages()
        connections.close_all()
        print(f"demo province of {args.plots:,} plots ready in {time.monotonic() - started:.0f}s")

        prod_env = {
            **env,
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "CELERY_BROKER_URL": "memory://",
            # The demo's scans were encrypted under the key made under var/: the same key, given as production wants it.
            "SCAN_ENCRYPTION_KEYS": env.get("SCAN_ENCRYPTION_KEYS")
            or (ROOT / "var" / "scan-encryption.key").read_text().strip(),
            "SECURE_SSL_REDIRECT": "false",
            "SECURE_HSTS_SECONDS": "0",
        }
        _run([python, "manage.py", "collectstatic", "--noinput", "-v0"], prod_env, logs / "collectstatic.log", 300)
        host = f"http://127.0.0.1:{args.port}"
        log = open(logs / "gunicorn.log", "wb")  # noqa: SIM115 - closed with the process
        web = subprocess.Popen(
            [str(Path(python).parent / "gunicorn"), "config.wsgi:application", "--bind", f"127.0.0.1:{args.port}"]
            + ["--workers", "2", "--timeout", "60"],
            cwd=ROOT,
            env=prod_env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        _wait_http(f"{host}/healthz", 60)
        for _label, path, user in pages:  # warm every worker's templates and the report cache
            request = urllib.request.Request(
                host + path, headers={"Cookie": f"sessionid={cookies[user]}"} if user else {}
            )
            for _ in range(2):
                with urllib.request.urlopen(request, timeout=60) as response:
                    response.read()
                    if not response.geturl().endswith(path):
                        raise SystemExit(f"{path} went to {response.geturl()}: the session cookie was refused")

        profiles = {
            user: cookie_profile(tmp / "profiles" / user, host, cookies[user]) for _l, _p, user in pages if user
        }
        results = []
        for label, path, user in pages:
            runs = []
            for n in range(args.runs):
                out = tmp / "reports" / f"{label.replace(' ', '-')}-{n}.json"
                cookie, profile = (cookies[user], profiles[user]) if user else (None, None)
                report = lighthouse(host + path, cookie, out, env, profile)
                runs.append((figures(report), report))
            runs.sort(key=lambda run: run[0]["performance"])
            chosen = runs[len(runs) // 2]
            results.append((label, path, *chosen))
            if args.json:
                args.json.mkdir(parents=True, exist_ok=True)
                for file in (tmp / "reports").glob(f"{label.replace(' ', '-')}-*.json"):
                    shutil.copy(file, args.json / file.name)

        print(f"\nLighthouse {LIGHTHOUSE.split('@')[1]}, mobile preset, {args.runs} run(s) per page (median)")
        print(
            f"{'page':<14} {'path':<26} {'perf':>5} {'a11y':>5} {'b.p.':>5} {'TBT ms':>7} {'DOM':>6} {'LCP ms':>7} {'CPU':>5}"
        )
        for label, path, fig, _report in results:
            print(
                f"{label:<14} {path:<26} {fig['performance']:>5} {fig['accessibility']:>5} "
                f"{fig['best-practices']:>5} {fig['tbt']:>7.0f} {fig['dom']:>6.0f} {fig['lcp']:>7.0f} {fig['cpu']:>5.0f}"
            )
        met = all(fig[c] >= GOAL for _l, _p, fig, _r in results for c in CATEGORIES)
        print(f"goal (>= {GOAL} in each category on every page): {'met' if met else 'NOT met'}")
        if args.why or not met:
            for label, _path, fig, report in results:
                lines = shortfalls(report)
                if lines:
                    print(f"\n{label} ({fig['final_url']}):")
                    for line in lines:
                        print(f"  {line}")
        tbt = statistics.median(fig["tbt"] for _l, _p, fig, _r in results)
        print(f"\nmedian total blocking time over the pages: {tbt:.0f} ms")
        cpu = statistics.median(fig["cpu"] for _l, _p, fig, _r in results)
        print(f"Lighthouse's CPU benchmark index (median over the runs kept; higher is faster): {cpu:.0f}")
        return 0
    finally:
        if web is not None and web.poll() is None:
            os.killpg(web.pid, signal.SIGTERM)
            try:
                web.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(web.pid, signal.SIGKILL)
        from django.db import connections

        connections.close_all()
        if args.keep_db:
            print(f"kept database {name} (drop it by hand)")
        else:
            admin_sql(admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
