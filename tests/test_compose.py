"""docker-compose.yml can be run as it is: every service's command exists in the project."""

from __future__ import annotations

import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]


def test_stack_has_every_part_of_the_design():
    assert {"web", "worker-records", "worker-bulk", "beat", "db", "redis", "proxy", "minio", "migrate"} <= set(SERVICES)
    assert (ROOT / "Dockerfile").exists()
    assert (ROOT / "deploy/nginx.conf").exists()


@pytest.mark.parametrize(
    "name",
    [
        name
        for name, svc in SERVICES.items()
        if svc.get("build") or "<<" in svc or svc.get("image") == "landportal:latest"
    ],
)
def test_app_service_command_exists(name):
    service = SERVICES[name]
    argv = shlex.split(service["command"]) if isinstance(service["command"], str) else service["command"]
    program = argv[0]
    if program == "python":
        assert argv[1] == "manage.py"
        result = subprocess.run(
            [sys.executable, "manage.py", "help", argv[2]], cwd=ROOT, capture_output=True, text=True
        )
        assert result.returncode == 0, result.stderr
    elif program == "gunicorn":
        module, _, attribute = argv[1].partition(":")
        result = subprocess.run(
            [sys.executable, "-c", f"import {module} as m; assert callable(m.{attribute})"],
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        assert result.returncode == 0, result.stderr
    elif program == "celery":
        assert argv[1:3] == ["-A", "config"]
        queues = argv[argv.index("-Q") + 1].split(",") if "-Q" in argv else []
        from django.conf import settings

        routed = {route["queue"] for route in settings.CELERY_TASK_ROUTES.values()}
        assert set(queues) <= routed | {"default"}
        result = subprocess.run(
            [sys.executable, "-m", "celery", "-A", "config", argv[3], "--help"],
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        assert result.returncode == 0, result.stderr
    else:
        pytest.fail(f"unknown program {program!r} in service {name}")


def test_every_routed_queue_has_a_worker():
    from django.conf import settings

    consumed: set[str] = set()
    for svc in SERVICES.values():
        command = svc.get("command", "")
        if isinstance(command, str) and command.startswith("celery") and " worker" in command:
            argv = shlex.split(command)
            consumed |= set(argv[argv.index("-Q") + 1].split(","))
    assert {route["queue"] for route in settings.CELERY_TASK_ROUTES.values()} <= consumed
