"""The call-back list (issue 17.4): who to visit or call again and why, per official; XLSX; bounded."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.urls import reverse

from collection.models import CertificateStatus, CollectedRecord, ExportLog, PlotAssignment, Role, ScanKind
from reports import callbacks
from tests.factories import (
    AssignmentFactory,
    CollectedRecordFactory,
    FormerCommuneFactory,
    LandUserFactory,
    PlotFactory,
    user_with_scope,
)
from tests.reports.factories import FlagFactory, ScanFactory
from verification.models import FlagStatus

pytestmark = pytest.mark.django_db
Status = CollectedRecord.Status


@pytest.fixture
def ward():
    fa = FormerCommuneFactory()
    AssignmentFactory(former_commune=fa, commune=fa.commune)
    fb = FormerCommuneFactory()
    lan = user_with_scope(Role.OFFICIAL, commune=fa.commune, username="lan")
    minh = user_with_scope(Role.OFFICIAL, commune=fa.commune, username="minh")
    leader = user_with_scope(Role.GROUP_LEADER, commune=fa.commune, username="totruong")

    def rec(former=fa, hamlet="Thôn Đông", assigned_to=None, **kw):
        plot = PlotFactory(former_commune=former, address=f"{hamlet}, xã X")
        LandUserFactory(plot=plot)
        kw.setdefault("collected_by", "lan")
        kw.setdefault("collected_by_user", lan)
        record = CollectedRecordFactory(former_commune=former, plot=plot, plot_number=plot.plot_number, **kw)
        if assigned_to:
            PlotAssignment.objects.create(plot=plot, official=assigned_to)
        return record

    r = {
        "mortgaged": rec(certificate_status=CertificateStatus.MORTGAGED),
        "mortgaged_with_photo": rec(certificate_status=CertificateStatus.MORTGAGED),
        "far_away": rec(owner_far_away=True, hamlet="Thôn Tây", assigned_to=minh),
        "missing": rec(),
        "returned": rec(status=Status.RETURNED, hamlet="Thôn Tây"),
        "fine": rec(),
        "b": rec(former=fb, certificate_status=CertificateStatus.MORTGAGED, collected_by="x", collected_by_user=None),
    }
    ScanFactory(record=r["mortgaged_with_photo"], kind=ScanKind.CERT_PAGE_1, sha256="a" * 64)
    FlagFactory(record=r["missing"], code="MISSING_DOCUMENTS", field="", status=FlagStatus.OPEN)
    return {"r": r, "lan": lan, "minh": minh, "leader": leader}


def test_who_and_why(ward):
    r = ward["r"]
    rows = {row.record.pk: row for row in callbacks.call_backs(ward["leader"])}
    assert set(rows) == {r["mortgaged"].pk, r["far_away"].pk, r["missing"].pk, r["returned"].pk}
    assert rows[r["mortgaged"].pk].reasons == [callbacks.MORTGAGED]
    assert rows[r["far_away"].pk].reasons == [callbacks.FAR_AWAY]
    assert rows[r["far_away"].pk].official == "minh"  # the plot's official, not who collected it
    assert rows[r["missing"].pk].reasons == [callbacks.MISSING]
    assert rows[r["returned"].pk].reasons == [callbacks.RETURNED]
    assert rows[r["returned"].pk].hamlet == "Thôn Tây"
    # A hamlet for the meeting, an official's own list.
    assert {row.record.pk for row in callbacks.call_backs(ward["leader"], hamlet="thôn tây")} == {
        r["far_away"].pk,
        r["returned"].pk,
    }
    assert {row.record.pk for row in callbacks.call_backs(ward["minh"])} == {r["far_away"].pk}
    assert {row.record.pk for row in callbacks.call_backs(ward["leader"], official="minh")} == {r["far_away"].pk}


def test_page_xlsx_and_log(client, ward, django_assert_max_num_queries):
    client.force_login(ward["leader"])
    with django_assert_max_num_queries(12):
        html = client.get(reverse("reports:callbacks")).content.decode()
    assert html.count('data-record="') == 4 and "GCN đang thế chấp" in html and "data-print" in html
    response = client.get(reverse("reports:callbacks_xlsx"), {"hamlet": "Thôn Đông"})
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0][0] == "Cán bộ phụ trách" and len(values) == 3  # header, the mortgaged and the missing
    log = ExportLog.objects.get()
    assert (log.kind, log.rows, log.people, log.user) == ("callbacks_xlsx", 2, 2, ward["leader"])


def test_bounded_at_many_rows(client, ward, django_assert_max_num_queries):
    fa = ward["r"]["mortgaged"].former_commune
    for _ in range(60):
        plot = PlotFactory(former_commune=fa, address="Thôn Bắc")
        CollectedRecordFactory(
            former_commune=fa,
            plot=plot,
            plot_number=plot.plot_number,
            owner_far_away=True,
            collected_by_user=ward["lan"],
        )
    client.force_login(ward["leader"])
    with django_assert_max_num_queries(12):
        html = client.get(reverse("reports:callbacks")).content.decode()
    assert html.count('data-record="') == 64
    reviewer = user_with_scope(Role.REVIEWER, branch=fa.commune.branch)
    client.force_login(reviewer)
    assert client.get(reverse("reports:callbacks")).status_code == 403
