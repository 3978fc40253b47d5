"""A throwaway PostgreSQL database beside the one DATABASE_URL names, for the benchmarks."""

from __future__ import annotations

from urllib.parse import urlparse, urlunparse


def bench_database_urls(source: str, suffix: str) -> tuple[str, str, str]:
    """(URL of the bench database, URL of the `postgres` admin database, bench database name)."""
    parsed = urlparse(source)
    if not parsed.scheme.startswith("postgres"):
        raise SystemExit("DATABASE_URL must point at PostgreSQL")
    name = f"{parsed.path.lstrip('/') or 'landportal'}_{suffix}"
    admin_url = urlunparse(parsed._replace(path="/postgres"))
    return urlunparse(parsed._replace(path=f"/{name}")), admin_url, name


def admin_sql(admin_url: str, sql: str) -> None:
    """CREATE/DROP DATABASE, which cannot run inside a transaction."""
    import psycopg

    with psycopg.connect(admin_url.replace("postgres://", "postgresql://", 1), autocommit=True) as conn:
        conn.execute(sql)
