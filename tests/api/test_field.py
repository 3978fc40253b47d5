"""The phone's endpoints: plots kept offline, records by the phone's id, photos in resumable chunks (tus)."""

from __future__ import annotations

import base64
import gzip
import hashlib
import io
import json
import uuid

import pytest
from django.utils import timezone
from PIL import Image

from collection.models import ChunkedUpload, CollectedRecord, Role, Scan
from landdata.models import ImportBatch, LandUser, Plot
from tests.factories import (
    CollectedRecordFactory,
    CommuneFactory,
    FormerCommuneFactory,
    LandUserFactory,
    PlotFactory,
    user_with_scope,
)

pytestmark = pytest.mark.django_db
TUS = {"HTTP_TUS_RESUMABLE": "1.0.0"}


@pytest.fixture
def world():
    commune = CommuneFactory()
    former = FormerCommuneFactory(commune=commune)
    plot = PlotFactory(former_commune=former, map_sheet="12", plot_number="345")
    LandUserFactory(plot=plot, full_name="Đặng Văn Hạnh", birth_year=1945, id_number="105032582")
    other = PlotFactory(former_commune=FormerCommuneFactory(commune=CommuneFactory()), map_sheet="1", plot_number="1")
    official = user_with_scope(Role.OFFICIAL, commune=commune)
    return {"plot": plot, "other": other, "official": official, "former": former}


@pytest.fixture
def phone(client, world):
    client.force_login(world["official"])
    return client


def put_record(client, client_id, **body):
    body.setdefault("values", {})
    return client.put(f"/api/v1/field/records/{client_id}/", json.dumps(body), content_type="application/json")


# --- plots kept on the phone ------------------------------------------------------------------


def test_plots_of_the_scope_with_folded_names_and_masked_ids(phone, world):
    body = phone.get("/api/v1/field/plots/").json()
    assert body["full"] is True
    (plot,) = body["plots"]
    assert (plot["id"], plot["k"], plot["s"], plot["n"], plot["st"]) == (
        world["plot"].pk,
        world["former"].code,
        "12",
        "345",
        "not_collected",
    )
    assert plot["o"] == [["Đặng Văn Hạnh", "dang van hanh", 1945, "••••••582"]]
    assert "105032582" not in json.dumps(body)


def test_plots_since_a_download_are_only_those_whose_collection_changed(phone, world):
    first = phone.get("/api/v1/field/plots/").json()
    PlotFactory(former_commune=world["former"], map_sheet="12", plot_number="346")
    assert phone.get("/api/v1/field/plots/", {"since": first["generated_at"]}).json()["plots"] == []
    CollectedRecordFactory(
        former_commune=world["former"],
        map_sheet="12",
        plot_number="345",
        plot=world["plot"],
        status=CollectedRecord.Status.SUBMITTED,
    )
    later = phone.get("/api/v1/field/plots/", {"since": first["generated_at"]}).json()
    assert later["full"] is False and [p["st"] for p in later["plots"]] == ["collected"]
    ImportBatch.objects.create(
        kind="registry", file_name="x.csv", sha256="x", status="done", finished_at=timezone.now()
    )
    assert phone.get("/api/v1/field/plots/", {"since": later["generated_at"]}).json()["full"] is True


@pytest.mark.parametrize(
    "since", ["hôm qua", "2026-13-01T00:00:00+07:00", "0281-03-25T23:38:29+19:35", "1999-12-31T00:00:00+07:00"]
)
def test_a_since_no_server_could_have_written_is_refused_in_words(phone, world, since):
    response = phone.get("/api/v1/field/plots/", {"since": since})
    assert response.status_code == 400
    assert "generated_at" in response.json()["since"][0]


