"""API tokens: stored as a digest only, shown once to their owner, expiring, revocable, never a way around
the second factor, and never shown whole in the admin (issue 15, item 10)."""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from collection.models import Role
from config.models import ApiToken
from config.tokens import TokenRefused, token_issue
from tests.factories import CommuneFactory, UserFactory, user_with_scope

pytestmark = pytest.mark.django_db

PASSWORD = "mat-khau-123"
TOKEN_IN_PAGE = re.compile(r'id="new-token-value">([^<]+)<')


@pytest.fixture
def commune():
    return CommuneFactory()


@pytest.fixture
def official(commune):
    return user_with_scope(Role.OFFICIAL, commune=commune, username="canbo-khoa")


@pytest.fixture
def reviewer(commune):
    return user_with_scope(Role.REVIEWER, branch=commune.branch, username="vpdk-khoa")


def _signed_in(user) -> Client:
    client = Client()
    assert client.post("/dang-nhap/", {"username": user.username, "password": PASSWORD}).status_code == 302
    return client


def _create(client: Client, name: str = "máy tính báo cáo") -> tuple[str, str]:
    """(the token shown, the page) after creating one on the user's page."""
    page = client.post("/tai-khoan/khoa-api/", {"name": name})
    assert page.status_code == 200
    body = page.content.decode()
    match = TOKEN_IN_PAGE.search(body)
    assert match, body
    return match.group(1), body


def _api(token: str):
    return Client(HTTP_AUTHORIZATION=f"Token {token}").get("/api/v1/plots/")


def _all_rows_text() -> str:
    """Every value of every table of the database, as text (what a dump would hold)."""
    parts = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608  (table names from the database itself)
            parts.append(repr(cursor.fetchall()))
    return "\n".join(parts)


def test_the_plaintext_token_table_is_gone():
    assert "authtoken_token" not in connection.introspection.table_names()
    assert "rest_framework.authtoken" not in settings.INSTALLED_APPS


def test_a_token_is_stored_as_a_digest_only_and_works(official):
    client = _signed_in(official)
    token, _page = _create(client)
    stored = ApiToken.objects.get(user=official)
    assert stored.digest == hashlib.sha512(token.encode()).hexdigest()
    assert stored.token_key == token[:15] and len(token) == 64
    assert token not in _all_rows_text()
    assert _api(token).status_code == 200


def test_a_token_is_shown_once(official):
    client = _signed_in(official)
    token, page = _create(client)
    assert "chỉ hiện một lần" in page
    again = client.get("/tai-khoan/khoa-api/").content.decode()
    assert token not in again and token[:15] in again  # listed by its first characters only
    assert "no-store" in client.post("/tai-khoan/khoa-api/", {"name": "x"})["Cache-Control"]


def test_a_token_expires_after_the_configured_days(official):
    client = _signed_in(official)
    token, _page = _create(client)
    stored = ApiToken.objects.get(user=official)
    assert stored.expiry is not None
    expected = timezone.now() + timedelta(days=settings.API_TOKEN_DAYS)
    assert abs((stored.expiry - expected).total_seconds()) < 60
    ApiToken.objects.filter(pk=stored.pk).update(expiry=timezone.now() - timedelta(seconds=1))
    assert _api(token).status_code == 401
    assert not ApiToken.objects.filter(pk=stored.pk).exists()  # knox removes it when it is tried


def test_a_revoked_token_is_refused(official):
    client = _signed_in(official)
    token, _page = _create(client)
    assert _api(token).status_code == 200
    assert client.post("/tai-khoan/khoa-api/", {"revoke": token[:15]}).status_code == 302
    assert _api(token).status_code == 401
    assert not ApiToken.objects.filter(user=official).exists()


def test_a_user_cannot_revoke_someone_elses_token(official, reviewer):
    _instance, token = ApiToken.objects.create(user=reviewer, name="của người khác")
    _signed_in(official).post("/tai-khoan/khoa-api/", {"revoke": token[:15]})
    assert _api(token).status_code == 200


def test_no_token_for_an_otp_role_without_the_code(reviewer, settings):
    settings.OTP_REQUIRED_ROLES = ["reviewer", "admin"]
    client = _signed_in(reviewer)
    response = client.post("/tai-khoan/khoa-api/", {"name": "báo cáo"})
    assert response.status_code == 302 and response["Location"].startswith("/xac-thuc-2-buoc/")
    assert not ApiToken.objects.filter(user=reviewer).exists()
    with pytest.raises(TokenRefused):
        token_issue(user=reviewer, name="báo cáo", second_factor_passed=False)

    client.get("/xac-thuc-2-buoc/")
    device = TOTPDevice.objects.get(user=reviewer)
    code = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift):06d}"
    assert client.post("/xac-thuc-2-buoc/", {"token": code, "next": "/"}).status_code == 302
    token, _page = _create(client)
    assert ApiToken.objects.get(user=reviewer).second_factor
    assert _api(token).status_code == 200


def test_a_token_made_before_the_second_factor_was_required_stops_working(reviewer, settings):
    _instance, token = ApiToken.objects.create(user=reviewer, name="cũ")
    assert _api(token).status_code == 200
    settings.OTP_REQUIRED_ROLES = ["reviewer"]
    assert _api(token).status_code == 401


def test_the_admin_shows_no_full_token(client):
    admin_user = UserFactory(username="quantri-khoa", is_superuser=True, is_staff=True)
    admin_user.save()
    client.force_login(admin_user)
    owner = UserFactory(username="canbo-co-khoa")
    instance, token = ApiToken.objects.create(user=owner, name="báo cáo tuần")
    pages = [
        client.get("/quan-tri/portal/apitoken/"),
        client.get(f"/quan-tri/portal/apitoken/{instance.pk}/change/"),
        client.get(f"/quan-tri/portal/apitoken/{instance.pk}/delete/"),
    ]
    for response in pages:
        assert response.status_code == 200
        body = response.content.decode()
        assert token not in body and token[15:] not in body
    assert token[:15] in pages[0].content.decode()
    assert client.get("/quan-tri/portal/apitoken/add/").status_code == 403  # only the owner makes one


def test_expired_tokens_are_deleted_every_night(official):
    """knox removes a user's expired tokens only when one of that user's tokens is used: beat does it."""
    from config.celery import app
    from config.tasks import delete_expired_tokens

    expired, _ = ApiToken.objects.create(user=official, name="hết hạn")
    current, _ = ApiToken.objects.create(user=official, name="còn hạn")
    ApiToken.objects.filter(pk=expired.pk).update(expiry=timezone.now() - timedelta(seconds=1))
    entry = next(e for e in settings.CELERY_BEAT_SCHEDULE.values() if e["task"] == delete_expired_tokens.name)
    assert entry["schedule"] <= 86400
    assert entry["task"] in app.tasks
    assert delete_expired_tokens.delay().get() == 1
    assert list(ApiToken.objects.values_list("pk", flat=True)) == [current.pk]


def test_every_beat_entry_names_a_registered_task():
    from config.celery import app

    app.loader.import_default_modules()
    missing = {name: e["task"] for name, e in settings.CELERY_BEAT_SCHEDULE.items() if e["task"] not in app.tasks}
    assert not missing
