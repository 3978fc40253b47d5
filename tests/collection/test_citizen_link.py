"""A citizen's own link for one plot: made and revoked by the official; used without an account; its
limits and every closed case said in Vietnamese."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import uuid

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from collection import citizen
from collection.models import Channel, CitizenLink, CitizenSubmission, CollectedRecord, Role, Scan
from tests.collection.scans import images
from tests.factories import CollectedRecordFactory, FormerCommuneFactory, LandUserFactory, PlotFactory, user_with_scope

pytestmark = pytest.mark.django_db

QR_TEXT = "001085012345|123456789|Nguyễn Văn An|01021985|Nam|Thôn 1, xã Tiên Du, Bắc Ninh|15062021"


@pytest.fixture
def plot(settings, tmp_path):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.MEDIA_ROOT = str(tmp_path / "media")
    plot = PlotFactory(former_commune=FormerCommuneFactory(), map_sheet="12", plot_number="345")
    LandUserFactory(plot=plot, full_name="Nguyễn Văn An", id_number="123456789")
    return plot


@pytest.fixture
def official(plot):
    return user_with_scope(Role.OFFICIAL, commune=plot.former_commune.commune, username="canbo_link")


def _meta(**values) -> str:
    return ",".join(f"{k} {base64.b64encode(str(v).encode()).decode()}" for k, v in values.items())


def _send_photo(client: Client, token: str, data: bytes, kind: str = "id_front", scan_id=None):
    """The whole tus exchange for a small photo: creation, then one chunk."""
    scan_id = scan_id or uuid.uuid4()
    created = client.post(
        reverse("citizen_uploads", args=[token]),
        HTTP_TUS_RESUMABLE="1.0.0",
        HTTP_UPLOAD_LENGTH=str(len(data)),
        HTTP_UPLOAD_METADATA=_meta(
            scan=scan_id, kind=kind, filename="anh.jpg", sha256=hashlib.sha256(data).hexdigest(), record="x"
        ),
    )
    if created.status_code != 201:
        return created
    return client.patch(
        created["Location"],
        data=data,
        content_type="application/offset+octet-stream",
        HTTP_TUS_RESUMABLE="1.0.0",
        HTTP_UPLOAD_OFFSET="0",
    )


def test_the_citizen_sends_a_card_and_a_note_and_a_draft_arrives_with_the_qr_read(
    plot, official, django_capture_on_commit_callbacks
):
    link, token = citizen.link_create(user=official, plot_id=plot.pk, days=7)
    assert CitizenLink.objects.get().token_hash == hashlib.sha256(token.encode()).hexdigest() != token
    anonymous = Client()
    page = anonymous.get(reverse("citizen_page", args=[token]))
    body = page.content.decode()
    assert page.status_code == 200 and "Tờ bản đồ 12, thửa số 345" in body
    assert "Nguyễn Văn An" not in body and "123456789" not in body  # never a name or an ID number
    assert page["Referrer-Policy"] == "no-referrer" and page["Cache-Control"] == "no-store"

    card = images.encode(images.id_card_with_qr(QR_TEXT), "JPEG", quality=90)
    with django_capture_on_commit_callbacks(execute=True):  # the worker processes the photo after commit
        answer = _send_photo(anonymous, token, card)
    assert answer.status_code == 204, answer.content
    details = anonymous.post(
        reverse("citizen_details", args=[token]),
        {"phone": "0912 345 678", "note": "Sổ đang thế chấp ngân hàng"},
        content_type="application/json",
    )
    assert details.status_code == 200

    record = CollectedRecord.objects.get()
    link.refresh_from_db()
    assert link.record == record and link.contact_phone == "0912345678"
    assert (record.channel, record.source, record.status) == (Channel.SELF_SUBMITTED, "citizen", "draft")
    assert record.plot == plot and record.collected_by_user == official
    assert (record.holder_name, record.holder_id_number, record.holder_old_id_number) == (
        "Nguyễn Văn An",
        "001085012345",
        "123456789",
    )
    assert "Sổ đang thế chấp ngân hàng" in record.notes
    assert Scan.objects.get().status == "ready"
    assert set(CitizenSubmission.objects.values_list("what", flat=True)) == {"photo", "details"}


@pytest.mark.parametrize(
    ("close", "status", "words"),
    [
        (lambda link: CitizenLink.objects.filter(pk=link.pk).update(revoked_at=timezone.now()), 410, "đã được cán bộ thu hồi"),
        (
            lambda link: CitizenLink.objects.filter(pk=link.pk).update(expires_at=timezone.now() - dt.timedelta(minutes=1)),
            410,
            "đã hết hạn ngày",
        ),
    ],
)  # fmt: skip
def test_a_closed_link_says_why_on_the_page_and_to_the_uploads(plot, official, close, status, words):
    link, token = citizen.link_create(user=official, plot_id=plot.pk)
    close(link)
    page = Client().get(reverse("citizen_page", args=[token]))
    assert page.status_code == status and words in page.content.decode()
    answer = _send_photo(Client(), token, b"x" * 100)
    assert answer.status_code == status and words in answer.json()["detail"]
    assert not Scan.objects.exists()


def test_an_unknown_token_is_not_found_in_words(plot):
    page = Client().get(reverse("citizen_page", args=["khong-co-that"]))
    assert page.status_code == 404 and "Đường dẫn không đúng" in page.content.decode()


def test_the_official_revokes_from_the_plot_page(plot, official, client):
    client.force_login(official)
    created = client.post(reverse("collection:citizen_link_create", args=[plot.pk]), {"days": "14"})
    assert created.status_code == 200 and "data:image/svg+xml;base64," in created.content.decode()
    link = CitizenLink.objects.get()
    assert link.expires_at.date() == (timezone.now() + dt.timedelta(days=14)).date()
    client.post(reverse("collection:citizen_link_revoke", args=[link.pk]))
    link.refresh_from_db()
    assert link.revoked_at is not None
    assert "đã thu hồi" in client.get(reverse("collection:plot_detail", args=[plot.pk])).content.decode()


def test_only_the_plots_own_officials_make_or_revoke_its_links(plot, official):
    stranger = user_with_scope(Role.OFFICIAL, commune=FormerCommuneFactory().commune)
    client = Client()
    client.force_login(stranger)
    assert client.post(reverse("collection:citizen_link_create", args=[plot.pk])).status_code == 404
    link, _token = citizen.link_create(user=official, plot_id=plot.pk)
    assert client.post(reverse("collection:citizen_link_revoke", args=[link.pk])).status_code == 404
    assert CitizenLink.objects.get(pk=link.pk).revoked_at is None


def test_a_link_is_for_its_plot_alone(plot, official):
    """The metadata's record is ignored: the photos go to the link's own draft, never another record."""
    other = CollectedRecordFactory(former_commune=plot.former_commune, status="draft")
    _link, token = citizen.link_create(user=official, plot_id=plot.pk)
    card = images.encode(images.id_card_with_qr(QR_TEXT), "JPEG", quality=90)
    created = Client().post(
        reverse("citizen_uploads", args=[token]),
        HTTP_TUS_RESUMABLE="1.0.0",
        HTTP_UPLOAD_LENGTH=str(len(card)),
        HTTP_UPLOAD_METADATA=_meta(
            scan=uuid.uuid4(), kind="id_front", filename="a.jpg", sha256=hashlib.sha256(card).hexdigest(),
            record=other.client_id,
        ),
    )  # fmt: skip
    assert created.status_code == 201
    assert not Scan.objects.filter(record=other).exists()
    assert CollectedRecord.objects.exclude(pk=other.pk).get().plot == plot


def test_too_many_files_and_too_large_are_refused_before_a_byte_is_read(plot, official, settings, monkeypatch):
    monkeypatch.setattr(citizen, "MAX_FILES", 2)
    _link, token = citizen.link_create(user=official, plot_id=plot.pk)
    client = Client()
    for n in range(2):
        card = images.encode(images.id_card_with_qr(QR_TEXT.replace("Thôn 1", f"Thôn {n + 2}")), "JPEG", quality=90)
        assert _send_photo(client, token, card).status_code == 204
    third = _send_photo(client, token, b"y" * 100)
    assert third.status_code == 429 and "Đã nhận đủ 2 ảnh" in third.json()["detail"]
    settings.SCAN_MAX_BYTES = 1000
    monkeypatch.setattr(citizen, "MAX_FILES", 10)
    big = _send_photo(client, token, b"z" * 5000)
    assert big.status_code == 413
    assert Scan.objects.count() == 2


def test_too_many_requests_from_one_address_are_refused(plot, official, monkeypatch):
    monkeypatch.setattr(citizen, "PER_ADDRESS_PER_HOUR", 3)
    _link, token = citizen.link_create(user=official, plot_id=plot.pk)
    client = Client(REMOTE_ADDR="203.0.113.9")
    url = reverse("citizen_details", args=[token])
    answers = [client.post(url, {"note": "x"}, content_type="application/json").status_code for _ in range(5)]
    assert answers == [200, 200, 200, 429, 429]
    assert CitizenSubmission.objects.filter(what="refused").count() == 2
