"""The commune's intake end to end on a real database and the eager worker: a batch of photos and a
PDF is stored, cleaned, read and proposed; officials confirm, correct or reject; `intake_photos`
writes the same proposals as CSV."""

from __future__ import annotations

import csv
import io
import random

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from PIL import Image

from collection.intake import services
from collection.models import CollectedRecord, IntakeItem, Role, Scan
from demo import photos as demo_photos
from tests.factories import CertificateFactory, FormerCommuneFactory, LandUserFactory, PlotFactory, user_with_scope

pytestmark = [pytest.mark.django_db(transaction=True)]

CLEAN = demo_photos.PhotoOptions(
    max_skew=4, quarter_turns=(1, 0, 0, 0), zalo_share=0, exif_share=0, photocopy_share=0, glare_share=0, max_blur=0.5
)


@pytest.fixture
def commune(settings, tmp_path):
    """A ward whose registry holds the generator's plots, and an official of it."""
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.MEDIA_ROOT = str(tmp_path / "media")
    services._indexes.clear()
    former = FormerCommuneFactory(code="09253")
    plots = demo_photos.sample_plots(3, seed=7)
    registry = {}
    for truth in plots:
        plot = PlotFactory(former_commune=former, map_sheet=truth.sheet, plot_number=truth.plot)
        certificate = CertificateFactory(plot=plot, serial=truth.serial, book_number=truth.book_number)
        for person in truth.holders:
            LandUserFactory(
                plot=plot,
                certificate=certificate,
                full_name=person.name,
                birth_year=person.birth_date.year,
                id_number=person.id_number,
            )
        registry[(truth.sheet, truth.plot)] = plot
    official = user_with_scope(Role.OFFICIAL, commune=former.commune, username="canbo_intake")
    return {"former": former, "plots": plots, "registry": registry, "official": official}


def _photos(commune, kinds=("certificate", "id_front"), **extra):
    return list(demo_photos.generate_photos(commune["plots"], seed=7, kinds=kinds, options=CLEAN, **extra))


def _upload(commune, files):
    uploads = [SimpleUploadedFile(name, data, content_type="image/jpeg") for name, data in files]
    return services.intake_upload(user=commune["official"], commune=commune["former"].commune, files=uploads)


def _plot_of(commune, truth: dict):
    """The registry plot a photo's ground truth designates."""
    for plots in commune["plots"]:
        if truth.get("serial") == plots.serial or truth.get("id_number") in {p.id_number for p in plots.holders}:
            return commune["registry"][(plots.sheet, plots.plot)]
    return None


def test_a_batch_is_read_and_proposed_and_nothing_is_attached_before_a_confirmation(commune):
    generated = _photos(commune)
    batch, received = _upload(commune, [(f"zalo-{n}.jpg", data) for n, (data, _truth) in enumerate(generated)])
    assert all(r.items == 1 and not r.error for r in received)
    items = {item.original_name: item for item in IntakeItem.objects.filter(batch=batch)}
    assert {item.status for item in items.values()} == {"ready"}
    wrong = 0
    for n, (_data, truth) in enumerate(generated):
        item = items[f"zalo-{n}.jpg"]
        assert item.kind == truth["kind"], (n, truth)
        expected = _plot_of(commune, truth)
        if item.proposed_plot_id is not None:
            wrong += item.proposed_plot_id != expected.pk
        if truth["kind"] == "id_front":  # the QR: always found, always right
            assert item.matched_by == "id_qr" and item.proposed_plot_id == expected.pk
            assert item.reading["qr"]["id_number"] == truth["id_number"]
    assert wrong == 0  # a wrong proposal is worse than none
    assert not Scan.objects.exists() and not CollectedRecord.objects.exists()


def test_confirm_attaches_to_the_plots_record_correct_moves_it_reject_drops_it(commune, client):
    generated = _photos(commune, kinds=("id_front",))
    batch, _ = _upload(commune, [(f"cccd-{n}.jpg", data) for n, (data, _t) in enumerate(generated[:3])])
    first, second, third = IntakeItem.objects.filter(batch=batch).order_by("original_name")
    client.force_login(commune["official"])

    # "Đúng thửa này": the photo becomes a scan of the proposed plot's record, a draft made for it.
    response = client.post(reverse("collection:intake_decide", args=[first.pk]), {"action": "confirm"}, follow=True)
    assert "Đã gắn ảnh" in response.content.decode()
    first.refresh_from_db()
    assert first.decision == "confirmed" and first.scan.record.plot_id == first.proposed_plot_id
    assert first.scan.kind == "id_front" and first.scan.status == "ready" and first.scan.qr_payload
    assert first.scan.record.status == CollectedRecord.Status.DRAFT

    # "Thửa khác": the official types where it belongs.
    target = next(p for p in commune["registry"].values() if p.pk != second.proposed_plot_id)
    client.post(
        reverse("collection:intake_decide", args=[second.pk]),
        {
            "action": "correct",
            "former_commune": target.former_commune_id,
            "map_sheet": target.map_sheet,
            "plot_number": target.plot_number,
        },
    )
    second.refresh_from_db()
    assert second.decision == "confirmed" and second.scan.record.plot_id == target.pk

    # "Loại": nothing attached; a second decision is refused in words.
    client.post(reverse("collection:intake_decide", args=[third.pk]), {"action": "reject"})
    third.refresh_from_db()
    assert third.decision == "rejected" and third.scan is None
    response = client.post(reverse("collection:intake_decide", args=[third.pk]), {"action": "confirm"}, follow=True)
    assert "Ảnh này đã được xử lý." in response.content.decode()
    assert Scan.objects.count() == 2


