"""The client's address, which sign-in lockouts (django-axes) and throttles count against.

``REMOTE_ADDR`` is the address that opened the connection. Behind the TLS proxy that is the
proxy's, the same for everyone, so one attacker's failed sign-ins would lock every user of an
account out. The proxy appends the address it saw to ``X-Forwarded-For``, but a client can send
that header too, with anything in it. So the header is read only when the connection comes from
an address in ``TRUSTED_PROXIES``, and only from its right end: past the entries our own proxies
added, the first address that is not one of them is the client's. Whatever stands to its left
was written by the client and counts for nothing. With no proxy configured, the header is
never read.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

# python-ipware's parser of one entry: a port ("203.0.113.7:5123", "[2001:db8::1]:443") or quotes
# are cut off, an IPv4 address mapped into IPv6 ("::ffff:10.0.0.4") comes back as IPv4, and
# anything that is not an address is None. Its resolver (IpWare) is not used: it matches proxies
# by their position in the header, never against the address that actually connected.
from python_ipware.modern.parsers import parse_ip as _parse


def client_ip(request: HttpRequest) -> str:
    """The address of the client this request came from, as text."""
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXIES
    peer = _parse(remote) if proxies else None
    if peer is None or not any(peer in network for network in proxies):
        return remote
    client = peer
    for entry in reversed(request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")):
        hop = _parse(entry.strip())
        if hop is None:
            # Not an address where one of our proxies should have written one: the client is
            # unknown, and the nearest proxy we trust stands for it rather than any guess.
            break
        client = hop
        if not any(hop in network for network in proxies):
            break
    return str(client)
