"""bin/demo listens on this computer only unless told otherwise (issue 15, item 9).

The demo has published passwords and runs with DEBUG (tracebacks and settings on error pages); it
listened on 0.0.0.0, so anyone on the same network could sign in as the province admin or read a
debug page. The address is chosen in bin/_demo_address.sh, which bin/demo sources.
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PROBE = 'set -euo pipefail; source bin/_demo_address.sh; echo "$DEMO_ADDRESS ${DEBUG:-unset}"'


def _choose(**env: str) -> tuple[str, str, str]:
    clean = {k: v for k, v in os.environ.items() if k not in {"HOST", "PORT", "DEBUG"}}
    result = subprocess.run(
        ["bash", "-c", PROBE], cwd=ROOT, env={**clean, **env}, capture_output=True, text=True, timeout=10, check=True
    )
    address, debug = result.stdout.split()
    return address, debug, result.stderr


def test_by_default_the_demo_listens_on_this_computer_only():
    address, debug, warning = _choose()
    assert address == "127.0.0.1:8000"
    assert debug == "unset" and warning == ""  # local settings keep DEBUG on for the developer


@pytest.mark.parametrize(("env", "expected"), [({"PORT": "8080"}, "127.0.0.1:8080"), ({"HOST": "::1"}, "[::1]:8000")])
def test_port_and_a_loopback_host_may_be_chosen(env, expected):
    address, debug, warning = _choose(**env)
    assert (address, debug, warning) == (expected, "unset", "")


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.5"])
def test_opened_to_the_network_it_warns_and_turns_debug_off(host):
    address, debug, warning = _choose(HOST=host)
    assert address == f"{host}:8000"
    assert debug == "false"
    assert "mật khẩu demo ai cũng biết" in warning and "ALLOWED_HOSTS" in warning
    # An explicit DEBUG is the user's choice.
    assert _choose(HOST=host, DEBUG="true")[1] == "true"


def test_bin_demo_serves_on_the_chosen_address():
    script = (ROOT / "bin" / "demo").read_text()
    assert 'source "$(dirname "$0")/_demo_address.sh"' in script
    runserver = re.findall(r"^python manage.py runserver .*$", script, re.M)
    assert runserver == ['python manage.py runserver "$DEMO_ADDRESS" --noreload']
    assert "0.0.0.0" not in script
