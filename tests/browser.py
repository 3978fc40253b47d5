"""Shared by the end-to-end tests: Debian's Chromium driven by Playwright, screenshots kept as artifacts."""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
# Without the background-networking flags Chromium keeps dialling out, which this network refuses.
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}

E2E_MARKS = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not (os.path.exists(CHROMIUM) or shutil.which("chromium")) and os.environ.get("CI") != "true",
        reason=f"Chromium not found at {CHROMIUM} (set CHROMIUM_PATH); e2e runs only where a browser exists",
    ),
]


@contextlib.contextmanager
def launch() -> Iterator:
    """Debian's Chromium, headless, closed afterwards with every page it opened."""
    # Playwright's sync API runs an event loop in this thread; the test's ORM calls stay synchronous.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def new_page(browser, *, timeout_ms: int = 20_000, **context_options):
    """A page in a fresh context; `context_options` go to `new_context` (viewport, accept_downloads…)."""
    page = browser.new_context(locale="vi-VN", **context_options).new_page()
    page.set_default_timeout(timeout_ms)
    return page


@contextlib.contextmanager
def open_page(*, timeout_ms: int = 20_000, **context_options) -> Iterator:
    with launch() as browser:
        yield new_page(browser, timeout_ms=timeout_ms, **context_options)


def log_in(page, base_url: str, username: str, password: str = "mat-khau-123") -> None:
    page.goto(f"{base_url}/dang-nhap/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit].primary")
    page.wait_for_url(f"{base_url}/")
