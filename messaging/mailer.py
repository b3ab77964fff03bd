"""The outbound mail backend: Django's SMTP backend, DKIM-signing every mail it sends, and
writing the envelope itself so that an international address is never mangled.

Django's backend passes every address through ``sanitize_address``, which writes a UTF-8
local part (``jürgen@example.com``) as an RFC 2047 word: a mailbox that does not exist, in the
envelope and in ``To:``. Here an address with a non-ASCII local part goes out as it is, with
the ``SMTPUTF8`` parameter (RFC 6531) and the headers in UTF-8 (RFC 6532), when the server
offers SMTPUTF8; when it does not, ``InternationalAddressRefused`` (permanent: the outbox
bounces the mail and tells its sender). Domains always go as IDNA A-labels, which every
server takes. A body with 8-bit bytes is announced with ``BODY=8BITMIME``, or re-encoded as
quoted-printable for a server that does not offer it (RFC 6152 forbids 8 bits there).

The client names itself ``RELAY_HOSTNAME`` in EHLO (not the machine's name), and a mail
without a ``Message-ID`` gets one at the relay's domain.
"""

from __future__ import annotations

import quopri
import smtplib
from email import _header_value_parser as parser
from email.headerregistry import Address
from email.utils import getaddresses, make_msgid

from django.conf import settings
from django.core.mail.backends.smtp import EmailBackend
from django.utils.encoding import punycode

from . import dkim

# The headers whose addresses are rewritten in UTF-8 for an SMTPUTF8 mail.
_ADDRESS_HEADERS = ("From", "Sender", "Reply-To", "To", "Cc")


class InternationalAddressRefused(smtplib.SMTPException):
    """The mail needs SMTPUTF8 and the server does not offer it: it can never be delivered
    there (the address must not be rewritten), so this is a permanent failure."""

    reason = (
        "The recipient's address contains non-ASCII characters, and the mail server does "
        "not accept such addresses (no SMTPUTF8)."
    )

    def __init__(self) -> None:
        super().__init__(self.reason)


def _mailbox(address: str) -> tuple[str, str, str]:
    """(display name, local part, A-label domain), parsed as Django parses an address; a
    newline (a command smuggled into the envelope) or a missing part is refused likewise."""
    try:
        token, rest = parser.get_mailbox(address)
    except (parser.HeaderParseError, ValueError, IndexError):
        raise ValueError(f"Invalid address {address!r}") from None
    local, domain = token.local_part or "", token.domain or ""
    if rest or not local or not domain or "\r" in local + domain or "\n" in local + domain:
        raise ValueError(f"Invalid address {address!r}")
    return token.display_name or "", local, punycode(domain)


def envelope_address(address: str) -> tuple[str, bool]:
    """The bare address for ``MAIL FROM`` / ``RCPT TO`` and whether it needs SMTPUTF8 (a
    non-ASCII local part)."""
    _, local, domain = _mailbox(address)
    return Address(username=local, domain=domain).addr_spec, not local.isascii()


def _original_header(email_message, name: str) -> str:
    """The header as the caller wrote it, before Django sanitised it."""
    extra = {key.lower(): value for key, value in email_message.extra_headers.items()}
    if name.lower() in extra:
        return str(extra[name.lower()])
    return {
        "from": email_message.from_email,
        "to": ", ".join(email_message.to),
        "cc": ", ".join(email_message.cc),
        "reply-to": ", ".join(email_message.reply_to),
    }.get(name.lower(), "")


def _utf8_mailbox(name: str, address: str) -> str:
    """``Name <address>`` in UTF-8, the name quoted as needed (RFC 6532 allows both raw)."""
    _, local, domain = _mailbox(address)
    return str(Address(display_name=name, username=local, domain=domain))


def _international_headers(email_message) -> dict[str, str]:
    """The address headers with a non-ASCII local part, written out in UTF-8."""
    found = {}
    for name in _ADDRESS_HEADERS:
        value = _original_header(email_message, name)
        pairs = getaddresses([value]) if value else []
        if any(not address.partition("@")[0].isascii() for _, address in pairs):
            found[name] = ", ".join(_utf8_mailbox(*pair) for pair in pairs)
    return found


def _seven_bit(message) -> None:
    """Every 8-bit part re-encoded as quoted-printable, for a server without 8BITMIME."""
    for part in message.walk():
        if part.is_multipart() or str(part.get("Content-Transfer-Encoding", "")).lower() != "8bit":
            continue
        body = part.get_payload(decode=True)
        del part["Content-Transfer-Encoding"]
        part.set_payload(quopri.encodestring(body).decode("ascii"))
        part["Content-Transfer-Encoding"] = "quoted-printable"


class DKIMSigningSMTPBackend(EmailBackend):
    """``EMAIL_BACKEND = "messaging.mailer.DKIMSigningSMTPBackend"``.

    The signature covers the exact bytes handed to the server. The envelope sender is the
    message's ``from_email``, which may differ from its ``From:`` header (set in
    ``headers``): the signing domain follows ``From:``, the bounces follow the envelope.
    """

    @property
    def connection_class(self):
        base = super().connection_class
        hostname = settings.RELAY_HOSTNAME

        # Django names the client after the machine (socket.getfqdn()); a receiving server
        # checks the EHLO name against the sending address's PTR record, so it is ours.
        def connect(host, port, **params):
            return base(host, port, **{**params, "local_hostname": hostname})

        return connect

    def _send(self, email_message):
        if not email_message.recipients():
            return False
        sender, sender_utf8 = envelope_address(email_message.from_email)
        recipients = [envelope_address(address) for address in email_message.recipients()]
        utf8_headers = _international_headers(email_message)
        international = sender_utf8 or any(utf8 for _, utf8 in recipients) or bool(utf8_headers)
        message = email_message.message()
        if "message-id" not in {key.lower() for key in email_message.extra_headers}:
            # Django's own names the machine (socket.getfqdn()): the relay's domain instead.
            message.replace_header("Message-ID", make_msgid(domain=settings.RELAY_BASE_DOMAIN))
        try:
            self.connection.ehlo_or_helo_if_needed()
            options = []
            if international:
                if not self.connection.has_extn("smtputf8"):
                    raise InternationalAddressRefused()
                options.append("SMTPUTF8")
                for name, value in utf8_headers.items():
                    # Raw UTF-8 in the header (RFC 6532): the generator writes a header
                    # holding surrogate escapes byte for byte, without encoded words.
                    message.replace_header(name, value.encode().decode("ascii", "surrogateescape"))
            elif not self.connection.has_extn("8bitmime"):
                _seven_bit(message)
            raw = message.as_bytes(linesep="\r\n")
            if not raw.isascii() and self.connection.has_extn("8bitmime"):
                options.append("BODY=8BITMIME")
            signed = dkim.sign(raw, domain=dkim.signing_domain(raw))
            self.connection.sendmail(sender, [address for address, _ in recipients], signed, options)
        except smtplib.SMTPException:
            if not self.fail_silently:
                raise
            return False
        return True
