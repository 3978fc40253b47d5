"""Interface language: Vietnamese by default (msgids are Vietnamese), English on request.

The language is the signed-in user's saved choice, else the language cookie, else Vietnamese; the
browser's Accept-Language is never followed (config.language).

The English catalogues (locale/en/LC_MESSAGES/django.po and djangojs.po) must translate every msgid
and keep each placeholder; the compiled .mo must be what Django actually serves.
"""

from __future__ import annotations

import re
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from config.language import SESSION_KEY
from config.models import UserPreference
from tests.factories import UserFactory

LOCALE = Path(settings.BASE_DIR) / "locale"
DOMAINS = ["django.po", "djangojs.po"]  # the pages' texts and the phone scripts' texts
PLACEHOLDER = re.compile(r"%\(\w+\)[-#0 +]*\d*(?:\.\d+)?[sdif]|%%|%[sd]")


@pytest.fixture(autouse=True)
def _restore_active_language():
    """LocaleMiddleware activates the request's language on this thread and never deactivates it:
    restore it so that English does not leak into the tests that run after these."""
    with translation.override(translation.get_language()):
        yield


@pytest.mark.django_db
def test_login_page_is_vietnamese_by_default(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert "Đăng nhập" in response.content.decode()
    assert "Log in" not in response.content.decode()
    assert response.headers["Content-Language"] == "vi"


@pytest.mark.django_db
def test_login_page_in_english_from_cookie(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(reverse("login"))
    body = response.content.decode()
    assert "Log in" in body
    assert "Đăng nhập" not in body
    assert "Username" in body and "Password" in body


@pytest.mark.django_db
def test_login_page_stays_vietnamese_whatever_the_browser_asks(client):
    """A phone set to English still gets the portal in Vietnamese: Accept-Language is never read."""
    response = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")
    body = response.content.decode()
    assert "Đăng nhập" in body
    assert "Log in" not in body
    assert response.headers["Content-Language"] == "vi"
    assert "Accept-Language" not in response.headers.get("Vary", "")


def sign_in(client, user, **headers):
    """Sign in through the login form, as a new phone would (not force_login)."""
    response = client.post(reverse("login"), {"username": user.username, "password": "mat-khau-123"}, **headers)
    assert response.status_code == 302, response.content.decode()[:500]


def choose_language(client, language, **headers):
    return client.post(reverse("set_language"), {"language": language, "next": reverse("home")}, **headers)


def signed_out_label(language: str) -> str:
    with translation.override(language):
        return translation.gettext("Đăng xuất")


@pytest.mark.django_db
def test_a_users_choice_of_english_follows_them_to_a_new_device(client):
    user = UserFactory(username="canbo-en")
    user.save()
    sign_in(client, user)
    response = choose_language(client, "en")
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert UserPreference.objects.get(user=user).language == "en"

    phone = Client()  # another device: no session, no language cookie, a browser asking for Vietnamese
    sign_in(phone, user, HTTP_ACCEPT_LANGUAGE="vi")
    home = phone.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="vi")
    body = home.content.decode()
    assert home.headers["Content-Language"] == "en"
    assert signed_out_label("en") in body and signed_out_label("vi") not in body
    # The cookie follows the saved choice, so the login page after signing out is in English too.
    assert phone.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    phone.post(reverse("logout"))
    assert "Log in" in phone.get(reverse("login")).content.decode()


@pytest.mark.django_db
def test_the_saved_choice_wins_over_the_cookie_and_the_browser(client):
    user = UserFactory(username="canbo-vi")
    user.save()
    UserPreference.objects.create(user=user, language="vi")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    sign_in(client, user)
    home = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en")
    assert home.headers["Content-Language"] == "vi"
    assert signed_out_label("vi") in home.content.decode()


@pytest.mark.django_db
def test_without_a_saved_choice_a_signed_in_user_gets_the_cookie_or_vietnamese(client):
    user = UserFactory(username="canbo-moi")
    user.save()
    sign_in(client, user)
    assert client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en").headers["Content-Language"] == "vi"
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert client.get(reverse("home")).headers["Content-Language"] == "en"
    assert not UserPreference.objects.exists()


@pytest.mark.django_db
def test_choosing_before_signing_in_sets_only_the_cookie(client):
    response = choose_language(client, "en")
    assert response.status_code == 302
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert not UserPreference.objects.exists()
    assert "Log in" in client.get(reverse("login")).content.decode()


@pytest.mark.django_db
def test_a_language_the_portal_does_not_have_is_not_saved(client):
    user = UserFactory(username="canbo-fr")
    user.save()
    sign_in(client, user)
    choose_language(client, "fr")
    assert not UserPreference.objects.exists()
    assert client.get(reverse("home")).headers["Content-Language"] == "vi"


@pytest.mark.django_db
def test_pages_read_the_choice_from_the_session_not_the_table(client):
    """The choice is read once, at sign-in: a page pays no query for it."""
    user = UserFactory(username="canbo-phien")
    user.save()
    UserPreference.objects.create(user=user, language="en")
    sign_in(client, user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("home"))
    assert response.headers["Content-Language"] == "en"
    assert not [q["sql"] for q in queries if UserPreference._meta.db_table in q["sql"]]


@pytest.mark.django_db
def test_a_session_from_before_reads_the_choice_once(client):
    user = UserFactory(username="canbo-cu")
    user.save()
    client.force_login(user)
    session = client.session
    del session[SESSION_KEY]  # as a session opened before the portal kept the choice there
    session.save()
    UserPreference.objects.create(user=user, language="en")
    assert client.get(reverse("home")).headers["Content-Language"] == "en"
    assert client.session[SESSION_KEY] == "en"


@pytest.mark.django_db
def test_switching_back_to_vietnamese_is_kept_too(client):
    user = UserFactory(username="canbo-doi")
    user.save()
    sign_in(client, user)
    choose_language(client, "en")
    choose_language(client, "vi")
    assert UserPreference.objects.get(user=user).language == "vi"
    phone = Client()
    phone.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    sign_in(phone, user)
    assert phone.get(reverse("home")).headers["Content-Language"] == "vi"


@pytest.mark.parametrize("domain", DOMAINS)
def test_english_catalogue_is_complete(domain):
    entries = [e for e in polib.pofile(str(LOCALE / "en" / "LC_MESSAGES" / domain)) if not e.obsolete]
    assert len(entries) > (500 if domain == "django.po" else 40)
    assert [e.msgid for e in entries if not e.translated()] == []
    assert [e.msgid for e in entries if e.fuzzy] == []
    for entry in entries:
        if entry.msgid_plural:
            pairs = [(entry.msgid, entry.msgstr_plural[0]), (entry.msgid_plural, entry.msgstr_plural[1])]
        else:
            pairs = [(entry.msgid, entry.msgstr)]
        for source, target in pairs:
            assert sorted(PLACEHOLDER.findall(source)) == sorted(PLACEHOLDER.findall(target)), source


@pytest.mark.parametrize("domain", DOMAINS)
def test_catalogue_headers(domain):
    en = polib.pofile(str(LOCALE / "en" / "LC_MESSAGES" / domain))
    vi = polib.pofile(str(LOCALE / "vi" / "LC_MESSAGES" / domain))
    assert en.metadata["Language"] == "en" and en.metadata["Plural-Forms"] == "nplurals=2; plural=(n != 1);"
    assert vi.metadata["Language"] == "vi" and vi.metadata["Plural-Forms"] == "nplurals=1; plural=0;"
    assert not en.metadata_is_fuzzy and not vi.metadata_is_fuzzy
    # Vietnamese is the source language: its msgstrs stay empty and fall back to the msgid.
    assert not [e.msgid for e in vi if e.msgstr or any(e.msgstr_plural.values())]


def test_compiled_catalogue_serves_translations():
    with translation.override("en"):
        assert translation.gettext("Đăng nhập") == "Log in"
        assert translation.gettext("Thửa đất") == "Plots"
        assert translation.ngettext("%(n)s sai lệch", "%(n)s sai lệch", 1) % {"n": 1} == "1 discrepancy"
        assert translation.ngettext("%(n)s sai lệch", "%(n)s sai lệch", 3) % {"n": 3} == "3 discrepancies"
    with translation.override("vi"):
        assert translation.gettext("Đăng nhập") == "Đăng nhập"
        assert translation.ngettext("%(n)s sai lệch", "%(n)s sai lệch", 3) % {"n": 3} == "3 sai lệch"
