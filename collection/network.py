"""Who is on the other end of a request: the one reading of the client's address.

The login lockout (django-axes, through AXES_CLIENT_IP_CALLABLE) and every access log (documents,
scan bundles, review pages, remembered phones, a citizen's link) read the address here, so that they
all count and record the same client.

`X-Forwarded-For` is written by whoever sends the request: a client that reaches gunicorn directly
can put any address in it. So the header is believed only as far as it was written by a proxy in
TRUSTED_PROXIES (addresses or networks, empty by default): starting from the peer (REMOTE_ADDR),
each hop that is a trusted proxy hands over to the hop it reports; the first address that is not a
trusted proxy is the client (the right-most untrusted address). With no trusted proxy the header is
ignored and the peer is the client.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

from django.conf import settings

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_networks(values: Iterable[str]) -> tuple[IPNetwork, ...]:
    """ "10.0.0.5", "172.30.0.0/24", "::1" → networks; a wrong value raises ValueError (at start-up)."""
    return tuple(ipaddress.ip_network(value.strip(), strict=False) for value in values if value.strip())


def _address(text: str) -> IPAddress | None:
    try:
        address = ipaddress.ip_address(text.strip())
    except ValueError:
        return None
    # An IPv4 client seen through an IPv6 socket (::ffff:203.0.113.9) is that IPv4 client.
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def client_address(remote_addr: str, forwarded_for: str, trusted: Iterable[IPNetwork]) -> str | None:
    """The client's address from the peer and the X-Forwarded-For chain; None when it cannot be told.

    Pure, for the tests: walk from the peer leftwards through the chain while the current hop is a
    trusted proxy; the first hop that is not is the client. A hop that is not an address (garbage a
    client wrote, reached only through trusted proxies) ends the walk with None rather than a guess.
    If every hop is a trusted proxy, the left-most one is the client (a request from the proxy host).
    """
    networks = tuple(trusted)
    current = _address(remote_addr)
    if current is None:
        return None
    hops = [hop for hop in forwarded_for.split(",") if hop.strip()] if networks else []
    while hops and any(current in network for network in networks):
        current = _address(hops.pop())
        if current is None:
            return None
    return str(current)


def client_ip(request) -> str | None:
    """The client's address for the lockout and the access logs (AXES_CLIENT_IP_CALLABLE)."""
    return client_address(
        request.META.get("REMOTE_ADDR", "") or "",
        request.META.get("HTTP_X_FORWARDED_FOR", "") or "",
        parse_networks(getattr(settings, "TRUSTED_PROXIES", ())),
    )
