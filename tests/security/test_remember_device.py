"""'Ghi nhớ thiết bị này': a phone stays signed in through the working day; an admin can revoke it."""

from __future__ import annotations

import pytest
from django.contrib.sessions.models import Session

from collection.devices import devices_revoke
from collection.models import RememberedDevice, Role
from tests.factories import CommuneFactory, user_with_scope

pytestmark = pytest.mark.django_db


@pytest.fixture
def official():
    return user_with_scope(Role.OFFICIAL, commune=CommuneFactory(), username="canbo-nho")


def log_in(client, *, remember: bool):
    data = {"username": "canbo-nho", "password": "mat-khau-123"}
    if remember:
        data["remember"] = "on"
    response = client.post("/dang-nhap/", data)
    assert response.status_code == 302
    return response


def test_a_remembered_phone_keeps_its_session_after_the_browser_closes(client, official, settings):
    response = log_in(client, remember=True)
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert int(cookie["max-age"]) == settings.DEVICE_SESSION_SECONDS  # a persistent cookie
    device = RememberedDevice.objects.get(user=official)
    assert device.session_key == client.session.session_key
    assert client.session.get_expire_at_browser_close() is False


def test_without_remembering_the_session_ends_with_the_browser(client, official, settings):
    response = log_in(client, remember=False)
    assert not response.cookies[settings.SESSION_COOKIE_NAME]["max-age"]
    assert client.session.get_expire_at_browser_close() is True
    assert not RememberedDevice.objects.exists()


def test_revoking_a_device_signs_it_out_at_once(client, official):
    log_in(client, remember=True)
    assert client.get("/").status_code == 200
    assert devices_revoke(devices=RememberedDevice.objects.all()) == 1
    assert not Session.objects.exists()
    assert client.get("/").status_code == 302  # to the login page
    assert RememberedDevice.objects.get().revoked_at is not None


@pytest.mark.django_db
def test_a_form_sent_without_cookies_gets_plain_vietnamese_and_a_way_back():
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    response = client.post("/dang-nhap/", {"username": "x", "password": "y"}, HTTP_ACCEPT_LANGUAGE="vi")
    body = response.content.decode()
    assert response.status_code == 403
    assert "phiên đăng nhập đã hết" in body and 'href="/dang-nhap/?next=/dang-nhap/"' in body
    assert "CSRF verification failed" not in body and "Forbidden" not in body
