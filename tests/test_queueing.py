"""A broker outage after the data is committed: logged, the caller's fallback runs, nothing raises."""

from __future__ import annotations

import logging

import pytest
from kombu.exceptions import OperationalError

from config.queueing import queue_safely


def _broker_down():
    raise OperationalError("Error 111 connecting to 127.0.0.1:6390. Connection refused.")


def test_broker_error_is_logged_and_the_fallback_runs(caplog):
    fallback = []
    with caplog.at_level(logging.ERROR, logger="portal.queueing"):
        assert queue_safely(_broker_down, what="scan 1", on_failure=lambda: fallback.append(1)) is False
    assert fallback == [1]
    assert "could not queue scan 1" in caplog.text


def test_success_runs_no_fallback():
    sent, fallback = [], []
    assert queue_safely(lambda: sent.append(1), what="x", on_failure=lambda: fallback.append(1)) is True
    assert sent == [1] and fallback == []


def test_task_errors_are_not_swallowed():
    """Eager tests run the task inside send(): a bug there must still fail loudly."""

    def buggy_task():
        raise ZeroDivisionError

    with pytest.raises(ZeroDivisionError):
        queue_safely(buggy_task, what="x")


@pytest.mark.django_db
def test_bundle_request_with_the_broker_down_is_marked_failed(monkeypatch, django_capture_on_commit_callbacks):
    from collection.models import Role
    from reports import bundles, tasks
    from reports.models import ScanBundle
    from tests.factories import BranchFactory, CommuneFactory, user_with_scope

    commune = CommuneFactory(branch=BranchFactory())
    reviewer = user_with_scope(Role.REVIEWER, branch=commune.branch)
    monkeypatch.setattr(tasks.build_scan_bundle, "delay", lambda *a, **k: _broker_down())
    with django_capture_on_commit_callbacks(execute=True):
        bundle, created = bundles.bundle_request(commune=commune, user=reviewer)
    bundle.refresh_from_db()
    assert created and bundle.status == ScanBundle.Status.FAILED and "yêu cầu lại" in bundle.error
    again, created_again = bundles.bundle_request(commune=commune, user=reviewer)
    assert created_again and again.pk != bundle.pk  # a failed bundle does not block a new request
