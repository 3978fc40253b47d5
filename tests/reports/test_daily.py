"""The leaders' daily report (issue 17.5): page, XLSX, the morning e-mail; bounded queries."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from django.core import mail
from django.urls import reverse

from collection.models import CampaignPeriod, Role
from reports import daily
from tests.factories import user_with_scope

pytestmark = pytest.mark.django_db
DAY = dt.date(2025, 10, 10)


@pytest.fixture
def paced(campaign):
    CampaignPeriod.objects.create(commune=campaign.a, starts_on=dt.date(2025, 10, 1))
    CampaignPeriod.objects.create(commune=campaign.b, starts_on=dt.date(2025, 10, 1))
    return campaign


def test_province_and_commune_reports(paced):
    from collection.scope import Area, user_area

    report = daily.province_report(Area.province(), title="Toàn tỉnh", day=DAY)
    summary = dict(daily.summary_values(report))
    assert summary["Chỉ tiêu"] == 11 and summary["Đã thu thập"] == 6 and summary["Sai lệch chưa xử lý"] == 3
    assert [row.code for row in report.behind] == ["20001", "10001"]
    assert len(report.oldest_flags) == 3  # open and returned, oldest first
    commune = daily.commune_report(paced.a, user_area(paced.official_a, commune="10001"), day=DAY)
    assert commune.pace is not None and commune.pace.pace.target == 3
    assert {f.commune_id for f in commune.oldest_flags} == {"10001"}


def test_pages_and_xlsx(client, paced, django_assert_max_num_queries, settings):
    settings.REPORTS_CACHE_SECONDS = 0
    client.force_login(paced.admin)
    with django_assert_max_num_queries(25):
        html = client.get(reverse("reports:daily")).content.decode()
    assert 'id="daily-behind"' in html and 'data-unit="20001"' in html
    response = client.get(reverse("reports:daily_xlsx"), {"xa": "10001"})
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert book.sheetnames == ["Tóm tắt", "Chậm nhất", "Sai lệch lâu nhất"]
    assert book["Tóm tắt"]["A1"].value == "Phường An Bình"
    # An official gets their own commune's report whatever they ask; another commune's is not theirs.
    client.force_login(paced.official_b)
    html = client.get(reverse("reports:daily"), {"xa": "10001"}).content.decode()
    assert "Xã Bình Minh" in html and "Phường An Bình" not in html


def test_morning_mail_only_when_enabled(paced, settings):
    leader = user_with_scope(Role.GROUP_LEADER, commune=paced.a, username="totruong")
    leader.email = "totruong@xa.gov.vn"
    leader.save()
    paced.admin.email = "tinh@tinh.gov.vn"
    paced.admin.save()
    settings.DAILY_REPORT_EMAIL = False
    assert daily.send_daily_reports(day=DAY) == 0 and not mail.outbox
    settings.DAILY_REPORT_EMAIL = True
    assert daily.send_daily_reports(day=DAY) == 2
    subjects = sorted(m.subject for m in mail.outbox)
    assert subjects == ["Báo cáo ngày 10/10/2025 — Phường An Bình", "Báo cáo ngày 10/10/2025 — Toàn tỉnh"]
    body = next(m.body for m in mail.outbox if "Toàn tỉnh" in m.subject)
    assert "Chỉ tiêu: 11" in body and "Xã Bình Minh" in body
