"""The environment parsers every setting goes through."""

from pathlib import Path

import pytest

from config.env import get_bool, get_int, get_list, parse_database_url


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("1", True), ("true", True), ("Yes", True), ("on", True), ("0", False), ("false", False), ("", False)],
)
def test_get_bool(monkeypatch, raw, expected):
    monkeypatch.setenv("X_FLAG", raw)
    assert get_bool("X_FLAG", not expected) is expected


def test_get_bool_default_and_garbage(monkeypatch):
    monkeypatch.delenv("X_FLAG", raising=False)
    assert get_bool("X_FLAG", True) is True
    monkeypatch.setenv("X_FLAG", "maybe")
    with pytest.raises(ValueError, match="X_FLAG"):
        get_bool("X_FLAG", False)


def test_get_int_and_list(monkeypatch):
    monkeypatch.setenv("X_INT", "42")
    assert get_int("X_INT", 1) == 42
    monkeypatch.setenv("X_INT", "forty")
    with pytest.raises(ValueError):
        get_int("X_INT", 1)
    monkeypatch.setenv("X_LIST", " a.vn, b.vn ,,")
    assert get_list("X_LIST", []) == ["a.vn", "b.vn"]


@pytest.mark.parametrize(
    ("url", "engine", "name", "host", "port", "user"),
    [
        (
            "postgres://postgres@127.0.0.1:5432/landportal",
            "django.db.backends.postgresql",
            "landportal",
            "127.0.0.1",
            "5432",
            "postgres",
        ),
        ("postgresql://u:p%40ss@db/portal", "django.db.backends.postgresql", "portal", "db", "", "u"),
        ("sqlite:///var/portal.sqlite3", "django.db.backends.sqlite3", "var/portal.sqlite3", None, None, None),
        ("sqlite:////tmp/abs.sqlite3", "django.db.backends.sqlite3", "/tmp/abs.sqlite3", None, None, None),
    ],
)
def test_parse_database_url(url, engine, name, host, port, user):
    config = parse_database_url(url)
    assert config["ENGINE"] == engine
    assert config["NAME"] == name
    if host is not None:
        assert config["HOST"] == host and config["PORT"] == port and config["USER"] == user


def test_password_is_unquoted():
    assert parse_database_url("postgres://u:p%40ss@db/portal")["PASSWORD"] == "p@ss"


def test_unknown_database_scheme_is_refused():
    with pytest.raises(ValueError, match="mysql"):
        parse_database_url("mysql://root@localhost/x")


def test_production_settings_refuse_to_start_without_secrets(tmp_path):
    import subprocess
    import sys

    env = {"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "config.settings.production"}
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=Path(__file__).resolve().parent.parent,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "must be set in production" in result.stderr
