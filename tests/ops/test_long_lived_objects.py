"""The web and worker processes keep what start-up made out of the cycle collector's sight (gc.freeze):
its full collections otherwise walk every module, model and setting, 80 ms at the plot list's p95."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _printed_by(code: str) -> list[int]:
    """The numbers a fresh process running `code` (with gc imported) prints, one a line."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    out = subprocess.run(
        [sys.executable, "-c", f"import gc\n{code}"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr[-2000:]
    return [int(line) for line in out.stdout.split()]


def _frozen_after(code: str) -> int:
    return _printed_by(f"{code}\nprint(gc.get_freeze_count())")[-1]


def test_the_wsgi_application_freezes_what_start_up_made():
    assert _frozen_after("import django; django.setup()") == 0
    assert _frozen_after("import config.wsgi") > 50_000


def test_a_worker_process_freezes_what_start_up_made():
    code = "import django; django.setup()\nfrom config import celery\ncelery._freeze_startup_objects()"
    assert _frozen_after(code) > 50_000


def test_the_wsgi_application_freezes_what_its_first_requests_loaded():
    """The database driver, the URL conf's views, templates and catalogs load on the first requests."""
    code = (
        "import config.wsgi\n"
        "from django.conf import settings\n"
        "from django.test import Client\n"
        "host = next(h for h in settings.ALLOWED_HOSTS if '*' not in h).lstrip('.')\n"
        "before = gc.get_freeze_count()\n"
        "assert Client(HTTP_HOST=host).get('/dang-nhap/').status_code == 200\n"
        "print(gc.get_freeze_count() - before)\n"
        "print(len(gc.get_objects()))"
    )
    frozen_by_the_request, left_to_walk = _printed_by(code)[-2:]
    assert frozen_by_the_request > 10_000
    assert left_to_walk < 1_000
