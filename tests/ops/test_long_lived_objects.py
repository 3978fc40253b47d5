"""The web and worker processes keep what start-up made out of the cycle collector's sight (gc.freeze):
its full collections otherwise walk every module, model and setting, 80 ms at the plot list's p95."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _frozen_after(code: str) -> int:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    out = subprocess.run(
        [sys.executable, "-c", f"import gc\n{code}\nprint(gc.get_freeze_count())"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return int(out.stdout.strip().splitlines()[-1])


def test_the_wsgi_application_freezes_what_start_up_made():
    assert _frozen_after("import django; django.setup()") == 0
    assert _frozen_after("import config.wsgi") > 50_000


def test_a_worker_process_freezes_what_start_up_made():
    code = "import django; django.setup()\nfrom config import celery\ncelery._freeze_startup_objects()"
    assert _frozen_after(code) > 50_000
