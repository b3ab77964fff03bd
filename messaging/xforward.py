"""Postfix's XFORWARD (www.postfix.org/XFORWARD_README.html): the original client behind our MX.

Behind a Postfix MX the relay's peer is the MX, not the sender's server, and the MX's address
may well be in ``RELAY_TRUSTED_NETWORKS`` (loopback, the LAN). SPF must be checked against the
client that connected to the MX and the HELO name it gave; Postfix passes both with
``smtp_send_xforward_command = yes`` when we announce XFORWARD.

Only a peer in ``settings.RELAY_MX_NETWORKS`` is told about XFORWARD and may use it: from
anyone else the command is refused (550), so nobody on the Internet can claim an address.
A peer in those networks is judged by what it forwards, never by its own address: a mail
from it without ``ADDR`` has an unknown client (no SPF pass, not a trusted network), so a
misconfigured MX cannot turn the Internet's mail into "trusted". The attributes hold for one
mail transaction (Postfix sends them before each ``MAIL FROM``): RSET and the end of DATA
forget them.
"""

from __future__ import annotations

import ipaddress
import re

from django.conf import settings

from sellercentral.networks import in_networks

ATTRIBUTES = ("NAME", "ADDR", "PORT", "PROTO", "HELO", "IDENT", "SOURCE")
KEYWORD = "XFORWARD " + " ".join(ATTRIBUTES)  # the EHLO line
UNAVAILABLE = {"[UNAVAILABLE]", "[TEMPUNAVAIL]"}
_PAIR = re.compile(r"([A-Za-z]+)=(\S*)")
_XTEXT = re.compile(r"\+([0-9A-F]{2})")

OK = "250 2.0.0 Ok"
NOT_AUTHORISED = "550 5.7.0 Insufficient authorization"
IN_TRANSACTION = "503 5.5.1 Error: MAIL transaction in progress"
BAD_SYNTAX = "501 5.5.4 Bad XFORWARD command syntax"


def from_mx(peer) -> bool:
    """True when the SMTP peer (``session.peer``) is one of our MX hosts."""
    if not settings.RELAY_MX_NETWORKS or not isinstance(peer, tuple):
        return False
    return in_networks(str(peer[0]), settings.RELAY_MX_NETWORKS)


def session_from_mx(session) -> bool:
    """``from_mx`` for the session's peer, decided once per connection (its peer never changes)
    and kept on the session, rather than matched against the networks at every command."""
    known = vars(session).get("from_mx")
    if known is None:
        known = vars(session)["from_mx"] = from_mx(session.peer)
    return known


def _xtext(value: str) -> str:
    """RFC 3461 xtext: ``+HH`` is the byte HH (ASCII only, as the syntax allows)."""
    decoded = _XTEXT.sub(lambda match: chr(int(match.group(1), 16)), value)
    if "+" in _XTEXT.sub("", value) or not decoded.isascii():
        raise ValueError(f"not xtext: {value!r}")
    return decoded


def _address(value: str) -> str:
    """``ADDR``: an IPv4 address, or ``IPv6:`` and an IPv6 address (as Postfix writes it)."""
    text = value[5:] if value.lower().startswith("ipv6:") else value
    return str(ipaddress.ip_address(text))  # raises ValueError on anything else


def parse(arg: str | None) -> dict[str, str]:
    """``NAME=mx.example ADDR=192.0.2.1 …`` → {"NAME": "mx.example", "ADDR": "192.0.2.1"};
    an unavailable value is "". Raises ValueError on anything the syntax does not allow."""
    items = (arg or "").split()
    if not items:
        raise ValueError("no attributes")
    found: dict[str, str] = {}
    for item in items:
        match = _PAIR.fullmatch(item)
        if not match or match.group(1).upper() not in ATTRIBUTES:
            raise ValueError(f"not an attribute: {item!r}")
        name, value = match.group(1).upper(), _xtext(match.group(2))
        if value.upper() in UNAVAILABLE:
            value = ""
        elif name == "ADDR":
            value = _address(value)
        found[name] = value
    return found


def client_of(session) -> tuple[str, str]:
    """(client address, HELO name) to authenticate a mail by: the MX's XFORWARD values for
    a peer in ``RELAY_MX_NETWORKS`` ("" where it sent none), else the peer's own."""
    if session_from_mx(session):
        forwarded = vars(session).get("xforward") or {}
        return forwarded.get("ADDR", ""), forwarded.get("HELO", "")
    address = session.peer[0] if isinstance(session.peer, tuple) else ""
    return address, session.host_name or ""
