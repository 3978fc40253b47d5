"""Fixtures shared by every test: media in a temporary directory, logged-in clients per role."""

from __future__ import annotations

import pytest
from schemathesis.pytest.plugin import SchemathesisFunction


def pytest_collection_modifyitems(items):
    """Give each API operation that schemathesis tests a test id of its own.

    schemathesis names an operation's item `test…[GET /api/v1/…]`, but pytest 9 builds the id from
    the function's name and a parametrization schemathesis does not use: every operation got the
    same id, and pytest-xdist, which hands tests to its processes by id, ran one operation of 22.
    """
    for item in items:
        if isinstance(item, SchemathesisFunction) and item.id.params is None and item.name != item.originalname:
            item._id = item.id.with_params(item.name.removeprefix(item.originalname)[1:-1])


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in Vietnamese: a request with another language must not leak into the next test."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)
