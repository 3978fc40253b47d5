"""Shared by the tests that run a REAL Celery worker on Redis and the test PostgreSQL database.

Skipped with a reason when Redis or PostgreSQL cannot be reached, unless CI=true (then they fail).
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent


def broker_of_this_process(url: str) -> str:
    """`url` with its Redis database counted down by the pytest-xdist worker's number (gw0: as given,
    gw1: one below…, among Redis's 16): each test process starts its own Celery workers and purges
    its own queues, so two processes must never share a broker database."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if not worker.startswith("gw"):
        return url
    parts = urlsplit(url)
    database = int(parts.path.strip("/") or 0)  # Redis's default database when the URL names none
    return urlunsplit(parts._replace(path=f"/{(database - int(worker[2:])) % 16}"))


TEST_BROKER_URL = broker_of_this_process(os.environ.get("TEST_BROKER_URL", "redis://127.0.0.1:6379/15"))


def unavailable(reason: str) -> None:
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"integration prerequisites missing in CI: {reason}")
    pytest.skip(reason)


def require_services(broker: str) -> None:
    from kombu import Connection

    if connection.vendor != "postgresql":
        unavailable("needs PostgreSQL (set DATABASE_URL=postgres://...)")
    try:
        with Connection(broker, connect_timeout=2) as conn:
            conn.ensure_connection(max_retries=1)
    except Exception as exc:  # noqa: BLE001 - any failure means: no broker
        unavailable(f"Redis broker {broker} not reachable: {exc}")


def _forget_connections(app) -> None:
    """Drop the app's cached pools (as Celery does after a fork) so the next send uses the broker now
    configured. Never close them: kombu shares pools per broker URL with the rest of the process."""
    app._pool = None
    app.amqp._producer_pool = None


@contextlib.contextmanager
def celery_on_broker(broker: str, **conf) -> Iterator:
    """The portal's Celery app publishing to `broker` (plus any `conf`), not eager, restored exactly afterwards."""
    from config.celery import app

    changes = {"broker_url": broker, "task_always_eager": False, "broker_transport_options": {}, **conf}
    saved = {key: app.conf[key] for key in changes}  # read before anything changes Django's settings
    app.conf.update(**changes)
    _forget_connections(app)
    app.control.purge()
    try:
        yield app
    finally:
        app.control.purge()
        app.conf.update(**saved)
        _forget_connections(app)


def test_database_url() -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


test_database_url.__test__ = False  # not a test, despite its name


class WorkerProcesses:
    """`celery -A config worker` subprocesses on the test database, each in its own process group."""

    def __init__(
        self,
        *,
        broker: str,
        log_dir: Path,
        queues: str = "records,bulk,default",
        pool: str = "prefork",
        concurrency: int = 2,
        extra_env: dict[str, str] | None = None,
    ) -> None:
        self.args = ["--pool", pool, "-c", str(concurrency), "-Q", queues]
        self.env = {
            **os.environ,
            "DATABASE_URL": test_database_url(),
            "CELERY_BROKER_URL": broker,
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            **(extra_env or {}),
        }
        self.log_dir = log_dir
        self.procs: list[subprocess.Popen] = []

    def log(self, index: int = -1) -> str:
        return (self.log_dir / f"worker{index % len(self.procs)}.log").read_text()[-3000:]

    def start(self) -> subprocess.Popen:
        log = open(self.log_dir / f"worker{len(self.procs)}.log", "wb")  # noqa: SIM115 - lives as long as the process
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                *self.args,
                "--without-gossip",
                "--without-mingle",
                "-n",
                f"test{len(self.procs)}-{os.getpid()}@%h",
                "-l",
                "INFO",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.procs.append(proc)
        return proc

    def kill(self, proc: subprocess.Popen) -> None:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)

    def stop_all(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
                try:
                    proc.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    self.kill(proc)


def wait_for(predicate, timeout: float, what: str) -> None:
    """Poll until `predicate()` is true; the worker runs in another process, so the test can only wait."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class PrivateRedis:
    """A throwaway redis-server on its own port: no RDB, no AOF, so a restart starts empty (the worst case).

    For fault tests and drills that stop the broker: the machine's shared Redis is never touched.
    """

    def __init__(self, workdir: Path) -> None:
        self.port = free_port()
        self.workdir = workdir
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.workdir),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        wait_for(self.answers, 10, f"redis-server on port {self.port}")

    def answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=10)
