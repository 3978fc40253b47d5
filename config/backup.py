"""Backup and restore of the database and the stored scans, as one directory.

A backup directory holds `database.dump.enc` (PostgreSQL custom format) or
`database.sqlite3.enc`, `media.tar.gz.enc` (scans, thumbnails, imports) and
`manifest.json` (when, which database, the key, file sizes and SHA-256), so a
restore can check it has what it needs before it touches anything.

Both the database and the media are personal data: they are written encrypted,
as streams, under the current key of SCAN_ENCRYPTION_KEYS
(`collection.scans.encryption`): a copied backup shows no name, ID number or ID
card, and restoring needs the key. pg_dump's output is encrypted as it comes out
(never a clear dump on disk). Backups made before encryption (`database.dump`,
`media.tar.gz`) are still restored.
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

from collection.scans import encryption
from landdata.tabular import sha256_of

COPY_BYTES = 1024 * 1024


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


def _encrypt_file(source: Path, target: Path) -> None:
    with source.open("rb") as src, target.open("wb") as raw, encryption.EncryptingWriter(raw) as sealed:
        while chunk := src.read(COPY_BYTES):
            sealed.write(chunk)


def backup_create(*, db: dict, media_root: Path, out_dir: Path) -> BackupResult:
    """Write a consistent, encrypted dump of the database and archive of media into a new directory."""
    key_id = encryption.current_key_id()  # before anything is written: no key, no backup
    out_dir.mkdir(parents=True, exist_ok=False)
    engine = db["ENGINE"]
    if engine.endswith("postgresql"):
        target = out_dir / "database.dump.enc"
        cmd = ["pg_dump", "--format=custom", "--no-owner", *_pg_args(db), db["NAME"]]
        with target.open("wb") as raw, encryption.EncryptingWriter(raw) as sealed:
            dump = subprocess.Popen(cmd, env=_pg_env(db), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            assert dump.stdout is not None and dump.stderr is not None
            while chunk := dump.stdout.read(COPY_BYTES):
                sealed.write(chunk)
            errors = dump.stderr.read().decode(errors="replace")
            if dump.wait() != 0:
                raise BackupError(f"pg_dump failed: {errors.strip()}")
    elif engine.endswith("sqlite3"):
        target = out_dir / "database.sqlite3.enc"
        clear = out_dir / "database.sqlite3.tmp"
        source = sqlite3.connect(db["NAME"])
        dest = sqlite3.connect(clear)
        with dest:
            source.backup(dest)  # consistent even while the portal writes
        source.close()
        dest.close()
        try:
            _encrypt_file(clear, target)
        finally:
            clear.unlink()
    else:
        raise BackupError(f"unsupported database engine {engine}")
    with (out_dir / "media.tar.gz.enc").open("wb") as raw, encryption.EncryptingWriter(raw) as sealed:
        with tarfile.open(fileobj=sealed, mode="w|gz") as archive:
            if media_root.exists():
                archive.add(media_root, arcname="media")
    files = {path.name: sha256_of(path) for path in sorted(out_dir.iterdir())}
    manifest = {
        "created_at": dt.datetime.now(dt.UTC).isoformat(),
        "engine": engine,
        "database": str(db["NAME"]),
        "encryption": {"scheme": "AES-256-GCM, 1 MiB segments (collection.scans.encryption)", "key_id": key_id},
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
    encrypted = "media.tar.gz.enc" in manifest["files"]
    if encrypted:  # the key must be here before anything is replaced
        encryption.keyring().cipher(manifest["encryption"]["key_id"], what="backup")
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
        ]
        if encrypted:
            _pg_restore_encrypted(cmd, db, backup_dir / "database.dump.enc")
        else:
            run = subprocess.run(
                [*cmd, str(backup_dir / "database.dump")], env=_pg_env(db), capture_output=True, text=True
            )
            if run.returncode != 0:
                raise BackupError(f"pg_restore failed: {run.stderr.strip()}")
    elif encrypted:
        with (backup_dir / "database.sqlite3.enc").open("rb") as raw, open(db["NAME"], "wb") as out:
            for chunk in encryption.decrypt_stream(raw, what="database.sqlite3.enc"):
                out.write(chunk)
    else:
        shutil.copyfile(backup_dir / "database.sqlite3", db["NAME"])
    staging = media_root.with_name(media_root.name + ".restoring")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    if encrypted:
        with (backup_dir / "media.tar.gz.enc").open("rb") as raw:
            reader = encryption.DecryptingReader(raw, what="media.tar.gz.enc")
            with tarfile.open(fileobj=reader, mode="r|gz") as archive:
                archive.extractall(staging, filter="data")
    else:
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


def _pg_restore_encrypted(cmd: list[str], db: dict, path: Path) -> None:
    """pg_restore reading the decrypted dump from its standard input: no clear dump on disk."""
    restore = subprocess.Popen(cmd, env=_pg_env(db), stdin=subprocess.PIPE, stderr=subprocess.PIPE)
    assert restore.stdin is not None and restore.stderr is not None
    try:
        with path.open("rb") as raw:
            for chunk in encryption.decrypt_stream(raw, what=path.name):
                restore.stdin.write(chunk)
    except BrokenPipeError:
        pass  # pg_restore stopped early: its own message says why
    finally:
        restore.stdin.close()
    errors = restore.stderr.read().decode(errors="replace")
    if restore.wait() != 0:
        raise BackupError(f"pg_restore failed: {errors.strip()}")
