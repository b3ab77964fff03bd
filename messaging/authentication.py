"""Who really sent a mail: SPF, DKIM and DMARC alignment (RFC 7208, 6376, 7489).

A ``From:`` identity counts only when it is *authenticated*: an SPF pass for a domain, or a
DKIM signature passing for a domain, whose organisational domain (Public Suffix List, the
copy ``publicsuffixlist`` ships) equals the ``From:`` domain's — DMARC's relaxed alignment.
A client in ``settings.RELAY_TRUSTED_NETWORKS`` counts as an aligned SPF pass. A DNS failure
that left the question open is ``temporary`` (answer 4xx), never a refusal.

``authenticate()`` checks a mail received over SMTP itself, every look-up through
``messaging.dns``; ``verdict_from_authentication_results()`` reads the verdict of the mail
provider that posts to the webhook, from its own ``Authentication-Results`` header only.
"""

from __future__ import annotations

import contextlib
import email.policy
import re
from dataclasses import dataclass, replace
from email.errors import InvalidHeaderDefect
from email.parser import HeaderParser
from email.utils import parseaddr
from functools import cache

import authres
import dkim
import spf
from django.conf import settings
from publicsuffixlist import PublicSuffixList

from sellercentral.networks import in_networks

from . import dns as relay_dns

SPF_TIME_LIMIT = 10.0  # seconds for one SPF evaluation, all its look-ups (RFC 7208 §4.6.4: ≥ 20 s)
MAX_SIGNATURES = 5  # DKIM signatures verified per mail; more are ignored (bounded DNS work)
_TOKEN = re.compile(r"[A-Za-z0-9._-]{1,253}")  # what we write as a property value in summary()


@dataclass(frozen=True)
class Verdict:
    authenticated: bool  # an aligned SPF or DKIM pass for the one From: address
    temporary: bool  # not authenticated, and a DNS failure may be why: answer 4xx, not 5xx
    from_address: str  # the one From: address (lower case), "" when none or ambiguous
    from_domain: str
    spf: str  # pass fail softfail neutral none temperror permerror
    spf_domain: str = ""  # the domain SPF vouched for: MAIL FROM's, or HELO's when MAIL FROM:<>
    spf_scope: str = "mailfrom"  # or "helo"
    spf_aligned: bool = False
    dkim: tuple[tuple[str, str], ...] = ()  # (d= domain, result) per signature, top first
    dkim_aligned: bool = False
    dmarc: str = "none"  # pass fail none temperror permerror
    dmarc_policy: str = ""  # the From domain's published p= (reject, quarantine, none)
    trusted_network: bool = False
    authserv_id: str = ""  # whose Authentication-Results were read; "" for our own checks

    @property
    def result(self) -> str:
        return "pass" if self.authenticated else ("temperror" if self.temporary else "fail")

    @property
    def dkim_domains(self) -> tuple[str, ...]:
        return tuple(domain for domain, result in self.dkim if result == "pass")

    def summary(self) -> str:
        """The results as an ``Authentication-Results`` value after its authserv-id."""
        spf_part = f"spf={self.spf}" + (" (trusted network)" if self.trusted_network else "")
        if _TOKEN.fullmatch(self.spf_domain):
            spf_part += f" smtp.{self.spf_scope}={self.spf_domain}"
        parts = [spf_part]
        for domain, result in self.dkim or (("", "none"),):
            parts.append(f"dkim={result}" + (f" header.d={domain}" if _TOKEN.fullmatch(domain) else ""))
        dmarc_part = f"dmarc={self.dmarc}" + (
            f" policy.dmarc={self.dmarc_policy}" if self.dmarc_policy else ""
        )
        if _TOKEN.fullmatch(self.from_domain):
            dmarc_part += f" header.from={self.from_domain}"
        return "; ".join([*parts, dmarc_part])


@cache
def _public_suffixes() -> PublicSuffixList:
    return PublicSuffixList()  # the list bundled with the package: never fetched at run time


def normalise_domain(domain: str) -> str:
    domain = domain.strip().rstrip(".").lower()
    if not domain.isascii():
        with contextlib.suppress(UnicodeError):
            domain = domain.encode("idna").decode("ascii")
    return domain


def organisational_domain(domain: str) -> str:
    """``mail.example.co.uk`` → ``example.co.uk`` (RFC 7489 §3.2); a public suffix is its own."""
    domain = normalise_domain(domain)
    return _public_suffixes().privatesuffix(domain) or domain


def aligned(domain: str, from_domain: str) -> bool:
    """Relaxed alignment: both domains share one organisational domain."""
    if not (domain and from_domain):
        return False
    return organisational_domain(domain) == organisational_domain(from_domain)


