"""Scans encrypted at rest: a copied disk shows no ID card; only the authorised views decrypt."""

from __future__ import annotations

import hashlib
import io
import tarfile

import pytest
import zxingcpp
from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.urls import reverse
from PIL import Image, UnidentifiedImageError

from collection.models import Scan, ScanKind
from collection.scans import encryption, services
from config.backup import backup_create, backup_restore
from tests.collection.scans import images
from tests.collection.scans.conftest import upload_file

pytestmark = pytest.mark.django_db

JPEG_MAGIC = b"\xff\xd8\xff"
NEW_KEY = encryption.new_key()


@pytest.fixture
def id_card_jpeg() -> bytes:
    out = io.BytesIO()
    images.document_photo(1400, 1000, qr_text=images.CCCD_PAYLOAD).save(out, "JPEG", quality=92)
    return out.getvalue()


@pytest.fixture
def scan(official_client, world, id_card_jpeg, django_capture_on_commit_callbacks) -> Scan:
    with django_capture_on_commit_callbacks(execute=True):
        response = official_client.post(
            reverse("collection:scan_upload", args=[world["record"].pk]),
            {"kind": ScanKind.ID_FRONT, "files": [upload_file("cccd.jpg", id_card_jpeg)]},
            headers={"HX-Request": "true"},
        )
    assert response.status_code == 200
    scan = Scan.objects.get(record=world["record"])
    assert scan.status == Scan.Status.READY, scan.error
    return scan


def _on_disk(settings, name: str) -> bytes:
    return (settings.MEDIA_ROOT / name).read_bytes()


def _not_an_image(data: bytes) -> None:
    assert not data.startswith(JPEG_MAGIC) and b"JFIF" not in data[:64] and b"Exif" not in data[:64]
    assert data.startswith(encryption.MAGIC)
    with pytest.raises(UnidentifiedImageError):
        Image.open(io.BytesIO(data))


def test_bytes_on_disk_are_not_the_jpeg_nor_its_qr(settings, scan, id_card_jpeg):
    assert scan.key_id == "test" and scan.qr_payload  # the worker read the QR before encrypting
    for name in (scan.file.name, scan.thumbnail.name):
        data = _on_disk(settings, name)
        _not_an_image(data)
        assert encryption.key_id_of(data) == "test"
    # The QR is readable from the original, and from nothing stored.
    assert zxingcpp.read_barcodes(Image.open(io.BytesIO(id_card_jpeg)))
    every_stored = [p for p in settings.MEDIA_ROOT.rglob("*") if p.is_file()]
    assert every_stored and all(not p.read_bytes().startswith(JPEG_MAGIC) for p in every_stored)


def test_the_upload_waiting_for_the_worker_is_encrypted_too(settings, official_client, world, id_card_jpeg):
    official_client.post(  # on_commit not run: the worker has not cleaned it yet
        reverse("collection:scan_upload", args=[world["record"].pk]),
        {"kind": ScanKind.ID_FRONT, "files": [upload_file("cccd.jpg", id_card_jpeg)]},
        headers={"HX-Request": "true"},
    )
    pending = Scan.objects.get(record=world["record"])
    assert pending.status == Scan.Status.PENDING
    _not_an_image(_on_disk(settings, pending.file.name))
    assert encryption.read_decrypted(pending.file.name, key_id=pending.key_id) == id_card_jpeg


@pytest.mark.parametrize("url_name", ["collection:scan_image", "collection:scan_thumbnail"])
def test_the_authorised_view_returns_the_original_bytes(official_client, scan, url_name):
    response = official_client.get(reverse(url_name, args=[scan.pk]))
    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    assert body.startswith(JPEG_MAGIC)
    if url_name == "collection:scan_image":
        assert hashlib.sha256(body).hexdigest() == scan.stored_sha256
        assert zxingcpp.read_barcodes(Image.open(io.BytesIO(body)))


def test_api_download_returns_the_original_bytes(client, world, scan):
    client.force_login(world["official"])
    response = client.get(f"/api/v1/scans/{scan.pk}/download/")
    assert response.status_code == 200
    assert hashlib.sha256(b"".join(response.streaming_content)).hexdigest() == scan.stored_sha256


