"""The API schema and its documentation pages: signed-in users only, no inline scripts (issue 15, item 11).

They were open to anyone, and their Content-Security-Policy allowed inline scripts and styles.
"""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from collection.models import Role
from tests.factories import CommuneFactory, user_with_scope
from tests.security.walker import PUBLIC_NAMES

pytestmark = pytest.mark.django_db

PAGES = ["api:docs"]


def _policy(response) -> dict[str, str]:
    return dict(part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";"))


@pytest.fixture
def signed_in(db) -> Client:
    client = Client()
    client.force_login(user_with_scope(Role.OFFICIAL, commune=CommuneFactory(), username="canbo-doc"))
    return client


def test_none_of_them_is_public():
    assert not {"api:schema", *PAGES} & PUBLIC_NAMES


def test_the_schema_is_refused_to_anonymous_callers():
    response = Client().get(reverse("api:schema"), HTTP_ACCEPT="application/json")
    assert response.status_code == 401
    assert "paths" not in response.content.decode()


@pytest.mark.parametrize("name", PAGES)
def test_the_pages_send_anonymous_browsers_to_the_login(name):
    response = Client().get(reverse(name))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_swagger_ui_without_a_login_does_not_hand_out_its_script():
    response = Client().get(reverse("api:docs") + "?script=")
    assert response.status_code == 302


def test_signed_in_the_schema_and_both_pages_answer(signed_in):
    schema = signed_in.get(reverse("api:schema"), HTTP_ACCEPT="application/json")
    assert schema.status_code == 200 and "/api/v1/plots/" in schema.json()["paths"]
    for name in PAGES:
        assert signed_in.get(reverse(name)).status_code == 200


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)


@pytest.mark.parametrize("name", PAGES)
def test_the_pages_run_no_inline_script_and_load_nothing_from_elsewhere(signed_in, name):
    response = signed_in.get(reverse(name))
    html = response.content.decode()
    assert not INLINE_SCRIPT.search(html)
    assert not re.search(r"<style[\s>]", html, re.I)
    assert "https://" not in html and "//fonts." not in html
    policy = _policy(response)
    assert policy["script-src"] == "'self'"
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]


def test_swagger_ui_starts_from_its_own_script_and_keeps_the_strict_style_policy(signed_in):
    response = signed_in.get(reverse("api:docs"))
    assert _policy(response)["style-src"] == "'self'"
    script_url = re.search(r'<script src="([^"]*script=[^"]*)"', response.content.decode()).group(1)
    script = signed_in.get(script_url.replace("&amp;", "&"))
    assert script.status_code == 200 and script["Content-Type"].startswith("application/javascript")
    assert b"SwaggerUIBundle(" in script.content