def _domain_of(address: str) -> str:
    return normalise_domain(address.rpartition("@")[2]) if "@" in address else ""


def _headers(raw: bytes):
    end = min((i for i in (raw.find(b"\r\n\r\n"), raw.find(b"\n\n")) if i >= 0), default=len(raw))
    text = raw[:end].decode("utf-8", "replace").replace("\x00", "")
    return HeaderParser(policy=email.policy.default).parsestr(text, headersonly=True)


def from_identity(raw: bytes) -> tuple[str, str]:
    """(address, domain) of the one ``From:`` address; ("", "") when there is not exactly one.

    The standard library's strict parser must read it without an invalid-syntax defect, and
    agree with ``parseaddr`` (which the relay's reader uses): no crafted header reads as one
    address here and as another there or in a mail client.
    """
    try:
        values = _headers(raw).get_all("From") or []
        if len(values) != 1:
            return "", ""
        addresses = values[0].addresses
        if len(addresses) != 1 or any(isinstance(d, InvalidHeaderDefect) for d in values[0].defects):
            return "", ""
        strict = addresses[0].addr_spec.strip().lower()
        loose = parseaddr(re.sub(r"\s+", " ", str(values[0])).strip())[1].strip().lower()
    except Exception:  # a hostile header can break the parser in many ways
        return "", ""
    if not strict or strict != loose or not _domain_of(strict):
        return "", ""
    return strict, _domain_of(strict)


def _trusted(client_ip: str) -> bool:
    return in_networks(client_ip, settings.RELAY_TRUSTED_NETWORKS)


def _spf(client_ip: str, envelope_from: str, helo: str) -> str:
    try:
        result, _code, _why = spf.query(
            i=client_ip, s=envelope_from, h=helo, querytime=SPF_TIME_LIMIT
        ).check()
    except spf.TempError:
        return "temperror"
    except Exception:  # a client address or name pyspf cannot read
        return "permerror"
    return {"ambiguous": "permerror"}.get(result, result)


# Any line that could begin a DKIM-Signature header (a superset of what dkimpy reads as one).
_MAYBE_SIGNED = re.compile(rb"^dkim-signature", re.I | re.M)


def _dkim(raw: bytes) -> tuple[tuple[str, str], ...]:
    if not _MAYBE_SIGNED.search(raw):
        return ()  # unsigned: dkimpy would find no signature, after copying the whole mail
    try:
        verifier = dkim.DKIM(raw, timeout=relay_dns.LIFETIME)
    except Exception:
        return ()
    signatures = [value for name, value in verifier.headers if name.lower() == b"dkim-signature"]
    results = []
    for index, value in enumerate(signatures[:MAX_SIGNATURES]):
        try:
            tags = dkim.util.parse_tag_value(value)
            domain = normalise_domain(tags.get(b"d", b"").decode("ascii", "replace"))
        except Exception:
            results.append(("", "permerror"))
            continue
        try:
            passed = verifier.verify(idx=index, dnsfunc=relay_dns.dkim_txt)
            # l= leaves the end of the body unsigned: anything may be appended, so no pass.
            result = ("policy" if b"l" in tags else "pass") if passed else "fail"
        except relay_dns.TemporaryDNSError:
            result = "temperror"
        except dkim.ValidationError:  # a body hash or header that does not match
            result = "fail"
        except Exception:  # a malformed signature or key record
            result = "permerror"
        results.append((domain, result))
    return tuple(results)


def _dmarc_policy(from_domain: str) -> tuple[str, str]:
    """(state, policy): state "found", "none" or "temperror"; the From or organisational domain's."""
    organisational = organisational_domain(from_domain)
    for name in dict.fromkeys([from_domain, organisational]):
        try:
            records = [
                r for r in relay_dns.txt_records(f"_dmarc.{name}") if re.match(r"v\s*=\s*DMARC1\s*(;|$)", r)
            ]
        except relay_dns.TemporaryDNSError:
            return "temperror", ""
        if len(records) == 1:  # none or several: no policy here (RFC 7489 §6.6.3)
            tags = {
                key.strip().lower(): value.strip().lower()
                for key, _, value in (tag.partition("=") for tag in records[0].split(";"))
            }
            policy = tags.get("sp") if name != from_domain and "sp" in tags else tags.get("p", "none")
            return "found", policy if policy in ("none", "quarantine", "reject") else "none"
    return "none", ""


