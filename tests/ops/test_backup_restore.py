"""Backup and restore bring back every row and every scan byte for byte."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from config.backup import BackupError, backup_create, backup_restore, backup_verify
from landdata.models import Plot
from tests.factories import PlotFactory


def _media_with_a_scan(media_root: Path) -> Path:
    scan = media_root / "scans" / "2025" / "10" / "abc.jpg"
    scan.parent.mkdir(parents=True)
    scan.write_bytes(b"\xff\xd8fake-jpeg-bytes\xff\xd9")
    return scan


@pytest.mark.django_db(transaction=True)
def test_postgres_backup_and_restore_round_trip(settings, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("pg_dump/pg_restore round trip needs PostgreSQL (CI runs it)")
    PlotFactory.create_batch(3)
    scan = _media_with_a_scan(settings.MEDIA_ROOT)
    call_command("backup_data", str(tmp_path / "bk"))
    assert set(backup_verify(tmp_path / "bk")["files"]) == {"database.dump.enc", "media.tar.gz.enc"}

    Plot.objects.all().delete()
    scan.unlink()
    call_command("restore_data", str(tmp_path / "bk"), yes=True)

    assert Plot.objects.count() == 3
    assert scan.read_bytes() == b"\xff\xd8fake-jpeg-bytes\xff\xd9"


def test_sqlite_backup_and_restore_round_trip(tmp_path):
    db_file = tmp_path / "portal.sqlite3"
    with sqlite3.connect(db_file) as conn:
        conn.execute("create table t (x integer)")
        conn.executemany("insert into t values (?)", [(1,), (2,)])
    db = {"ENGINE": "django.db.backends.sqlite3", "NAME": str(db_file)}
    media = tmp_path / "media"
    scan = _media_with_a_scan(media)

    backup_create(db=db, media_root=media, out_dir=tmp_path / "bk")
    with sqlite3.connect(db_file) as conn:
        conn.execute("delete from t")
    scan.unlink()
    backup_restore(backup_dir=tmp_path / "bk", db=db, media_root=media)

    with sqlite3.connect(db_file) as conn:
        assert conn.execute("select count(*) from t").fetchone()[0] == 2
    assert scan.exists()


def test_damaged_backup_is_refused_before_anything_changes(tmp_path):
    db_file = tmp_path / "portal.sqlite3"
    sqlite3.connect(db_file).close()
    db = {"ENGINE": "django.db.backends.sqlite3", "NAME": str(db_file)}
    media = tmp_path / "media"
    scan = _media_with_a_scan(media)
    backup_create(db=db, media_root=media, out_dir=tmp_path / "bk")
    (tmp_path / "bk" / "media.tar.gz.enc").write_bytes(b"garbage")
    with pytest.raises(BackupError, match="damaged"):
        backup_restore(backup_dir=tmp_path / "bk", db=db, media_root=media)
    assert scan.exists()


def test_restore_of_a_directory_that_is_not_a_backup(tmp_path):
    with pytest.raises(CommandError, match="not a backup"):
        call_command("restore_data", str(tmp_path), yes=True)
