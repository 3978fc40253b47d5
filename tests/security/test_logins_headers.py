"""Logins, sessions, CSRF and security headers (issue 6, item 2)."""

from __future__ import annotations

import base64
import datetime as dt
import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from collection.models import Role
from tests.factories import user_with_scope
from tests.security.conftest import World

ROOT = Path(__file__).resolve().parents[2]
LOGIN = "/dang-nhap/"
PASSWORD = "mat-khau-123"


def _production_env(**extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "SECURE_", "AXES_"))}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            "SECRET_KEY": secrets.token_urlsafe(64),
            "DATABASE_URL": os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres"),
            "CELERY_BROKER_URL": "redis://127.0.0.1:6379/9",
            "ALLOWED_HOSTS": "portal.example.vn",
            "SCAN_ENCRYPTION_KEYS": "prod1:" + base64.b64encode(secrets.token_bytes(32)).decode(),
            **extra,
        }
    )
    return env


# --- django-axes: login throttling ---------------------------------------------------------------


def _login(client: Client, username: str, password: str, ip: str = "198.51.100.7"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)


@pytest.fixture
def official(db):
    from tests.factories import CommuneFactory

    return user_with_scope(Role.OFFICIAL, commune=CommuneFactory(), username="canbo-khoa")


def test_five_wrong_passwords_lock_the_username_and_ip_with_a_vietnamese_page(official):
    client = Client()
    for attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        response = _login(client, official.username, f"sai-{attempt}")
        assert response.status_code == 200 and "không đúng" in response.content.decode()
    locked = _login(client, official.username, "sai-cuoi")
    assert locked.status_code == 429
    page = locked.content.decode()
    assert "Tạm khoá đăng nhập" in page
    assert f"sai mật khẩu {settings.AXES_FAILURE_LIMIT} lần" in page
    assert "Hãy thử lại sau 15 phút" in page
    # Locked: even the right password is refused now…
    assert _login(client, official.username, PASSWORD).status_code == 429
    # …but only for this username and address: the same user elsewhere, or another user here, may log in.
    assert _login(Client(), official.username, PASSWORD, ip="198.51.100.8").status_code == 302
    other = user_with_scope(Role.OFFICIAL, commune=official.scope.commune, username="canbo-khac")
    assert _login(Client(), other.username, PASSWORD).status_code == 302


def test_a_correct_login_works_again_after_the_cool_off(official):
    client = Client()
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        _login(client, official.username, f"sai-{attempt}")
    assert _login(client, official.username, PASSWORD).status_code == 429
    # Let the cool-off pass: every recorded failure is now older than AXES_COOLOFF_TIME.
    past = timezone.now() - dt.timedelta(hours=settings.AXES_COOLOFF_TIME, minutes=1)
    AccessAttempt.objects.update(attempt_time=past)
    response = _login(client, official.username, PASSWORD)
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert client.get("/").status_code == 200


# --- sessions ------------------------------------------------------------------------------------


def test_session_cookie_is_a_browser_session_cookie_with_a_bounded_age(official):
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    assert 0 < settings.SESSION_COOKIE_AGE <= 12 * 3600
    assert settings.SESSION_COOKIE_HTTPONLY is True
    client = Client()
    _login(client, official.username, PASSWORD)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"] and not cookie["max-age"] and not cookie["expires"]
    assert cookie["samesite"].lower() == "lax"


def test_an_expired_session_is_logged_out(official):
    client = Client()
    _login(client, official.username, PASSWORD)
    assert client.get("/").status_code == 200
    Session.objects.update(expire_date=timezone.now() - dt.timedelta(seconds=1))
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)


PRODUCTION_PROBE = """
import json, django
django.setup()
from django.conf import settings as s
print(json.dumps({k: getattr(s, k) for k in (
    "DEBUG", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_PROXY_SSL_HEADER", "SESSION_EXPIRE_AT_BROWSER_CLOSE",
    "X_FRAME_OPTIONS", "SECURE_CONTENT_TYPE_NOSNIFF", "SECURE_REFERRER_POLICY", "AXES_CLIENT_IP_CALLABLE")}))
"""


