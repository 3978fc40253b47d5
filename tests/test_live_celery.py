"""The tests that start a real Celery worker may run in several test processes at once (bin/test)."""

from __future__ import annotations

import pytest

from tests.live_celery import broker_of_this_process


@pytest.mark.parametrize(
    ("process", "given", "used"),
    [
        ("", "redis://127.0.0.1:6379/15", "redis://127.0.0.1:6379/15"),  # one process (-n 0)
        ("gw0", "redis://127.0.0.1:6379/15", "redis://127.0.0.1:6379/15"),
        ("gw1", "redis://127.0.0.1:6379/15", "redis://127.0.0.1:6379/14"),
        ("gw3", "redis://127.0.0.1:6379/2", "redis://127.0.0.1:6379/15"),  # Redis has databases 0-15
        ("gw1", "redis://127.0.0.1:6379", "redis://127.0.0.1:6379/15"),  # no database named: 0
        ("gw2", "redis://:secret@redis.local:6379/15?timeout=5", "redis://:secret@redis.local:6379/13?timeout=5"),
    ],
)
def test_each_test_process_has_a_broker_database_of_its_own(monkeypatch, process, given, used):
    monkeypatch.setenv("PYTEST_XDIST_WORKER", process)
    assert broker_of_this_process(given) == used
