"""Every user changes their own password; an admin's reset gives a one-time link; a password someone else
chose must be replaced before anything else, and before enrolling the second factor (issue 15, item 10)."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from collection.models import Role
from config.models import ApiToken, UserPreference
from tests.factories import CommuneFactory, UserFactory, user_with_scope

pytestmark = pytest.mark.django_db

PASSWORD = "mat-khau-123"
NEW = "Ruong-lua-2026-xanh"
LINK = re.compile(r"<code>(https?://[^<]+/tai-khoan/dat-lai/[^<]+)</code>")


@pytest.fixture
def commune():
    return CommuneFactory()


@pytest.fixture
def official(commune):
    return user_with_scope(Role.OFFICIAL, commune=commune, username="canbo-matkhau")


@pytest.fixture
def admin_client():
    client = Client()
    user = UserFactory(username="quantri-matkhau", is_superuser=True, is_staff=True)
    user.save()
    client.force_login(user)
    return client


def _login(username: str, password: str) -> Client:
    client = Client()
    response = client.post("/dang-nhap/", {"username": username, "password": password})
    assert response.status_code == 302, response.content.decode()[:500]
    return client


def _reset(admin_client: Client, user) -> str:
    response = admin_client.post(
        "/quan-tri/auth/user/", {"action": "reset_password", "_selected_action": [user.pk], "index": 0}
    )
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    links = LINK.findall(response.content.decode())
    assert len(links) == 1
    return links[0].replace("&amp;", "&")


def test_every_user_can_change_their_password_from_the_menu(official):
    client = _login(official.username, PASSWORD)
    assert 'href="/tai-khoan/mat-khau/"' in client.get("/").content.decode()
    page = client.get("/tai-khoan/mat-khau/")
    assert page.status_code == 200 and "Mật khẩu hiện tại" in page.content.decode()
    wrong = client.post("/tai-khoan/mat-khau/", {"old_password": "sai", "new_password1": NEW, "new_password2": NEW})
    assert wrong.status_code == 200
    done = client.post("/tai-khoan/mat-khau/", {"old_password": PASSWORD, "new_password1": NEW, "new_password2": NEW})
    assert done.status_code == 302
    assert client.get("/").status_code == 200  # still signed in
    _login(official.username, NEW)


def test_an_admin_reset_gives_a_one_time_link_and_ends_the_old_password(admin_client, official):
    session = _login(official.username, PASSWORD)
    _instance, token = ApiToken.objects.create(user=official, name="cũ")
    link = _reset(admin_client, official)
    official.refresh_from_db()
    assert not official.has_usable_password()
    assert session.get("/")["Location"].startswith("/dang-nhap/")  # the open session ended
    assert Client().post("/dang-nhap/", {"username": official.username, "password": PASSWORD}).status_code == 200
    assert Client(HTTP_AUTHORIZATION=f"Token {token}").get("/api/v1/plots/").status_code == 401

    citizen = Client()
    form = citizen.get(link, follow=True)
    assert form.status_code == 200 and "new_password1" in form.content.decode()
    set_url = form.redirect_chain[-1][0] if form.redirect_chain else link
    assert citizen.post(set_url, {"new_password1": NEW, "new_password2": NEW}).status_code == 302
    client = _login(official.username, NEW)
    assert client.get("/").status_code == 200  # chose their own: nothing more asked
    again = Client().get(link, follow=True).content.decode()
    assert "new_password1" not in again  # the link worked once


def test_a_password_the_admin_typed_must_be_changed_at_the_next_login(admin_client, official):
    response = admin_client.post(
        f"/quan-tri/auth/user/{official.pk}/password/",
        {"password1": "Tam-thoi-2026-abc", "password2": "Tam-thoi-2026-abc", "usable_password": "true"},
    )
    assert response.status_code == 302
    client = _login(official.username, "Tam-thoi-2026-abc")
    for url in ("/", "/thu-thap/thua-dat/", "/api/v1/plots/", "/tai-khoan/khoa-api/"):
        answer = client.get(url)
        assert answer.status_code == 302 and answer["Location"] == "/tai-khoan/mat-khau/", url
    page = client.get("/tai-khoan/mat-khau/").content.decode()
    assert "Hãy chọn mật khẩu của riêng bạn" in page
    client.post(
        "/tai-khoan/mat-khau/",
        {"old_password": "Tam-thoi-2026-abc", "new_password1": NEW, "new_password2": NEW},
    )
    assert client.get("/thu-thap/thua-dat/").status_code == 200
    assert not UserPreference.objects.get(user=official).must_change_password


def test_a_new_account_made_in_the_admin_must_change_its_password(admin_client):
    response = admin_client.post(
        "/quan-tri/auth/user/add/",
        {
            "username": "canbo-moi",
            "password1": "Tam-thoi-2026-abc",
            "password2": "Tam-thoi-2026-abc",
            "usable_password": "true",
        },
    )
    assert response.status_code == 302
    user = get_user_model().objects.get(username="canbo-moi")
    assert UserPreference.objects.get(user=user).must_change_password
    assert _login("canbo-moi", "Tam-thoi-2026-abc").get("/")["Location"] == "/tai-khoan/mat-khau/"


def test_totp_enrolment_comes_after_the_first_password_change(admin_client, commune, settings):
    settings.OTP_REQUIRED_ROLES = ["reviewer"]
    reviewer = user_with_scope(Role.REVIEWER, branch=commune.branch, username="vpdk-matkhau")
    UserPreference.objects.create(user=reviewer, must_change_password=True)
    client = _login(reviewer.username, PASSWORD)
    assert client.get("/kiem-tra/")["Location"] == "/tai-khoan/mat-khau/"
    assert client.get("/xac-thuc-2-buoc/")["Location"] == "/tai-khoan/mat-khau/"
    assert not TOTPDevice.objects.filter(user=reviewer).exists()
    assert client.get("/tai-khoan/mat-khau/").status_code == 200
    client.post("/tai-khoan/mat-khau/", {"old_password": PASSWORD, "new_password1": NEW, "new_password2": NEW})
    assert client.get("/kiem-tra/")["Location"].startswith("/xac-thuc-2-buoc/")
