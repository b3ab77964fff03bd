"""The relay's one DNS resolver: every SPF, DKIM and DMARC look-up goes through it.

``settings.RELAY_DNS_NAMESERVERS`` names the servers (``[(ip, port), …]``); empty means the
system's resolver (``/etc/resolv.conf``). Look-ups are short: a server that does not answer
within ``TIMEOUT`` seconds is given up, the whole look-up within ``LIFETIME``. Answers are
cached in the process for their TTL. A timeout or
SERVFAIL raises ``TemporaryDNSError`` (the caller answers 4xx, the sender retries); a name
that does not exist, or has no record of the type, is an empty answer.

pyspf has no per-call resolver argument: its look-ups all go through the module global
``spf.DNSLookup`` (which it points at dnspython's *default* resolver), so importing this
module points that global at ``spf_lookup`` below. dkimpy takes ``dnsfunc=dkim_txt``.
"""

from __future__ import annotations

import threading

import dns.exception
import dns.name
import dns.nameserver
import dns.rdatatype
import dns.resolver
import spf
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver

TIMEOUT = 2.0  # seconds for one server to answer
LIFETIME = 4.0  # seconds for a whole look-up, all servers and retries included
CACHED_ANSWERS = 10_000  # answers kept for their TTL, the least recently used dropped first

_lock = threading.Lock()
_resolver: dns.resolver.Resolver | None = None


class TemporaryDNSError(Exception):
    """The answer could not be had now (timeout, SERVFAIL, no server reachable)."""


def resolver() -> dns.resolver.Resolver:
    """The resolver for ``RELAY_DNS_NAMESERVERS`` (built once; rebuilt when the setting changes)."""
    global _resolver
    with _lock:
        if _resolver is None:
            servers = settings.RELAY_DNS_NAMESERVERS
            if servers:
                built = dns.resolver.Resolver(configure=False)
                built.nameservers = [dns.nameserver.Do53Nameserver(ip, port) for ip, port in servers]
            else:
                built = dns.resolver.Resolver()
            built.timeout = TIMEOUT
            built.lifetime = LIFETIME
            # Each answer is kept for its TTL: a sender's SPF, DKIM key and DMARC policy are
            # asked once, not for every mail of theirs (as a caching resolver would).
            built.cache = dns.resolver.LRUCache(CACHED_ANSWERS)
            _resolver = built
        return _resolver


@receiver(setting_changed)
def _forget_resolver(*, setting, **kwargs) -> None:
    global _resolver
    if setting == "RELAY_DNS_NAMESERVERS":
        with _lock:
            _resolver = None


def _resolve(name: str, rdtype: str) -> dns.resolver.Answer | None:
    """The answer, or None when the name or the record type does not exist."""
    try:
        return resolver().resolve(
            dns.name.from_text(name), rdtype, search=False, raise_on_no_answer=False, lifetime=LIFETIME
        )
    except dns.resolver.NXDOMAIN:
        return None
    except (dns.exception.Timeout, dns.resolver.NoNameservers, dns.resolver.NoResolverConfiguration) as exc:
        raise TemporaryDNSError(f"{rdtype} {name}: {exc}") from exc
    except (dns.name.LabelTooLong, dns.name.EmptyLabel, dns.name.NameTooLong, UnicodeError):
        return None  # not a name DNS can hold: nothing is published there
    except dns.exception.DNSException as exc:  # a malformed answer: as good as none now
        raise TemporaryDNSError(f"{rdtype} {name}: {exc}") from exc


def txt_records(name: str) -> list[str]:
    """Every TXT record at ``name``, each one's strings joined (non-UTF-8 bytes replaced)."""
    answer = _resolve(name, "TXT")
    if answer is None or answer.rrset is None:
        return []
    return [b"".join(rdata.strings).decode("utf-8", "replace") for rdata in answer]


def dkim_txt(name: bytes | str, timeout: float = LIFETIME) -> bytes | None:
    """dkimpy's ``dnsfunc``: the DKIM key record at ``name`` (``<s>._domainkey.<d>.``)."""
    text = name.decode("ascii", "replace") if isinstance(name, bytes) else name
    records = txt_records(text)
    keys = [record for record in records if "p=" in record]
    chosen = keys[0] if keys else (records[0] if records else None)
    return chosen.encode("utf-8") if chosen is not None else None


def spf_lookup(name: str, qtype: str, strict: bool = True, timeout: float = LIFETIME) -> list:
    """pyspf's ``DNSLookup``: ``[((name, qtype), value), …]`` in its own shapes, through ``resolver()``."""
    try:
        answer = _resolve(name, qtype)
    except TemporaryDNSError as exc:
        raise spf.TempError(f"DNS {exc}") from exc
    if answer is None or answer.rrset is None:
        return []
    found = []
    for rdata in answer:
        if qtype in ("A", "AAAA"):
            found.append(((name, qtype), rdata.address))
        elif qtype == "MX":
            found.append(((name, qtype), (rdata.preference, rdata.exchange)))
        elif qtype == "PTR":
            found.append(((name, qtype), rdata.target.to_text(True)))
        elif qtype in ("TXT", "SPF"):
            found.append(((name, qtype), rdata.strings))
    return found


spf.DNSLookup = spf_lookup
