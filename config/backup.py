"""Backup and restore of the database and the stored scans, as one directory.

A backup directory holds `database.dump` (PostgreSQL custom format) or
`database.sqlite3`, `media.tar.gz` (scans, thumbnails, imports) and
`manifest.json` (when, which database, file sizes and SHA-256), so a restore
can check it has what it needs before it touches anything.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
from dataclasses import dataclass
from pathlib import Path

from landdata.tabular import sha256_of


class BackupError(Exception):
    pass


@dataclass(frozen=True)
class BackupResult:
    directory: Path
    files: dict[str, str]  # name -> sha256


def _pg_env(db: dict) -> dict[str, str]:
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    return env


def _pg_args(db: dict) -> list[str]:
    args = []
    if db.get("HOST"):
        args += ["-h", db["HOST"]]
    if db.get("PORT"):
        args += ["-p", str(db["PORT"])]
    if db.get("USER"):
        args += ["-U", db["USER"]]
    return args


def backup_create(*, db: dict, media_root: Path, out_dir: Path) -> BackupResult:
    """Write a consistent dump of the database and an archive of media into a new directory."""
    out_dir.mkdir(parents=True, exist_ok=False)
    engine = db["ENGINE"]
    if engine.endswith("postgresql"):
        target = out_dir / "database.dump"
        cmd = ["pg_dump", "--format=custom", "--no-owner", "--file", str(target), *_pg_args(db), db["NAME"]]
        run = subprocess.run(cmd, env=_pg_env(db), capture_output=True, text=True)
        if run.returncode != 0:
            raise BackupError(f"pg_dump failed: {run.stderr.strip()}")
    elif engine.endswith("sqlite3"):
        target = out_dir / "database.sqlite3"
        source = sqlite3.connect(db["NAME"])
        dest = sqlite3.connect(target)
        with dest:
            source.backup(dest)  # consistent even while the portal writes
        source.close()
        dest.close()
    else:
        raise BackupError(f"unsupported database engine {engine}")
    with tarfile.open(out_dir / "media.tar.gz", "w:gz") as archive:
        if media_root.exists():
            archive.add(media_root, arcname="media")
    files = {path.name: sha256_of(path) for path in sorted(out_dir.iterdir())}
    manifest = {
        "created_at": dt.datetime.now(dt.UTC).isoformat(),
        "engine": engine,
        "database": str(db["NAME"]),
        "files": files,
    }
    (out_dir / "manifest.json").write_text(json.dumps(manifest, indent=2))
    return BackupResult(out_dir, files)


def backup_verify(backup_dir: Path) -> dict:
    manifest_path = backup_dir / "manifest.json"
    if not manifest_path.exists():
        raise BackupError(f"{backup_dir} has no manifest.json: not a backup made by this portal")
    manifest = json.loads(manifest_path.read_text())
    for name, digest in manifest["files"].items():
        path = backup_dir / name
        if not path.exists():
            raise BackupError(f"{name} is missing from {backup_dir}")
        if sha256_of(path) != digest:
            raise BackupError(f"{name} is damaged (SHA-256 differs from the manifest)")
    return manifest


def backup_restore(*, backup_dir: Path, db: dict, media_root: Path) -> None:
    """Replace the database and media with the backup's. Verifies the backup first."""
    manifest = backup_verify(backup_dir)
    engine = db["ENGINE"]
    if engine != manifest["engine"]:
        raise BackupError(f"backup is of {manifest['engine']}, this portal uses {engine}")
    if engine.endswith("postgresql"):
        cmd = [
            "pg_restore",
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            *_pg_args(db),
            "-d",
            db["NAME"],
            str(backup_dir / "database.dump"),
        ]
        run = subprocess.run(cmd, env=_pg_env(db), capture_output=True, text=True)
        if run.returncode != 0:
            raise BackupError(f"pg_restore failed: {run.stderr.strip()}")
    else:
        shutil.copyfile(backup_dir / "database.sqlite3", db["NAME"])
    staging = media_root.with_name(media_root.name + ".restoring")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    with tarfile.open(backup_dir / "media.tar.gz", "r:gz") as archive:
        archive.extractall(staging, filter="data")
    restored = staging / "media"
    if media_root.exists():
        shutil.rmtree(media_root)
    if restored.exists():
        restored.rename(media_root)
    else:
        media_root.mkdir(parents=True)
    shutil.rmtree(staging, ignore_errors=True)
