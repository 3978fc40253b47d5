"""The admin in Vietnamese, Django's and the third-party apps' pages included, whatever the browser asks.

Django's own Vietnamese lacks its newer admin strings, django-axes, django-otp, django-rest-knox and
django-import-export ship none: locale_thirdparty/ (tools/thirdparty_messages.py) fills the gaps, and
config.apps / config.admin / config.thirdparty make translatable what those packages wrote as plain
English (app names, django-otp's model texts and fieldsets, axes' row names).
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from config.models import ApiToken
from landdata.models import ImportBatch
from tests.factories import UserFactory

ROOT = Path(settings.BASE_DIR)
CATALOGUE = ROOT / "locale_thirdparty" / "vi" / "LC_MESSAGES"
PLACEHOLDER = re.compile(r"%\(\w+\)[-#0 +]*\d*(?:\.\d+)?[sdifr]|%%|%[sd]|\{\w*\}")

# What these pages said in English before (Django's defaults, the packages' own words).
ENGLISH = [
    "Django site admin",
    "Django administration",
    "Site administration",
    "Access attempts",
    "Access logs",
    "Access failures",
    "Attempted Access",
    "Access Log for",
    "Failed access",
    "Attempt Remaining",
    "TOTP devices",
    "TOTP device",
    "Otp_Totp",
    "Axes",
    "Auth Token",
    "Tokens",
    "Imported by",
    "Skip to main content",
    "Toggle theme",
    "Show counts",
    "Filter navigation items",
    "Models in the",
    "Identity",
    "Timestamps",
    "Throttling",
    "The human-readable name of this device",
    "File to import",
    "This exporter will export",
    "Area M2",
    "Plot Number",
    "Export",
    "Import",
    "+00:00",
]


def visible_text(body: str) -> str:
    """The page as a person reads it: text between tags, and the titles and labels of elements."""
    body = re.sub(r"(?s)<script.*?</script>|<style.*?</style>", " ", body)
    texts = re.findall(r">([^<]+)<", body)
    texts += re.findall(r'(?:title|aria-label|placeholder)="([^"]*)"', body)
    texts += re.findall(r'<input type="submit"[^>]*value="([^"]*)"', body)
    return "\n".join(html.unescape(t).strip() for t in texts if t.strip())


@pytest.fixture
def admin_in_english_browser(client):
    user = UserFactory(username="quantri-vi", is_superuser=True, is_staff=True, email="qt@example.com")
    user.save()
    client.force_login(user)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en-US,en;q=0.9"
    TOTPDevice.objects.create(user=user, name="điện thoại")
    ApiToken.objects.create(user=user, name="báo cáo tuần")
    common = {"ip_address": "10.0.0.1", "user_agent": "Mozilla", "path_info": "/dang-nhap/", "http_accept": "*/*"}
    AccessAttempt.objects.create(username="canbo", failures_since_start=2, get_data="", post_data="", **common)
    AccessLog.objects.create(username="quantri-vi", **common)
    AccessFailureLog.objects.create(username="canbo", **common)
    ImportBatch.objects.create(kind="registry", file_name="a.csv", sha256="0" * 64, imported_by=user)
    return client


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    assert response.headers["Content-Language"] == "vi", url
    return visible_text(response.content.decode())


THIRD_PARTY_LISTS = [
    "otp_totp_totpdevice",
    "portal_apitoken",
    "axes_accessattempt",
    "axes_accesslog",
    "axes_accessfailurelog",
    "auth_user",
    "auth_group",
    "landdata_importbatch",
    "landdata_plot",  # django-import-export's buttons
    "landdata_province",
]


@pytest.mark.django_db
def test_admin_index_is_vietnamese(admin_in_english_browser):
    text = page(admin_in_english_browser, reverse("admin:index"))
    for english in ENGLISH:
        assert english not in text, english
    for vietnamese in (
        "Quản trị cổng dữ liệu đất đai",
        "Chặn đăng nhập sai nhiều lần",
        "Các lần thử đăng nhập",
        "Xác thực hai bước (mã TOTP)",
        "Thiết bị xác thực hai bước (TOTP)",
        "Khoá truy cập API",
        "Bỏ qua, đến nội dung chính",
    ):
        assert vietnamese in text, vietnamese


@pytest.mark.django_db
@pytest.mark.parametrize("name", THIRD_PARTY_LISTS)
def test_third_party_lists_and_pages_are_vietnamese(admin_in_english_browser, name):
    model_name = name.rsplit("_", 1)[1]
    texts = [page(admin_in_english_browser, reverse(f"admin:{name}_changelist"))]
    model = {
        "totpdevice": TOTPDevice,
        "apitoken": ApiToken,
        "accessattempt": AccessAttempt,
        "accesslog": AccessLog,
        "accessfailurelog": AccessFailureLog,
        "importbatch": ImportBatch,
    }.get(model_name)
    if model is not None:
        obj = model.objects.first()
        pk = obj.pk
        texts.append(page(admin_in_english_browser, reverse(f"admin:{name}_change", args=[pk])))
    for text in texts:
        for english in ENGLISH:
            assert english not in text, (name, english)


@pytest.mark.django_db
def test_third_party_pages_use_their_vietnamese_names(admin_in_english_browser):
    client = admin_in_english_browser
    totp = page(client, reverse("admin:otp_totp_totpdevice_change", args=[TOTPDevice.objects.get().pk]))
    assert "Tên dễ nhận biết của thiết bị." in totp and "Hạn chế khi nhập sai" in totp
    attempts = page(client, reverse("admin:axes_accessattempt_changelist"))
    assert "còn 3 lần thử" in attempts and "Xoá các lần thử đã hết hạn" in attempts
    attempt = page(client, reverse("admin:axes_accessattempt_change", args=[AccessAttempt.objects.get().pk]))
    assert "Lần đăng nhập sai của canbo, lúc" in attempt
    assert "Người nhập" in page(client, reverse("admin:landdata_importbatch_changelist"))
    export = page(client, reverse("admin:landdata_plot_export"))
    assert "Diện tích (m²) (area_m2)" in export and "Xuất ra tệp" in export
    imports = page(client, reverse("admin:landdata_province_import"))
    assert "Tệp cần nhập" in imports and "Định dạng" in imports


@pytest.mark.django_db
def test_a_user_who_chose_english_gets_the_admin_in_english(admin_in_english_browser):
    client = admin_in_english_browser
    client.post(reverse("set_language"), {"language": "en", "next": reverse("admin:index")})
    response = client.get(reverse("admin:axes_accessattempt_changelist"))
    assert response.headers["Content-Language"] == "en"
    assert "Access attempts" in response.content.decode()


# --- the catalogue itself -----------------------------------------------------------------------


@pytest.mark.parametrize("domain", ["django", "djangojs"])
def test_thirdparty_catalogue_is_complete_and_compiled(domain):
    po = polib.pofile(str(CATALOGUE / f"{domain}.po"))
    assert po.metadata["Language"] == "vi" and po.metadata["Plural-Forms"] == "nplurals=1; plural=0;"
    entries = [e for e in po if not e.obsolete]
    assert entries and [e.msgid for e in entries if not e.translated() or e.fuzzy] == []
    for entry in entries:
        target = entry.msgstr_plural[0] if entry.msgid_plural else entry.msgstr
        assert sorted(set(PLACEHOLDER.findall(entry.msgid))) == sorted(set(PLACEHOLDER.findall(target))), entry.msgid
    compiled = {
        (e.msgctxt, e.msgid): e.msgstr or e.msgstr_plural.get(0) for e in polib.mofile(str(CATALOGUE / f"{domain}.mo"))
    }
    assert {(e.msgctxt, e.msgid): e.msgstr_plural[0] if e.msgid_plural else e.msgstr for e in entries} == {
        key: value for key, value in compiled.items() if key[1]
    }


def test_thirdparty_catalogue_is_second_in_locale_paths():
    assert [Path(p) for p in settings.LOCALE_PATHS] == [ROOT / "locale", ROOT / "locale_thirdparty"]


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="gettext's xgettext is not installed")
def test_thirdparty_catalogue_is_up_to_date_with_the_installed_packages():
    run = subprocess.run(
        [sys.executable, "tools/thirdparty_messages.py", "--check"], cwd=ROOT, capture_output=True, text=True
    )
    assert run.returncode == 0, run.stdout + run.stderr


@pytest.mark.django_db
def test_a_missing_totp_device_is_not_found_not_a_server_error(admin_in_english_browser):
    client = admin_in_english_browser
    missing = TOTPDevice.objects.order_by("-pk").first().pk + 1000
    for view in ("admin:otp_totp_totpdevice_config", "admin:otp_totp_totpdevice_qrcode"):
        assert client.get(reverse(view, args=[missing])).status_code == 404, view
    assert client.get(reverse("admin:otp_totp_totpdevice_config", args=[missing - 1000])).status_code == 200