def test_a_commune_of_4000_plots_downloads_in_under_2_mb(phone, world):
    plots = Plot.objects.bulk_create([
        Plot(former_commune=world["former"], map_sheet=str(1 + n // 200), plot_number=str(n), sheet_key=str(1 + n // 200),
             number_key=str(n), area_m2="230.80", land_use="ONT+CLN")
        for n in range(1000, 5000)
    ])  # fmt: skip
    LandUser.objects.bulk_create([
        LandUser(registry_id=f"R{p.pk}-{i}", plot=p, full_name=name, name_folded=name.lower(), birth_year=1960,
                 id_number="001060012345")
        for p in plots for i, name in enumerate(["Nguyễn Văn Bình", "Trần Thị Hòa"][: 1 + p.pk % 2])
    ])  # fmt: skip
    response = phone.get("/api/v1/field/plots/", HTTP_ACCEPT_ENCODING="gzip")
    assert response["Content-Encoding"] == "gzip"
    assert len(json.loads(gzip.decompress(response.content))["plots"]) == 4001
    assert len(response.content) < 2 * 1024 * 1024


def test_reviewers_do_not_get_the_phone_endpoints(client, world):
    from tests.factories import BranchFactory

    client.force_login(user_with_scope(Role.REVIEWER, branch=BranchFactory()))
    assert client.get("/api/v1/field/plots/").status_code == 403


# --- records by the phone's id ----------------------------------------------------------------


def test_the_same_record_sent_twice_is_one_record(phone, world):
    cid = uuid.uuid4()
    values = {"holder_name": "Đặng Văn Hạnh", "holder_birth": "1945", "area_m2": "230,8"}
    first = put_record(phone, cid, plot=world["plot"].pk, values=values)
    assert first.status_code == 201
    again = put_record(phone, cid, plot=world["plot"].pk, values=values)  # the answer was lost: sent again
    assert again.status_code == 200 and again.json()["version"] == first.json()["version"]
    submitted = put_record(
        phone, cid, plot=world["plot"].pk, values=values, submit=True, base_version=first.json()["version"]
    )
    assert submitted.status_code == 200 and submitted.json()["status"] == "submitted"
    twice = put_record(
        phone, cid, plot=world["plot"].pk, values=values, submit=True, base_version=first.json()["version"]
    )  # a double tap
    assert twice.status_code == 200
    record = CollectedRecord.objects.get(client_id=cid)
    assert CollectedRecord.objects.count() == 1 and record.status == "submitted"
    assert (record.holder_name, record.holder_birth_year, str(record.area_m2)) == ("Đặng Văn Hạnh", 1945, "230.80")


def test_only_the_keys_sent_are_changed(phone, world):
    cid = uuid.uuid4()
    v1 = put_record(phone, cid, plot=world["plot"].pk, values={"holder_name": "Đặng Văn Hạnh", "notes": "nhà số 3"})
    put_record(phone, cid, values={"area_m2": "230,8"}, base_version=v1.json()["version"])
    record = CollectedRecord.objects.get(client_id=cid)
    assert (record.holder_name, record.notes, str(record.area_m2)) == ("Đặng Văn Hạnh", "nhà số 3", "230.80")


def test_a_record_changed_on_the_server_is_a_conflict_with_both_versions(phone, world):
    cid = uuid.uuid4()
    v1 = put_record(phone, cid, plot=world["plot"].pk, values={"holder_name": "Đặng Văn Hạnh"}).json()["version"]
    CollectedRecord.objects.filter(client_id=cid).update(holder_name="Đặng Văn Hạnh (sửa bởi tổ trưởng)")
    mine = put_record(phone, cid, values={"holder_name": "Đặng Văn Hành"}, base_version=v1)
    assert mine.status_code == 409
    assert mine.json()["server"]["values"]["holder_name"] == "Đặng Văn Hạnh (sửa bởi tổ trưởng)"
    assert CollectedRecord.objects.get(client_id=cid).holder_name == "Đặng Văn Hạnh (sửa bởi tổ trưởng)"
    # The official keeps their own: sent again on the server's version.
    keep = put_record(
        phone, cid, values={"holder_name": "Đặng Văn Hành"}, base_version=mine.json()["server"]["version"]
    )
    assert keep.status_code == 200 and CollectedRecord.objects.get(client_id=cid).holder_name == "Đặng Văn Hành"


def test_a_returned_record_edited_offline_is_a_conflict(phone, world):
    cid = uuid.uuid4()
    v1 = put_record(phone, cid, plot=world["plot"].pk, values={"holder_name": "Đặng Văn Hạnh"}, submit=True)
    CollectedRecord.objects.filter(client_id=cid).update(status="returned")
    answer = put_record(
        phone, cid, values={"holder_name": "Đặng Văn Hành"}, submit=True, base_version=v1.json()["version"]
    )
    assert answer.status_code == 409 and answer.json()["server"]["status"] == "returned"


def test_bad_values_are_refused_field_by_field(phone, world):
    answer = put_record(phone, uuid.uuid4(), plot=world["plot"].pk, values={"holder_id_number": "BĐ 123456"})
    assert answer.status_code == 400 and "holder_id_number" in answer.json()["errors"]
    assert not CollectedRecord.objects.exists()


def test_another_communes_plot_or_someone_elses_record_is_not_found(phone, world, client):
    assert put_record(phone, uuid.uuid4(), plot=world["other"].pk).status_code == 404
    foreign = CollectedRecordFactory(former_commune=world["other"].former_commune)
    assert put_record(phone, foreign.client_id, plot=world["plot"].pk).status_code == 404


# --- photos in chunks (tus) --------------------------------------------------------------------


def photo() -> bytes:
    out = io.BytesIO()
    image = Image.effect_noise((1400, 1100), 60).convert("RGB")
    image.save(out, "JPEG", quality=85)
    return out.getvalue()


def metadata(**values) -> str:
    return ",".join(f"{k} {base64.b64encode(str(v).encode()).decode()}" for k, v in values.items())


def create_upload(client, record: CollectedRecord, data: bytes, scan_id=None, **overrides):
    scan_id = scan_id or uuid.uuid4()
    meta = {
        "record": record.client_id,
        "scan": scan_id,
        "kind": "cert_1",
        "filename": "gcn.jpg",
        "sha256": hashlib.sha256(data).hexdigest(),
        **overrides,
    }
    response = client.post(
        "/api/v1/field/uploads/", HTTP_UPLOAD_LENGTH=str(len(data)), HTTP_UPLOAD_METADATA=metadata(**meta), **TUS
    )
    return scan_id, response


def patch(client, scan_id, data: bytes, offset: int, *, checksum=True, **extra):
    headers = {"HTTP_UPLOAD_OFFSET": str(offset), **TUS, **extra}
    if checksum:
        headers["HTTP_UPLOAD_CHECKSUM"] = "sha256 " + base64.b64encode(hashlib.sha256(data).digest()).decode()
    return client.generic(
        "PATCH", f"/api/v1/field/uploads/{scan_id}/", data, content_type="application/offset+octet-stream", **headers
    )


@pytest.fixture
def draft(phone, world):
    cid = uuid.uuid4()
    put_record(phone, cid, plot=world["plot"].pk, values={"holder_name": "Đặng Văn Hạnh"})
    return CollectedRecord.objects.get(client_id=cid)


def test_a_photo_in_chunks_becomes_the_scan_with_the_phones_id(phone, draft, django_capture_on_commit_callbacks):
    data = photo()
    scan_id, created = create_upload(phone, draft, data)
    assert created.status_code == 201 and created["Location"] == f"/api/v1/field/uploads/{scan_id}/"
    chunk = 64 * 1024
    with django_capture_on_commit_callbacks(execute=True):
        for offset in range(0, len(data), chunk):
            answer = patch(phone, scan_id, data[offset : offset + chunk], offset)
            assert answer.status_code == 204, answer.content
            assert answer["Upload-Offset"] == str(min(offset + chunk, len(data)))
    scan = Scan.objects.get(pk=scan_id)
    assert scan.record == draft and scan.kind == "cert_1" and scan.status == Scan.Status.READY
    assert phone.get(f"/api/v1/field/uploads/{scan_id}/").json()["scan_status"] == "ready"
    # The chunks are gone from storage once the scan holds the file.
    from django.core.files.storage import default_storage

    assert all(not default_storage.exists(name) for name in ChunkedUpload.objects.get(pk=scan_id).chunks)


@pytest.mark.django_db(transaction=True)
def test_a_cut_in_the_middle_of_a_chunk_keeps_nothing_of_it_and_resumes(live_server, world):
    """A real connection closed after half of a chunk's bytes: the server keeps none of that chunk."""
    import http.client
    import socket
    from urllib.parse import urlparse

    from config.models import ApiToken

    _instance, token = ApiToken.objects.create(user=world["official"], name="test")
    cid = uuid.uuid4()
    from rest_framework.test import APIClient

    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    put_record(api, cid, plot=world["plot"].pk, values={"holder_name": "Đặng Văn Hạnh"})
    draft = CollectedRecord.objects.get(client_id=cid)
    data = photo()
    scan_id, _created = create_upload(api, draft, data)
    half = len(data) // 2
    assert patch(api, scan_id, data[:half], 0).status_code == 204

    host = urlparse(live_server.url)
    with socket.create_connection((host.hostname, host.port)) as sock:
        head = (
            f"PATCH /api/v1/field/uploads/{scan_id}/ HTTP/1.1\r\nHost: {host.netloc}\r\n"
            f"Authorization: Token {token}\r\nTus-Resumable: 1.0.0\r\nUpload-Offset: {half}\r\n"
            f"Content-Type: application/offset+octet-stream\r\nContent-Length: {len(data) - half}\r\n\r\n"
        )
        sock.sendall(head.encode() + data[half : half + 3000])  # then the signal drops
    connection = http.client.HTTPConnection(host.hostname, host.port, timeout=10)
    for _attempt in range(50):  # the server notices the cut when its read comes back short
        connection.request("HEAD", f"/api/v1/field/uploads/{scan_id}/", headers={"Authorization": f"Token {token}"})
        answer = connection.getresponse()
        answer.read()
        assert answer.headers["Upload-Offset"] == str(half)
        if not ChunkedUpload.objects.filter(pk=scan_id, offset__gt=half).exists():
            break
    assert patch(api, scan_id, data[half:], half).status_code == 204
    assert Scan.objects.filter(pk=scan_id).exists()


def test_a_wrong_offset_a_bad_checksum_and_a_corrupted_file(phone, draft):
    data = photo()
    scan_id, _created = create_upload(phone, draft, data)
    assert patch(phone, scan_id, data[:100], 50).status_code == 409
    bad = patch(
        phone,
        scan_id,
        data[:100],
        0,
        checksum=False,
        HTTP_UPLOAD_CHECKSUM="sha256 " + base64.b64encode(b"\0" * 32).decode(),
    )
    assert bad.status_code == 460
    other, _created = create_upload(phone, draft, data, sha256="0" * 64)
    assert patch(phone, other, data, 0).status_code == 460  # the whole file differs from the phone's
    assert ChunkedUpload.objects.get(pk=other).offset == 0 and not Scan.objects.filter(pk=other).exists()


def test_creation_is_idempotent_and_checks_size_and_record_first(phone, draft, settings, world):
    data = photo()
    scan_id, first = create_upload(phone, draft, data)
    _same, again = create_upload(phone, draft, data, scan_id=scan_id)
    assert first.status_code == again.status_code == 201 and ChunkedUpload.objects.count() == 1
    settings.SCAN_MAX_BYTES = len(data) - 1
    assert create_upload(phone, draft, data)[1].status_code == 413
    settings.SCAN_MAX_BYTES = 25 * 1024 * 1024
    unknown = CollectedRecord(client_id=uuid.uuid4())
    assert create_upload(phone, unknown, data)[1].status_code == 409  # the record is not on the server yet
    CollectedRecord.objects.filter(pk=draft.pk).update(status="submitted")
    assert create_upload(phone, draft, data)[1].status_code == 409


def test_another_users_upload_is_not_found(phone, draft, client, world):
    data = photo()
    scan_id, _created = create_upload(phone, draft, data)
    colleague = user_with_scope(Role.OFFICIAL, commune=world["former"].commune)
    client.force_login(colleague)
    assert client.head(f"/api/v1/field/uploads/{scan_id}/", **TUS).status_code == 404
    assert patch(client, scan_id, data, 0).status_code == 404
