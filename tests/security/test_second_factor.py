"""Optional second factor (TOTP) for reviewers and admins: OTP_REQUIRED_ROLES turns it on."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from collection.models import Role
from tests.factories import CommuneFactory, user_with_scope

PASSWORD = "mat-khau-123"


def _code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift):06d}"


def _logged_in(user) -> Client:
    client = Client()
    response = client.post("/dang-nhap/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    return client


@pytest.fixture
def users(db):
    commune = CommuneFactory()
    return {
        "reviewer": user_with_scope(Role.REVIEWER, branch=commune.branch, username="vpdk-2fa"),
        "official": user_with_scope(Role.OFFICIAL, commune=commune, username="canbo-2fa"),
    }


@pytest.fixture
def required(settings):
    settings.OTP_REQUIRED_ROLES = ["reviewer", "admin"]


def test_off_by_default_nobody_is_asked(users):
    client = _logged_in(users["reviewer"])
    assert client.get("/kiem-tra/").status_code == 200


def test_reviewer_enrols_then_confirms_a_code_once_per_login(users, required):
    client = _logged_in(users["reviewer"])
    response = client.get("/kiem-tra/")
    assert response.status_code == 302 and response["Location"].startswith("/xac-thuc-2-buoc/?next=")
    assert client.get("/api/v1/plots/").status_code == 302  # session API calls too
    page = client.get(response["Location"])
    assert page.status_code == 200 and "otp-secret" in page.content.decode()
    device = TOTPDevice.objects.get(user=users["reviewer"], confirmed=False)

    wrong = client.post(
        "/xac-thuc-2-buoc/", {"token": "000000" if _code(device) != "000000" else "111111", "next": "/kiem-tra/"}
    )
    assert wrong.status_code == 200 and "Mã không đúng" in wrong.content.decode()
    device.refresh_from_db()
    device.throttling_failure_count = 0  # django-otp slows down after a failure; the next code is right
    device.throttling_failure_timestamp = None
    device.save()
    ok = client.post("/xac-thuc-2-buoc/", {"token": _code(device), "next": "/kiem-tra/"})
    assert ok.status_code == 302 and ok["Location"] == "/kiem-tra/"
    assert client.get("/kiem-tra/").status_code == 200
    device.refresh_from_db()
    assert device.confirmed

    # A new login asks again (no new enrolment: the confirmed device is used).
    again = _logged_in(users["reviewer"])
    assert again.get("/kiem-tra/").status_code == 302
    assert "otp-secret" not in again.get("/xac-thuc-2-buoc/").content.decode()
    assert TOTPDevice.objects.filter(user=users["reviewer"]).count() == 1


def test_officials_are_not_asked(users, required):
    assert _logged_in(users["official"]).get("/thu-thap/thua-dat/").status_code == 200


def test_an_api_token_made_after_the_code_works_without_asking_again(users, required):
    client = _logged_in(users["reviewer"])
    client.get("/xac-thuc-2-buoc/")
    device = TOTPDevice.objects.get(user=users["reviewer"])
    assert client.post("/xac-thuc-2-buoc/", {"token": _code(device), "next": "/"}).status_code == 302
    page = client.post("/tai-khoan/khoa-api/", {"name": "báo cáo"})
    key = re.search(r'id="new-token-value">([0-9a-f]+)<', page.content.decode()).group(1)
    assert Client(HTTP_AUTHORIZATION=f"Token {key}").get("/api/v1/plots/").status_code == 200


def test_the_next_address_cannot_send_the_user_elsewhere(users, required):
    client = _logged_in(users["reviewer"])
    client.get("/xac-thuc-2-buoc/")
    device = TOTPDevice.objects.get(user=users["reviewer"])
    response = client.post("/xac-thuc-2-buoc/", {"token": _code(device), "next": "https://evil.example/"})
    assert response.status_code == 302 and response["Location"] == "/"


def test_logout_stays_reachable_before_the_code(users, required):
    client = _logged_in(users["reviewer"])
    assert client.post("/dang-xuat/").status_code == 302
    assert client.get("/kiem-tra/")["Location"].startswith("/dang-nhap/")