def test_a_wrong_key_id_is_a_clear_error(scan, world):
    Scan.objects.filter(pk=scan.pk).update(key_id="old")
    scan.refresh_from_db()
    with pytest.raises(encryption.ScanKeyError, match="recorded under key 'old' but was encrypted under key 'test'"):
        services.scan_open(scan=scan, user=world["official"])


def test_a_key_missing_from_the_settings_is_a_clear_error(settings, scan, world):
    settings.SCAN_ENCRYPTION_KEYS = f"new:{NEW_KEY}"
    with pytest.raises(encryption.ScanKeyError, match="key 'test', which is not in SCAN_ENCRYPTION_KEYS"):
        services.scan_open(scan=scan, user=world["official"])


def test_a_changed_file_is_refused(settings, scan, world):
    path = settings.MEDIA_ROOT / scan.file.name
    data = bytearray(path.read_bytes())
    data[-1] ^= 1
    path.write_bytes(bytes(data))
    with pytest.raises(encryption.ScanKeyError, match="wrong or the file was changed"):
        services.scan_open(scan=scan, user=world["official"])


def test_rotate_reencrypts_everything_and_the_old_key_can_be_dropped(settings, official_client, scan):
    original = b"".join(official_client.get(reverse("collection:scan_image", args=[scan.pk])).streaming_content)
    old_names = (scan.file.name, scan.thumbnail.name)
    old_keys = settings.SCAN_ENCRYPTION_KEYS
    settings.SCAN_ENCRYPTION_KEYS = f"new:{NEW_KEY},{old_keys}"
    out = io.StringIO()
    call_command("rotate_scan_key", stdout=out)
    assert "ảnh chụp: 1/1" in out.getvalue() or "1/1" in out.getvalue()
    assert "key new: " in out.getvalue() and "key test" not in out.getvalue()

    scan.refresh_from_db()
    assert scan.key_id == "new"
    assert not any(default_storage.exists(name) for name in old_names)  # swapped, then the old ones deleted
    for name in (scan.file.name, scan.thumbnail.name):
        assert encryption.key_id_of(_on_disk(settings, name)) == "new"

    settings.SCAN_ENCRYPTION_KEYS = f"new:{NEW_KEY}"  # the old key dropped
    again = b"".join(official_client.get(reverse("collection:scan_image", args=[scan.pk])).streaming_content)
    assert again == original
    out = io.StringIO()
    call_command("rotate_scan_key", stdout=out)  # resumable: a second run has nothing left to do
    assert "done: 0 rows" in out.getvalue()


def test_rotate_encrypts_a_file_stored_before_encryption(settings, scan, id_card_jpeg):
    clear = default_storage.save("scans/2025/01/legacy.jpg", io.BytesIO(id_card_jpeg))
    Scan.objects.filter(pk=scan.pk).update(file=clear, key_id="")
    scan.refresh_from_db()
    assert encryption.read_decrypted(scan.file.name, key_id=scan.key_id) == id_card_jpeg  # still served
    call_command("rotate_scan_key", stdout=io.StringIO())
    scan.refresh_from_db()
    assert scan.key_id == "test" and not default_storage.exists(clear)
    _not_an_image(_on_disk(settings, scan.file.name))
    assert encryption.read_decrypted(scan.file.name, key_id=scan.key_id) == id_card_jpeg


def test_a_clear_file_under_a_row_that_says_encrypted_is_refused(scan, id_card_jpeg):
    clear = default_storage.save("scans/2025/01/swapped.jpg", io.BytesIO(id_card_jpeg))
    with pytest.raises(encryption.ScanKeyError, match="not an encrypted file"):
        encryption.read_decrypted(clear, key_id="test")


def test_production_without_keys_refuses_and_bad_keys_are_explained(settings):
    settings.SCAN_ENCRYPTION_KEYS = ""
    settings.SCAN_ENCRYPTION_KEY_FILE = None
    with pytest.raises(ImproperlyConfigured, match="SCAN_ENCRYPTION_KEYS must be set"):
        encryption.keyring()
    with pytest.raises(ImproperlyConfigured, match="32 bytes"):
        encryption.parse_keys("a:" + "QUJD")
    with pytest.raises(ImproperlyConfigured, match="id:base64key"):
        encryption.parse_keys(NEW_KEY)


