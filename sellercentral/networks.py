"""Whether an address is in a list of networks (``env_networks``' settings): one way for all."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable


def in_networks(address: str, networks: Iterable[ipaddress.IPv4Network | ipaddress.IPv6Network]) -> bool:
    """``address`` (``192.0.2.1``, ``[2001:db8::1]``, ``fe80::1%eth0``; an IPv4 address mapped into
    IPv6 counts as itself) is in one of ``networks``; False for anything that is not an address."""
    try:
        parsed = ipaddress.ip_address(address.strip().strip("[]").split("%")[0])
    except ValueError:
        return False
    if isinstance(parsed, ipaddress.IPv6Address) and parsed.ipv4_mapped:
        parsed = parsed.ipv4_mapped
    return any(parsed in network for network in networks)
