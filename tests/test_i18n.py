"""Interface language: Vietnamese by default (msgids are Vietnamese), English on request.

The English catalogue (locale/en/LC_MESSAGES/django.po) must translate every msgid and keep each
placeholder; the compiled .mo must be what Django actually serves.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

LOCALE = Path(settings.BASE_DIR) / "locale"
EN_PO = LOCALE / "en" / "LC_MESSAGES" / "django.po"
VI_PO = LOCALE / "vi" / "LC_MESSAGES" / "django.po"
PLACEHOLDER = re.compile(r"%\(\w+\)[-#0 +]*\d*(?:\.\d+)?[sdif]|%%|%[sd]")


@pytest.fixture(autouse=True)
def _restore_active_language():
    """LocaleMiddleware activates the request's language on this thread and never deactivates it:
    restore it so that English does not leak into the tests that run after these."""
    with translation.override(translation.get_language()):
        yield


def _entries(path: Path) -> list[dict]:
    """A small .po reader: one dict per entry with its flags and its msgid/msgid_plural/msgstr* fields."""
    entries: list[dict] = []
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        entry: dict = {"flags": set(), "obsolete": False}
        key = None
        for line in block.strip().splitlines():
            if line.startswith("#~"):
                entry["obsolete"] = True
            elif line.startswith("#,"):
                entry["flags"].update(flag.strip() for flag in line[2:].split(","))
            elif line.startswith("#"):
                continue
            elif line.startswith('"'):
                entry[key] += ast.literal_eval(line)
            else:
                key, _, value = line.partition(" ")
                entry[key] = ast.literal_eval(value)
        if "msgid" in entry:
            entries.append(entry)
    return entries


def _header(path: Path) -> str:
    return next(entry for entry in _entries(path) if entry["msgid"] == "")["msgstr"]


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


def test_english_catalogue_is_complete():
    entries = [e for e in _entries(EN_PO) if e["msgid"] and not e["obsolete"]]
    assert len(entries) > 500
    untranslated = [e["msgid"] for e in entries if not all(v for k, v in e.items() if k.startswith("msgstr"))]
    fuzzy = [e["msgid"] for e in entries if "fuzzy" in e["flags"]]
    assert untranslated == []
    assert fuzzy == []
    for entry in entries:
        if "msgid_plural" in entry:
            pairs = [(entry["msgid"], entry["msgstr[0]"]), (entry["msgid_plural"], entry["msgstr[1]"])]
        else:
            pairs = [(entry["msgid"], entry["msgstr"])]
        for source, target in pairs:
            assert sorted(PLACEHOLDER.findall(source)) == sorted(PLACEHOLDER.findall(target)), source


def test_catalogue_headers():
    en, vi = _header(EN_PO), _header(VI_PO)
    assert "Language: en\n" in en and "Plural-Forms: nplurals=2; plural=(n != 1);" in en
    assert "Language: vi\n" in vi and "Plural-Forms: nplurals=1; plural=0;" in vi
    # Vietnamese is the source language: its msgstrs stay empty and fall back to the msgid.
    assert not any(v for e in _entries(VI_PO) if e["msgid"] for k, v in e.items() if k.startswith("msgstr"))


def test_compiled_catalogue_serves_translations():
    with translation.override("en"):
        assert translation.gettext("Đăng nhập") == "Log in"
        assert translation.gettext("Thửa đất") == "Plots"
        assert translation.ngettext("%(n)s sai lệch", "%(n)s sai lệch", 1) % {"n": 1} == "1 discrepancy"
        assert translation.ngettext("%(n)s sai lệch", "%(n)s sai lệch", 3) % {"n": 3} == "3 discrepancies"
    with translation.override("vi"):
        assert translation.gettext("Đăng nhập") == "Đăng nhập"
        assert translation.ngettext("%(n)s sai lệch", "%(n)s sai lệch", 3) % {"n": 3} == "3 sai lệch"