def test_confirm_all_takes_the_sure_proposals_and_leaves_duplicates(commune):
    generated = _photos(commune, kinds=("id_front",))
    files = [(f"cccd-{n}.jpg", data) for n, (data, _t) in enumerate(generated)]
    files.append(("cccd-again.jpg", generated[0][0]))  # the same photo sent twice
    files.append(("cccd-resent.jpg", demo_photos.near_duplicate(generated[1][0], random.Random(3))))  # re-encoded
    _upload(commune, files)
    again = IntakeItem.objects.get(original_name="cccd-again.jpg")
    assert again.duplicate_of.original_name == "cccd-0.jpg"
    assert IntakeItem.objects.get(original_name="cccd-resent.jpg").duplicate_of.original_name == "cccd-1.jpg"
    confirmed, left = services.intake_confirm_all(user=commune["official"], commune=commune["former"].commune)
    assert (confirmed, left) == (len(generated), 0)
    assert IntakeItem.objects.get(pk=again.pk).decision == ""  # shown as a duplicate, for the official


def test_a_pdf_of_three_pages_is_three_photos(commune):
    generated = _photos(commune, kinds=("certificate", "id_front"))[:3]
    pages = [Image.open(io.BytesIO(data)).convert("RGB") for data, _t in generated]
    pdf = io.BytesIO()
    pages[0].save(pdf, "PDF", save_all=True, append_images=pages[1:], resolution=150)
    batch, [received] = _upload(commune, [("camscanner.pdf", pdf.getvalue())])
    assert received.items == 3 and not received.error
    items = list(IntakeItem.objects.filter(batch=batch).order_by("page"))
    assert [i.page for i in items] == [1, 2, 3]
    assert [i.kind for i in items] == [t["kind"] for _d, t in generated]


def test_a_damaged_file_is_refused_in_words_and_the_others_kept(commune):
    good = _photos(commune, kinds=("id_front",))[0][0]
    _batch, received = _upload(
        commune, [("hong.jpg", good[: len(good) // 3]), ("tot.jpg", good), ("hong.pdf", b"%PDF-1.4 x")]
    )
    by_name = {r.name: r for r in received}
    assert by_name["tot.jpg"].items == 1
    assert by_name["hong.pdf"].error == "Tệp PDF không đọc được."
    assert IntakeItem.objects.get(original_name="hong.jpg").status in ("failed", "ready")


def test_the_inbox_is_the_communes_own(commune, client):
    _upload(commune, [("cccd.jpg", _photos(commune, kinds=("id_front",))[0][0])])
    item = IntakeItem.objects.get()
    stranger = user_with_scope(Role.OFFICIAL, commune=FormerCommuneFactory().commune)
    client.force_login(stranger)
    assert client.get(reverse("collection:intake_thumbnail", args=[item.pk])).status_code == 404
    assert client.post(reverse("collection:intake_decide", args=[item.pk]), {"action": "confirm"}).status_code == 404
    client.force_login(commune["official"])
    page = client.get(reverse("collection:intake_inbox")).content.decode()
    assert "cccd.jpg" in page and "Đúng thửa này" in page
    assert client.get(reverse("collection:intake_thumbnail", args=[item.pk])).status_code == 200


def test_intake_photos_writes_the_contracts_columns(commune, tmp_path):
    folder = tmp_path / "zalo"
    folder.mkdir()
    generated = _photos(commune, kinds=("id_front",), others=1)
    for n, (data, _t) in enumerate(generated):
        (folder / f"{n:02d}.jpg").write_bytes(data)
    out = tmp_path / "proposals.csv"
    call_command("intake_photos", str(folder), "--commune", commune["former"].commune_id, "--out", str(out))
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert list(rows[0]) == ["file", "kind", "old_commune_code", "map_sheet", "plot_number", "matched_by", "confidence"]
    assert len(rows) == len(generated)
    for row, (_d, truth) in zip(rows, generated, strict=True):
        assert row["kind"] == truth["kind"]
        if truth["kind"] == "id_front":
            plot = _plot_of(commune, truth)
            assert (row["old_commune_code"], row["map_sheet"], row["plot_number"], row["matched_by"]) == (
                "09253",
                plot.map_sheet,
                plot.plot_number,
                "id_qr",
            )
            assert 0.9 < float(row["confidence"]) < 1
        else:
            assert row["matched_by"] == "" and row["confidence"] == ""
    assert not IntakeItem.objects.exists()  # the command only proposes


def test_a_confirmed_certificate_offers_what_ocr_read_in_the_form_and_writes_nothing(commune, client):
    truth = commune["plots"][0]
    [(data, _t)] = _photos(commune, kinds=("certificate",))[:1]
    _batch, _ = _upload(commune, [("gcn.jpg", data)])
    item = IntakeItem.objects.get()
    plot = commune["registry"][(truth.sheet, truth.plot)]
    scan = services.intake_confirm(user=commune["official"], item_id=item.pk, plot_id=plot.pk)
    read = item.reading.get("certificate") or {}
    assert scan.kind == "cert_1"
    assert {k for k in Scan.objects.get(pk=scan.pk).text_fields} == {
        services.SUGGESTED_FIELDS[k] for k in read if k in services.SUGGESTED_FIELDS
    }
    assert read, "the certificate's printed fields were read"
    client.force_login(commune["official"])
    page = client.get(reverse("collection:record_edit", args=[scan.record_id])).content.decode()
    assert "Đọc từ ảnh — hãy kiểm tra" in page
    record = CollectedRecord.objects.get(pk=scan.record_id)
    assert (record.certificate_serial, record.area_m2) == ("", None)  # suggested, never written
