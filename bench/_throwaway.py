"""A throwaway PostgreSQL database beside the one DATABASE_URL names, for the benchmarks."""

from __future__ import annotations

from urllib.parse import urlparse, urlunparse


def bench_database_urls(source: str, suffix: str) -> tuple[str, str, str]:
    """(URL of the bench database, URL of the `postgres` admin database, bench database name)."""
    parsed = urlparse(source)
    if not parsed.scheme.startswith("postgres"):
        raise SystemExit("DATABASE_URL must point at PostgreSQL, e.g. postgres://postgres@127.0.0.1:5432/landportal")
    name = f"{parsed.path.lstrip('/') or 'landportal'}_{suffix}"
    admin_url = urlunparse(parsed._replace(path="/postgres"))
    return urlunparse(parsed._replace(path=f"/{name}")), admin_url, name


def admin_sql(admin_url: str, sql: str) -> None:
    """CREATE/DROP DATABASE, which cannot run inside a transaction."""
    import psycopg

    with psycopg.connect(admin_url.replace("postgres://", "postgresql://", 1), autocommit=True) as conn:
        conn.execute(sql)


def create_and_migrate(source: str, suffix: str) -> tuple[str, str]:
    """Create the bench database beside `source`, point Django at it, set it up for the test Client
    (DEBUG off, `testserver` allowed, INFO logs silenced) and migrate. Returns (admin URL, database name)
    for the final DROP."""
    import logging
    import os
    import time

    bench_url, admin_url, name = bench_database_urls(source, suffix)
    admin_sql(admin_url, f'DROP DATABASE IF EXISTS "{name}"')
    admin_sql(admin_url, f'CREATE DATABASE "{name}"')
    os.environ["DATABASE_URL"] = bench_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.DEBUG = False
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    logging.disable(logging.INFO)
    started = time.monotonic()
    call_command("migrate", verbosity=0)
    print(f"migrated in {time.monotonic() - started:.1f}s")
    return admin_url, name
