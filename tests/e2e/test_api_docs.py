"""The API documentation pages draw in a real browser under their strict policy (issue 15, item 11):
no Content-Security-Policy violation, and both readers show the portal's endpoints."""

from __future__ import annotations

import pytest

from collection.models import Role
from tests.browser import E2E_MARKS, log_in, open_page
from tests.factories import CommuneFactory, user_with_scope

pytestmark = E2E_MARKS


@pytest.fixture
def page():
    with open_page(viewport={"width": 1280, "height": 1000}, timeout_ms=20_000) as page:
        yield page


def test_docs_draw_without_a_csp_violation(live_server, page):
    user_with_scope(Role.OFFICIAL, commune=CommuneFactory(), username="canbo-tailieu")
    violations: list[str] = []
    page.on("console", lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None)
    log_in(page, live_server.url, "canbo-tailieu")
    page.goto(live_server.url + "/api/v1/docs/")
    page.wait_for_selector(".swagger-ui .opblock")
    assert "/api/v1/plots/" in page.content()
    assert violations == []
