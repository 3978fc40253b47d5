"""Password spraying: one address trying a few passwords on every account (issue 15, item 4).

The lockout counted per (username, address) only, so one address could try AXES_FAILURE_LIMIT - 1
passwords on each of any number of accounts. An address now has its own, higher limit (a commune
office's officials share one address), and failing on many distinct usernames alerts the admins.
"""

from __future__ import annotations

import datetime as dt
import logging

import pytest
from axes.models import AccessFailureLog
from django.conf import settings
from django.core import mail
from django.test import Client

from collection.models import Role
from tests.factories import CommuneFactory, user_with_scope

pytestmark = pytest.mark.django_db

LOGIN = "/dang-nhap/"
PASSWORD = "mat-khau-123"
SPRAYER = "203.0.113.50"
OFFICE = "198.51.100.20"


def _login(username: str, password: str, ip: str):
    return Client().post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)


@pytest.fixture
def official(db):
    return user_with_scope(Role.OFFICIAL, commune=CommuneFactory(), username="canbo-phun")


@pytest.fixture(autouse=True)
def _admins(settings):
    settings.ADMINS = [("Quản trị tỉnh", "quantri@tinh.example.vn")]


def _spray(count: int, ip: str = SPRAYER) -> None:
    for n in range(count):
        response = _login(f"taikhoan{n:02d}", "mat-khau-doan", ip)
        assert response.status_code in (200, 429)


def test_the_limit_is_thirty_per_address_over_the_cool_off():
    assert settings.LOGIN_ADDRESS_FAILURE_LIMIT == 30
    assert settings.AXES_COOLOFF_TIME == 0.25
    assert settings.LOGIN_ADDRESS_FAILURE_LIMIT > settings.AXES_FAILURE_LIMIT


def test_thirty_failures_on_thirty_usernames_lock_the_address_even_for_the_right_password(official):
    _spray(settings.LOGIN_ADDRESS_FAILURE_LIMIT - 1)
    # Under the address limit, a right password still works from there.
    assert _login(official.username, PASSWORD, SPRAYER).status_code == 302
    last = _login("taikhoan-cuoi", "mat-khau-doan", SPRAYER)  # the 30th failure
    assert last.status_code == 429
    refused = _login(official.username, PASSWORD, SPRAYER)
    assert refused.status_code == 429
    page = refused.content.decode()
    assert "Tạm khoá đăng nhập" in page
    assert "mọi đăng nhập từ đây tạm bị chặn" in page and "kể cả khi nhập đúng mật khẩu" in page
    assert "Hãy thử lại sau 15 phút" in page
    # Another address is not affected, for the same account or any other.
    assert _login(official.username, PASSWORD, OFFICE).status_code == 302
    assert _login("taikhoan00", "sai", OFFICE).status_code == 200


def test_the_address_may_log_in_again_once_the_failures_are_older_than_the_cool_off(official):
    _spray(settings.LOGIN_ADDRESS_FAILURE_LIMIT)
    assert _login(official.username, PASSWORD, SPRAYER).status_code == 429
    past = dt.timedelta(hours=settings.AXES_COOLOFF_TIME, minutes=1)
    for row in AccessFailureLog.objects.all():
        AccessFailureLog.objects.filter(pk=row.pk).update(attempt_time=row.attempt_time - past)
    assert _login(official.username, PASSWORD, SPRAYER).status_code == 302


def test_officials_of_one_office_mistyping_are_not_locked_together(official):
    """Twenty mistyped passwords over a morning at the commune office lock nobody else."""
    for n in range(20):
        _login(f"canbo{n % 8}", "go-nham", OFFICE)
    assert _login(official.username, PASSWORD, OFFICE).status_code == 302


def test_failing_on_many_usernames_alerts_the_admins_once(official, caplog):
    caplog.set_level(logging.WARNING, logger="portal.security")
    _spray(settings.LOGIN_SPRAY_ALERT_USERNAMES - 1)
    assert not mail.outbox and not [r for r in caplog.records if r.name == "portal.security"]
    _spray(settings.LOGIN_ADDRESS_FAILURE_LIMIT + 5)
    warnings = [r for r in caplog.records if r.name == "portal.security"]
    assert len(warnings) == 1 and warnings[0].levelno == logging.WARNING
    assert SPRAYER in warnings[0].getMessage()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["quantri@tinh.example.vn"]
    assert SPRAYER in message.subject
    assert f"{settings.LOGIN_SPRAY_ALERT_USERNAMES} tài khoản khác nhau" in message.body


def test_one_username_failing_many_times_is_not_spraying(official):
    for n in range(12):
        _login(official.username, f"sai-{n}", OFFICE)
    assert not mail.outbox


def test_the_failure_log_keeps_only_the_cool_off_window(official):
    _spray(3)
    old = AccessFailureLog.objects.count()
    assert old == 3
    AccessFailureLog.objects.update(
        attempt_time=AccessFailureLog.objects.get(username="taikhoan00").attempt_time - dt.timedelta(hours=1)
    )
    _login("khac", "sai", OFFICE)
    assert list(AccessFailureLog.objects.values_list("username", flat=True)) == ["khac"]
