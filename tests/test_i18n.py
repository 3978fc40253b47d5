"""Interface language: Vietnamese by default (msgids are Vietnamese), English on request.

The English catalogues (locale/en/LC_MESSAGES/django.po and djangojs.po) must translate every msgid
and keep each placeholder; the compiled .mo must be what Django actually serves.
"""

from __future__ import annotations

import re
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

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
def test_login_page_in_english_from_accept_language(client):
    response = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")
    body = response.content.decode()
    assert "Log in" in body
    assert "Đăng nhập" not in body
    assert response.headers["Content-Language"] == "en"


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
