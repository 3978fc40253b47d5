"""Retention: purge_scans deletes old scans' rows and files and keeps the access log."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone

from collection.models import DocumentAccess, Scan
from tests.collection.scans import images
from tests.collection.scans.conftest import upload_file

pytestmark = pytest.mark.django_db


def _upload(client, record, seed, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("collection:scan_upload", args=[record.pk]),
            {
                "kind": "cert_1",
                "files": [upload_file(f"gcn{seed}.jpg", images.encode(images.document_photo(seed=seed)))],
            },
            headers={"HX-Request": "true"},
        )
    return Scan.objects.latest("uploaded_at")


def test_purge_deletes_old_scans_and_their_files_but_keeps_the_log(
    official_client, world, django_capture_on_commit_callbacks
):
    old = _upload(official_client, world["record"], 1, django_capture_on_commit_callbacks)
    new = _upload(official_client, world["record"], 2, django_capture_on_commit_callbacks)
    official_client.get(reverse("collection:scan_image", args=[old.pk]))
    Scan.objects.filter(pk=old.pk).update(uploaded_at=timezone.now() - dt.timedelta(days=200))
    old_files = [old.file.name, old.thumbnail.name]
    assert all(default_storage.exists(name) for name in old_files)

    call_command("purge_scans", before=(timezone.localdate() - dt.timedelta(days=100)).isoformat())

    assert list(Scan.objects.values_list("pk", flat=True)) == [new.pk]
    assert not any(default_storage.exists(name) for name in old_files)
    assert default_storage.exists(new.file.name)
    log = DocumentAccess.objects.get(action="view")
    assert log.scan_id is None and log.record_id == world["record"].pk


def test_dry_run_deletes_nothing(official_client, world, django_capture_on_commit_callbacks, capsys):
    scan = _upload(official_client, world["record"], 3, django_capture_on_commit_callbacks)
    call_command("purge_scans", before=(timezone.localdate() + dt.timedelta(days=1)).isoformat(), dry_run=True)
    assert "1 scans would be deleted" in capsys.readouterr().out
    assert Scan.objects.filter(pk=scan.pk).exists()
    assert default_storage.exists(scan.file.name)


def test_purge_limited_to_one_commune(official_client, world, django_capture_on_commit_callbacks):
    _upload(official_client, world["record"], 4, django_capture_on_commit_callbacks)
    call_command("purge_scans", before=(timezone.localdate() + dt.timedelta(days=1)).isoformat(), commune="09020")
    assert Scan.objects.count() == 1
    call_command("purge_scans", before=(timezone.localdate() + dt.timedelta(days=1)).isoformat(), commune="09010")
    assert Scan.objects.count() == 0


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [({"before": "31/12/2025"}, "not a date"), ({"before": "2025-12-31", "commune": "99999"}, "unknown commune")],
)
def test_bad_arguments(world, kwargs, message):
    with pytest.raises(CommandError, match=message):
        call_command("purge_scans", **kwargs)
