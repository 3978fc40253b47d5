"""REST API v1: scope endpoint by endpoint (session and token), masking, page size cap, writes, schema."""

from __future__ import annotations

import hashlib
import io

import pytest
from django.core.files.base import ContentFile
from PIL import Image
from rest_framework.test import APIClient

from collection.models import CollectedRecord, DocumentAccess, Scan
from config.models import ApiToken
from tests.factories import PlotFactory
from tests.reports.campaign import CCCD_MALE_1960, EXPECTED
from tests.reports.factories import FlagFactory, ScanFactory
from verification.models import Flag, FlagStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def scan_b(campaign):
    out = io.BytesIO()
    Image.new("RGB", (20, 20), (9, 9, 9)).save(out, "JPEG")
    data = out.getvalue()
    return ScanFactory(
        record=campaign.records["b1"], file=ContentFile(data, name="b.jpg"), sha256=hashlib.sha256(data).hexdigest()
    )


@pytest.fixture
def scan_a(campaign):
    out = io.BytesIO()
    Image.new("RGB", (20, 20), (200, 9, 9)).save(out, "JPEG")
    data = out.getvalue()
    return ScanFactory(
        record=campaign.records["a1"], file=ContentFile(data, name="a.jpg"), sha256=hashlib.sha256(data).hexdigest()
    )