def _verdict(identity, spf_part, signatures, dmarc_pass, **fields) -> Verdict:
    """Alignment and the outcome, decided one way for both doors."""
    (from_address, from_domain), (spf_result, spf_domain, scope) = identity, spf_part
    trusted = fields.get("trusted_network", False)
    spf_aligned = spf_result == "pass" and (trusted or aligned(spf_domain, from_domain))
    dkim_aligned = any(result == "pass" and aligned(domain, from_domain) for domain, result in signatures)
    authenticated = bool(from_domain) and (spf_aligned or dkim_aligned or dmarc_pass)
    results = [spf_result, fields.get("dmarc", ""), *(result for _, result in signatures)]
    return Verdict(
        authenticated=authenticated,
        temporary=bool(from_domain) and not authenticated and "temperror" in results,
        from_address=from_address,
        from_domain=from_domain,
        spf=spf_result,
        spf_domain=spf_domain,
        spf_scope=scope,
        spf_aligned=spf_aligned,
        dkim=tuple(signatures),
        dkim_aligned=dkim_aligned,
        **fields,
    )


def authenticate(*, client_ip: str, helo: str, envelope_from: str, raw: bytes) -> Verdict:
    """The verdict on a mail received over SMTP from ``client_ip`` (``envelope_from=""`` for ``<>``)."""
    identity = from_identity(raw)
    trusted = _trusted(client_ip)
    # SPF vouches for MAIL FROM's domain, or for the HELO name when MAIL FROM is <> (RFC 7208 §2.4).
    scope, spf_domain = ("mailfrom", _domain_of(envelope_from)) if envelope_from else ("helo", helo)
    spf_result = "pass" if trusted else _spf(client_ip, envelope_from, helo)
    spf_part = (spf_result, normalise_domain(spf_domain), scope)
    verdict = _verdict(identity, spf_part, _dkim(raw), False, trusted_network=trusted)
    if not verdict.from_domain:
        return replace(verdict, dmarc="permerror")  # no single From: address to align with
    if trusted:
        return verdict  # no DNS for our own networks' mail
    state, policy = _dmarc_policy(verdict.from_domain)
    dmarc = ("pass" if verdict.authenticated else "fail") if state == "found" else state
    return replace(verdict, dmarc=dmarc, dmarc_policy=policy)


def _parse_results(value: str):
    try:
        return authres.AuthenticationResultsHeader.parse_value(re.sub(r"\s+", " ", value))
    except Exception:  # not a header we can read, whoever wrote it
        return None


def _props(result) -> dict[str, str]:
    return {f"{p.type}.{p.name}".lower(): str(p.value or "") for p in result.properties}


def verdict_from_authentication_results(raw: bytes, authserv_id: str) -> Verdict:
    """The verdict in the topmost ``Authentication-Results`` stamped by ``authserv_id``.

    Headers of any other authserv-id are ignored (anyone can write one); so is everything
    when ``authserv_id`` is empty. Alignment is decided here, against our own reading of
    ``From:``, from the provider's spf (smtp.mailfrom / smtp.helo) and dkim (header.d)
    results; its dmarc=pass counts too when its header.from is that same domain.
    """
    identity = from_identity(raw)
    values = (_headers(raw).get_all("Authentication-Results") or []) if authserv_id else []
    headers = (_parse_results(str(value)) for value in values)
    header = next((h for h in headers if h and h.authserv_id.lower() == authserv_id.lower()), None)
    results = header.results if header is not None else []
    spf_result, scope, spf_domain = "none", "mailfrom", ""
    for result in [r for r in results if r.method == "spf"][:1]:
        found = _props(result)
        spf_result = {"hardfail": "fail"}.get(result.result.lower(), result.result.lower())
        scope = "mailfrom" if "smtp.mailfrom" in found else "helo"
        sender = found.get("smtp.mailfrom", found.get("smtp.helo", ""))
        spf_domain = _domain_of(sender) if "@" in sender else normalise_domain(sender)
    signatures = []
    for result in (r for r in results if r.method == "dkim"):
        found = _props(result)
        domain = normalise_domain(found.get("header.d", "")) or _domain_of(found.get("header.i", ""))
        signatures.append((domain, result.result.lower()))
    dmarc = "none" if identity[1] else "permerror"
    for result in [r for r in results if r.method == "dmarc"][:1]:
        if identity[1] and normalise_domain(_props(result).get("header.from", "")) == identity[1]:
            dmarc = result.result.lower()
    spf_part = (spf_result, spf_domain, scope)
    authserv = authserv_id if header is not None else ""
    return _verdict(identity, spf_part, signatures, dmarc == "pass", dmarc=dmarc, authserv_id=authserv)
