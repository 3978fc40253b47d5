"""X-Forwarded-For is believed only from the configured proxies (issue 15, item 3).

A client that reaches gunicorn directly wrote any address it liked into the header: the access log
recorded it, and the login lockout (production read the first hop) counted each forged address
apart, so passwords could be guessed without limit. One reading now serves both.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from axes.helpers import get_client_ip_address
from django.test import Client, RequestFactory

from collection.models import Role
from collection.network import client_address, client_ip, parse_networks
from tests.factories import CommuneFactory, user_with_scope

ROOT = Path(__file__).resolve().parents[2]
LOGIN = "/dang-nhap/"
PROXY = parse_networks(["10.0.0.0/8", "2001:db8::/32"])


@pytest.mark.parametrize(
    ("remote", "forwarded", "trusted", "client"),
    [
        # No trusted proxy (the default): the header is the client's own say.
        ("198.51.100.7", "203.0.113.9", (), "198.51.100.7"),
        ("198.51.100.7", "", (), "198.51.100.7"),
        # A direct client is not a proxy, whatever it sends.
        ("198.51.100.7", "203.0.113.9", PROXY, "198.51.100.7"),
        # Through the proxy: the right-most address that is not a trusted proxy.
        ("10.0.0.1", "203.0.113.9", PROXY, "203.0.113.9"),
        ("10.0.0.1", "1.2.3.4, 203.0.113.9", PROXY, "203.0.113.9"),
        ("10.0.0.1", "1.2.3.4, 203.0.113.9, 10.9.9.9", PROXY, "203.0.113.9"),
        ("2001:db8::1", "2001:db8::2, 198.51.100.20", PROXY, "198.51.100.20"),
        ("::ffff:10.0.0.1", "203.0.113.9", PROXY, "203.0.113.9"),
        # A request from the proxy itself (a health check) is the proxy.
        ("10.0.0.1", "", PROXY, "10.0.0.1"),
        ("10.0.0.1", "10.0.0.3", PROXY, "10.0.0.3"),
        # Garbage: never stored, never guessed.
        ("10.0.0.1", "<script>", PROXY, None),
        ("10.0.0.1", "203.0.113.9, unknown", PROXY, None),
        ("bad", "203.0.113.9", PROXY, None),
        ("", "", (), None),
    ],
)
def test_client_address(remote, forwarded, trusted, client):
    assert client_address(remote, forwarded, trusted) == client


def test_a_wrong_trusted_proxy_is_an_error():
    with pytest.raises(ValueError):
        parse_networks(["10.0.0.300"])


def test_the_lockout_and_the_access_log_read_the_same_client(settings):
    """Before, the lockout read REMOTE_ADDR here and the first X-Forwarded-For hop in production, while
    the access log always read the first hop."""
    forged = RequestFactory().get("/", HTTP_X_FORWARDED_FOR="203.0.113.9", REMOTE_ADDR="198.51.100.7")
    assert client_ip(forged) == "198.51.100.7"
    assert get_client_ip_address(forged) == "198.51.100.7"
    settings.TRUSTED_PROXIES = ["198.51.100.7"]
    assert client_ip(forged) == get_client_ip_address(forged) == "203.0.113.9"


@pytest.mark.django_db
def test_a_forged_header_does_not_escape_the_login_lockout(settings):
    user = user_with_scope(Role.OFFICIAL, commune=CommuneFactory(), username="canbo-gia-mao")
    client = Client()
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            LOGIN,
            {"username": user.username, "password": f"sai-{attempt}"},
            REMOTE_ADDR="198.51.100.7",
            HTTP_X_FORWARDED_FOR=f"203.0.113.{attempt}",
        )
    response = client.post(
        LOGIN,
        {"username": user.username, "password": "mat-khau-123"},
        REMOTE_ADDR="198.51.100.7",
        HTTP_X_FORWARDED_FOR="203.0.113.200",
    )
    assert response.status_code == 429


def test_gunicorn_is_not_published_and_only_the_proxy_is_trusted():
    import yaml

    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    published = sorted(name for name, service in services.items() if service.get("ports"))
    assert published == ["proxy"]
    proxy_address = services["proxy"]["networks"]["default"]["ipv4_address"]
    assert services["web"]["environment"]["TRUSTED_PROXIES"] == proxy_address