def token_client(user) -> APIClient:
    client = APIClient()
    _instance, token = ApiToken.objects.create(user=user, name="test")
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def session_client(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


@pytest.fixture(params=["token", "session"])
def as_official_a(request, campaign):
    return (token_client if request.param == "token" else session_client)(campaign.official_a)


def _ids(response) -> set:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def test_anonymous_is_refused(campaign):
    assert APIClient().get("/api/v1/plots/").status_code in (401, 403)


def test_plots_scope(as_official_a, campaign):
    p = campaign.plots
    assert _ids(as_official_a.get("/api/v1/plots/")) == {p[k].pk for k in ("a1", "a2", "a3", "a4", "a5")}
    assert as_official_a.get(f"/api/v1/plots/{p['b1'].pk}/").status_code == 404
    assert as_official_a.get(f"/api/v1/plots/{p['a1'].pk}/").status_code == 200
    assert _ids(as_official_a.get("/api/v1/plots/", {"commune": "20001"})) == set()


def test_plot_filters_and_masking(campaign):
    client = token_client(campaign.official_a)
    rows = client.get("/api/v1/plots/", {"old_commune": "10001", "map_sheet": "01", "plot_number": "1"}).json()
    assert rows["count"] == 1
    owner = rows["results"][0]["land_users"][0]
    assert owner["id_number"] == "•••••••••345"
    reviewer = token_client(campaign.reviewer_a)
    full = reviewer.get(f"/api/v1/plots/{campaign.plots['a1'].pk}/").json()
    assert full["land_users"][0]["id_number"] == CCCD_MALE_1960


def test_records_scope(as_official_a, campaign):
    r = campaign.records
    ids = _ids(as_official_a.get("/api/v1/records/"))
    assert r["b1"].pk not in ids and r["a1"].pk in ids and r["a_missing"].pk in ids
    assert as_official_a.get(f"/api/v1/records/{r['b1'].pk}/").status_code == 404
    detail = as_official_a.get(f"/api/v1/records/{r['a1'].pk}/").json()
    assert detail["holder_id_number"] == "•••••••••345"


def test_scans_scope_and_download(campaign, scan_a, scan_b):
    client = token_client(campaign.official_a)
    assert _ids(client.get("/api/v1/scans/")) == {str(scan_a.pk)}
    assert client.get(f"/api/v1/scans/{scan_b.pk}/").status_code == 404
    assert client.get(f"/api/v1/scans/{scan_b.pk}/download/").status_code == 404
    response = client.get(f"/api/v1/scans/{scan_a.pk}/download/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == scan_a.file.open("rb").read()
    assert DocumentAccess.objects.filter(scan=scan_a, user=campaign.official_a, action="api").count() == 1
    assert not DocumentAccess.objects.filter(scan=scan_b).exists()


def test_flags_scope(campaign):
    client = token_client(campaign.official_a)
    ids = _ids(client.get("/api/v1/flags/"))
    b_flag = Flag.objects.get(commune_id="20001")
    assert b_flag.pk not in ids and len(ids) == 3
    assert client.get(f"/api/v1/flags/{b_flag.pk}/").status_code == 404
    assert _ids(client.get("/api/v1/flags/", {"status": "open"})) == set(
        Flag.objects.filter(commune_id="10001", status="open").values_list("pk", flat=True)
    )


def test_reports_scope(campaign):
    client = token_client(campaign.official_a)
    assert client.get("/api/v1/reports/").json() == [EXPECTED["10001"]]
    assert client.get("/api/v1/reports/10001/").json() == EXPECTED["10001"]
    assert client.get("/api/v1/reports/20001/").status_code == 404
    assert token_client(campaign.admin).get("/api/v1/reports/").json() == [EXPECTED["10001"], EXPECTED["20001"]]


def test_reviewer_token_sees_only_branch(campaign):
    client = token_client(campaign.reviewer_a)
    assert campaign.plots["b1"].pk not in _ids(client.get("/api/v1/plots/"))
    assert client.get(f"/api/v1/records/{campaign.records['b1'].pk}/").status_code == 404


def test_page_size_of_a_million_is_capped(campaign):
    fa = campaign.plots["a1"].former_commune
    PlotFactory.create_batch(520, former_commune=fa, map_sheet="7")
    response = token_client(campaign.admin).get("/api/v1/plots/", {"limit": 1_000_000})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 527 and len(body["results"]) == 500 and body["next"]


def test_default_page_size(campaign):
    body = token_client(campaign.admin).get("/api/v1/plots/").json()
    assert body["count"] == 7 and len(body["results"]) == 7 and body["next"] is None


def test_record_create_update_submit(campaign, django_capture_on_commit_callbacks):
    client = token_client(campaign.official_a)
    plot = campaign.plots["a5"]  # already has a draft: it is reopened
    response = client.post("/api/v1/records/", {"plot": plot.pk}, format="json")
    assert response.status_code == 200 and response.json()["id"] == campaign.records["a_draft"].pk
    new = client.post("/api/v1/records/", {"plot": campaign.plots["a3"].pk}, format="json")
    assert new.status_code == 201
    record = new.json()
    bad = client.patch(
        f"/api/v1/records/{record['id']}/", {"version": record["version"], "holder_id_number": "12345"}, format="json"
    )
    assert bad.status_code == 400 and "holder_id_number" in bad.json()
    saved = client.patch(
        f"/api/v1/records/{record['id']}/",
        {"version": record["version"], "holder_name": "Phạm Văn Dũng", "holder_birth": "1960"},
        format="json",
    )
    assert saved.status_code == 200, saved.content
    assert saved.json()["holder_birth_year"] == 1960
    stale = client.post(f"/api/v1/records/{record['id']}/submit/", {"version": record["version"]}, format="json")
    assert stale.status_code == 409
    with django_capture_on_commit_callbacks(execute=False):
        done = client.post(
            f"/api/v1/records/{record['id']}/submit/", {"version": saved.json()["version"]}, format="json"
        )
    assert done.status_code == 200 and done.json()["status"] == "submitted"
    assert CollectedRecord.objects.get(pk=record["id"]).status == "submitted"


def test_record_create_outside_scope_is_404(campaign):
    client = token_client(campaign.official_a)
    assert client.post("/api/v1/records/", {"plot": campaign.plots["b1"].pk}, format="json").status_code == 404
    reviewer = token_client(campaign.reviewer_a)
    assert reviewer.post("/api/v1/records/", {"plot": campaign.plots["a1"].pk}, format="json").status_code == 403


def test_scan_upload_through_the_service(campaign, django_capture_on_commit_callbacks):
    client = token_client(campaign.official_a)
    draft = campaign.records["a_draft"]
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (10, 120, 30)).save(out, "JPEG")
    out.name = "gcn.jpg"
    out.seek(0)
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(
            f"/api/v1/records/{draft.pk}/scans/", {"file": out, "kind": "cert_1"}, format="multipart"
        )
    assert response.status_code == 201, response.content
    assert Scan.objects.filter(record=draft).count() == 1
    junk = io.BytesIO(b"not an image")
    junk.name = "x.jpg"
    assert (
        client.post(
            f"/api/v1/records/{draft.pk}/scans/", {"file": junk, "kind": "cert_1"}, format="multipart"
        ).status_code
        == 400
    )
    other = token_client(campaign.official_b)
    junk.seek(0)
    assert (
        other.post(
            f"/api/v1/records/{draft.pk}/scans/", {"file": junk, "kind": "cert_1"}, format="multipart"
        ).status_code
        == 404
    )


def test_flag_decision(campaign):
    flag = FlagFactory(
        record=campaign.records["a2"], code="CERTIFICATE_STATUS", field="certificate_status", severity="low"
    )
    reviewer = token_client(campaign.reviewer_a)
    official = token_client(campaign.official_a)
    url = f"/api/v1/flags/{flag.pk}/decide/"
    assert official.post(url, {"decision": "keep", "version": 1}, format="json").status_code == 403
    assert (
        token_client(campaign.official_b).post(url, {"decision": "keep", "version": 1}, format="json").status_code
        == 404
    )
    response = reviewer.post(url, {"decision": "keep", "version": 1}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "kept" and response.json()["version"] == 2
    stale = reviewer.post(url, {"decision": "dismiss", "version": 1, "note": "x"}, format="json")
    assert stale.status_code == 409
    assert Flag.objects.get(pk=flag.pk).status == FlagStatus.KEPT


def test_schema_validates_and_docs_page(campaign):
    from django.core.management import call_command

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", "/dev/null")
    client = session_client(campaign.admin)
    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    for path in (
        "/api/v1/plots/",
        "/api/v1/records/{id}/submit/",
        "/api/v1/scans/{id}/download/",
        "/api/v1/flags/{id}/decide/",
        "/api/v1/reports/{code}/",
    ):
        assert path in paths
    assert client.get("/api/v1/docs/").status_code == 200
    assert client.get("/api/v1/redoc/").status_code == 404  # ReDoc would need inline styles


@pytest.mark.parametrize("url", ["/api/v1/records/?plot={}", "/api/v1/scans/?record={}", "/api/v1/flags/?record={}"])
@pytest.mark.parametrize("number", ["9" * 20, "-" + "9" * 20, str(2**63)])
def test_an_id_filter_beyond_a_bigint_is_a_400_not_a_500(campaign, url, number):
    """A key out of a bigint's range made SQLite (OverflowError) and PostgreSQL (DataError) answer 500."""
    response = token_client(campaign.admin).get(url.format(number))
    assert response.status_code == 400
    assert response.json() == {url.split("?")[1].split("=")[0]: ["Giá trị không hợp lệ."]}


def test_an_id_filter_at_the_edge_of_a_bigint_is_accepted(campaign):
    response = token_client(campaign.admin).get(f"/api/v1/records/?plot={2**63 - 1}")
    assert response.status_code == 200 and response.json()["count"] == 0