def test_production_settings_use_secure_cookies_hsts_and_ssl_redirect():
    out = subprocess.run(
        [sys.executable, "-c", PRODUCTION_PROBE],
        cwd=ROOT,
        env=_production_env(),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout
    values = json.loads(out.strip().splitlines()[-1])
    assert values["DEBUG"] is False
    assert values["SESSION_COOKIE_SECURE"] and values["CSRF_COOKIE_SECURE"]
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SECURE_HSTS_SECONDS"] >= 31536000 and values["SECURE_HSTS_INCLUDE_SUBDOMAINS"]
    assert values["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert values["SESSION_EXPIRE_AT_BROWSER_CLOSE"] is True
    assert values["X_FRAME_OPTIONS"] == "DENY" and values["SECURE_CONTENT_TYPE_NOSNIFF"]
    assert values["SECURE_REFERRER_POLICY"] == "same-origin"
    assert values["AXES_CLIENT_IP_CALLABLE"] == "collection.network.client_ip"


def test_check_deploy_is_clean_with_the_production_settings():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=_production_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues" in output, output
    assert "WARNINGS" not in output and "?: (security." not in output, output


def test_the_lockout_counts_the_client_behind_the_proxy_not_the_proxy():
    """Production reads the client from X-Forwarded-For, which deploy/nginx.conf overwrites (never appends:
    an appended header would let a client choose the address the lockout counts)."""
    nginx = (ROOT / "deploy" / "nginx.conf").read_text()
    assert "proxy_set_header X-Forwarded-For $remote_addr;" in nginx
    assert "$proxy_add_x_forwarded_for" not in nginx


# --- CSRF ----------------------------------------------------------------------------------------


@pytest.fixture
def csrf_world(world: World):
    return world


def _csrf_client(user) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "url_for", "data"),
    [
        ("official_a", lambda w: reverse("collection:record_start", args=[w.a["plot"].pk]), {}),
        ("official_a", lambda w: reverse("collection:record_edit", args=[w.a["draft"].pk]), {"holder_name": "X"}),
        ("official_a", lambda w: reverse("collection:scan_upload", args=[w.a["draft"].pk]), {"kind": "cert_1"}),
        ("official_a", lambda w: reverse("collection:scan_delete", args=[w.a["scan"].pk]), {}),
        ("official_a", lambda w: reverse("logout"), {}),
        ("official_a", lambda w: reverse("set_language"), {"language": "en"}),
        (
            "reviewer_a",
            lambda w: reverse("verification:flag_decide", args=[w.a["flag"].pk]),
            {"decision": "keep", "version": 1},
        ),
        ("reviewer_a", lambda w: reverse("verification:bulk_decide"), {"decision": "keep", "flags": "1:1"}),
        ("reviewer_a", lambda w: reverse("reports:bundle_request", args=[w.a["commune"].code]), {}),
        ("official_a", lambda w: "/api/v1/records/", {"plot": 1}),
        ("official_a", lambda w: f"/api/v1/records/{w.a['draft'].pk}/submit/", {"version": "x"}),
        ("reviewer_a", lambda w: f"/api/v1/flags/{w.a['flag'].pk}/decide/", {"decision": "keep", "version": 1}),
    ],
)
def test_a_post_without_the_csrf_token_is_refused(csrf_world: World, who, url_for, data):
    from tests.security.test_scope_walk import _snapshot

    before = _snapshot()
    response = _csrf_client(csrf_world.users[who]).post(url_for(csrf_world), data)
    assert response.status_code == 403
    assert b"CSRF" in response.content  # refused for the token, not for a role or scope reason
    assert _snapshot() == before


@pytest.mark.django_db
def test_the_login_form_needs_the_csrf_token(official):
    response = Client(enforce_csrf_checks=True).post(LOGIN, {"username": official.username, "password": PASSWORD})
    assert response.status_code == 403 and b"CSRF" in response.content


@pytest.mark.django_db
def test_with_the_token_from_the_page_the_same_post_goes_through(csrf_world: World):
    """The negative tests above fail for the missing token, not for anything else."""
    client = _csrf_client(csrf_world.users["official_a"])
    client.get(reverse("home"))
    token = client.cookies[settings.CSRF_COOKIE_NAME].value
    response = client.post(reverse("collection:record_start", args=[csrf_world.a["plot"].pk]), HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 302


# --- headers -------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", LOGIN, "/thu-thap/thua-dat/", "/api/v1/plots/", "/healthz"])
def test_security_headers_on_every_kind_of_response(csrf_world: World, path):
    client = Client()
    client.force_login(csrf_world.users["official_a"])
    response = client.get(path)
    assert response.status_code == 200
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    csp = dict(part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";"))
    assert csp["default-src"] == "'self'"
    assert csp["script-src"] == "'self'"  # no inline scripts, no eval, no other host
    assert csp["style-src"] == "'self'"
    assert csp["object-src"] == "'none'" and csp["frame-ancestors"] == "'none'"
    assert csp["form-action"] == "'self'" and csp["base-uri"] == "'self'"


@pytest.mark.django_db
def test_api_docs_come_from_local_static_files_and_run_no_inline_script(official):
    client = Client()
    client.force_login(official)
    response = client.get("/api/v1/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "drf_spectacular_sidecar/swagger-ui-dist/" in html and "cdn.jsdelivr.net" not in html
    assert "'unsafe-inline'" not in response["Content-Security-Policy"].split("script-src", 1)[1].split(";", 1)[0]


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)
INLINE_HANDLER = re.compile(r"\son[a-z]+\s*=\s*[\"']", re.I)
STYLE_ELEMENT = re.compile(r"<style[\s>]", re.I)


def _project_templates() -> list[Path]:
    dirs = [ROOT / "templates"] + [ROOT / app / "templates" for app in ("landdata", "collection", "verification")]
    return [path for d in dirs if d.exists() for path in d.rglob("*.html")]


def test_no_template_has_inline_scripts_handlers_or_style_elements():
    """The CSP forbids them: behaviour lives in static/js, styles in static/css (style= attributes are allowed)."""
    offenders = []
    for path in _project_templates():
        text = path.read_text(encoding="utf-8")
        for pattern, what in (
            (INLINE_SCRIPT, "inline <script>"),
            (INLINE_HANDLER, "on…= handler"),
            (STYLE_ELEMENT, "<style> element"),
        ):
            for match in pattern.finditer(text):
                offenders.append(f"{path.relative_to(ROOT)}: {what}: {match.group(0)!r}")
    assert not offenders, "\n".join(offenders)