def test_embedded_default_makes_one_key_under_var(settings, tmp_path):
    settings.SCAN_ENCRYPTION_KEYS = ""
    settings.SCAN_ENCRYPTION_KEY_FILE = tmp_path / "var" / "scan-encryption.key"
    first = encryption.current_key_id()
    assert settings.SCAN_ENCRYPTION_KEY_FILE.stat().st_mode & 0o077 == 0
    sealed, _ = encryption.encrypt(b"x")
    assert encryption.current_key_id() == first and encryption.decrypt(sealed) == b"x"


@pytest.mark.parametrize("size", [0, 5, encryption.SEGMENT_BYTES, encryption.SEGMENT_BYTES * 2 + 7])
def test_streams_round_trip_and_refuse_a_cut(size):
    data = bytes(range(256)) * (size // 256) + b"x" * (size % 256)
    raw = io.BytesIO()
    with encryption.EncryptingWriter(raw) as sealed:
        sealed.write(data)
    blob = raw.getvalue()
    assert b"".join(encryption.decrypt_stream(io.BytesIO(blob))) == data
    assert encryption.DecryptingReader(io.BytesIO(blob)).read() == data
    if size > encryption.SEGMENT_BYTES:  # a backup cut after its first segment is refused, not half-restored
        header = len(encryption.STREAM_MAGIC) + 1 + len("test") + 7
        cut = blob[: header + encryption.SEGMENT_BYTES + encryption.TAG_BYTES]
        with pytest.raises(encryption.ScanKeyError):
            b"".join(encryption.decrypt_stream(io.BytesIO(cut)))


def test_backup_shows_no_id_card_and_restores(settings, tmp_path, scan, id_card_jpeg):
    import sqlite3

    db_file = tmp_path / "portal.sqlite3"
    with sqlite3.connect(db_file) as conn:
        conn.execute("create table person (id_number text)")
        conn.execute("insert into person values ('027045605136')")
    db = {"ENGINE": "django.db.backends.sqlite3", "NAME": str(db_file)}
    media = settings.MEDIA_ROOT
    clear = media / "imports" / "registry.csv"
    clear.parent.mkdir(parents=True)
    clear.write_text("Số CCCD\n027045605136\n")
    result = backup_create(db=db, media_root=media, out_dir=tmp_path / "bk")
    assert set(result.files) == {"database.sqlite3.enc", "media.tar.gz.enc"}
    for name in result.files:
        blob = (tmp_path / "bk" / name).read_bytes()
        assert blob.startswith(encryption.STREAM_MAGIC)
        assert b"027045605136" not in blob and b"JFIF" not in blob and b"SQLite format" not in blob
        with pytest.raises(tarfile.ReadError):
            tarfile.open(tmp_path / "bk" / name)

    db_file.unlink()
    scan_path = media / scan.file.name
    stored = scan_path.read_bytes()
    scan_path.unlink()
    backup_restore(backup_dir=tmp_path / "bk", db=db, media_root=media)
    with sqlite3.connect(db_file) as conn:
        assert conn.execute("select id_number from person").fetchone()[0] == "027045605136"
    assert (media / scan.file.name).read_bytes() == stored  # still encrypted on disk after the restore
    assert encryption.read_decrypted(scan.file.name, key_id=scan.key_id).startswith(JPEG_MAGIC)


def test_production_requires_the_keys_and_asks_the_bucket_to_encrypt_too(tmp_path):
    import json
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[3]
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": "x" * 60,
        "DATABASE_URL": "postgres://u@127.0.0.1:5432/x",
        "CELERY_BROKER_URL": "redis://127.0.0.1:6379/9",
        "ALLOWED_HOSTS": "portal.example.vn",
        "AWS_STORAGE_BUCKET_NAME": "scans",
    }
    code = "from django.conf import settings; import json; print(json.dumps(settings.STORAGES['default']['OPTIONS']))"
    refused = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
    )
    assert refused.returncode != 0 and "SCAN_ENCRYPTION_KEYS must be set in production" in refused.stderr
    env["SCAN_ENCRYPTION_KEYS"] = f"prod:{NEW_KEY}"
    ran = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
    )
    assert ran.returncode == 0, ran.stderr
    assert json.loads(ran.stdout.strip().splitlines()[-1])["object_parameters"] == {"ServerSideEncryption": "AES256"}
