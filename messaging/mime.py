"""Reading inbound mail and cleaning what we show or relay of it.

Parsing never trusts the input: any failure of the standard library's parser on a
message becomes ``UnparseableMail`` (an SMTP 554 / HTTP 400), never an exception that
escapes to the server.
"""

from __future__ import annotations

import contextlib
import email
import email.parser
import email.policy
import html
import mimetypes
import re
import unicodedata
from dataclasses import dataclass, field
from email.headerregistry import Address
from email.message import EmailMessage, Message
from email.utils import getaddresses, parseaddr

import nh3

MAX_SUBJECT_CHARS = 300
AUTO_SUBJECT = re.compile(
    r"^\s*(automatic reply|auto(matic)?[- ]?reply|out of (the )?office|autoreply)\b", re.I
)
AUTO_PRECEDENCE = {"auto_reply", "bulk", "junk", "list"}
MESSAGE_ID = re.compile(r"<[^<>\s]{1,900}>")
ALLOWED_TAGS = {
    "a", "b", "blockquote", "br", "code", "div", "em", "h1", "h2", "h3", "h4", "hr", "i", "li",
    "ol", "p", "pre", "span", "strong", "table", "tbody", "td", "th", "thead", "tr", "u", "ul",
}  # fmt: skip
# A file name is at most this many characters, and this many bytes in UTF-8: file systems
# count bytes (255 on most), and Django's storage adds a suffix to a name already taken.
MAX_FILENAME_CHARS = 120
MAX_FILENAME_BYTES = 200
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "td": {"colspan", "rowspan"}, "th": {"colspan", "rowspan"}}


class UnparseableMail(ValueError):
    """The bytes are not a message we can read (no usable From, broken structure …)."""


@dataclass
class ParsedAttachment:
    filename: str
    content_type: str
    content: bytes
    charset: str = ""  # as its Content-Type says (text), "" when it says none


@dataclass
class ParsedMail:
    from_address: str
    from_name: str
    subject: str
    message_id: str
    in_reply_to: str
    references: list[str]
    recipients: list[str]
    text: str
    html: str
    is_automatic: bool
    attachments: list[ParsedAttachment] = field(default_factory=list)


class _HeadersParsedOnce(email.policy.EmailPolicy):
    """``email.policy.default`` for one message, except that a header is parsed once.

    The default policy parses a header again each time it is read (``Content-Type`` alone
    some ten times while the bodies and attachments are looked for); this one keeps what it
    parsed, for the length of one message only.
    """

    def __init__(self) -> None:
        super().__init__(header_factory=email.policy.default.header_factory)
        object.__setattr__(self, "_parsed", {})

    def header_fetch_parse(self, name, value):
        if hasattr(value, "name"):
            return value
        parsed = self._parsed.get((name, value))
        if parsed is None:
            parsed = self._parsed[(name, value)] = super().header_fetch_parse(name, value)
        return parsed


def parse(raw: bytes, *, envelope_from: str | None = None) -> ParsedMail:
    """Read ``raw`` (RFC 5322 bytes). ``envelope_from=""`` (MAIL FROM:<>) marks a bounce."""
    try:
        return _read(_message_from_bytes(raw), envelope_from)
    except UnparseableMail:
        raise
    except Exception as exc:  # the stdlib parser has many ways to fail on hostile input
        raise UnparseableMail(f"cannot read the message: {type(exc).__name__}") from exc


FEED_CHUNK = 8192  # what ``email.parser.Parser`` reads at a time


def _message_from_bytes(raw: bytes) -> EmailMessage:
    """``email.message_from_bytes(raw)``, fed to the same parser in the same pieces, without
    its copies of the whole mail: it decodes all of it to one string, then reads that through
    a StringIO, which holds four bytes a character (some 140 MB at the peak for a 20 MB mail,
    against some 40 MB here)."""
    parser = email.parser.BytesFeedParser(policy=_HeadersParsedOnce())
    for start in range(0, len(raw), FEED_CHUNK):
        parser.feed(raw[start : start + FEED_CHUNK])
    return parser.close()


def _header(message: Message, name: str) -> str:
    value = message.get(name)
    if value is None:
        return ""
    # NUL bytes cannot be stored (PostgreSQL refuses them in text) and mean nothing here.
    return re.sub(r"\s+", " ", str(value).replace("\x00", "")).strip()


def _read(message: EmailMessage, envelope_from: str | None) -> ParsedMail:
    if not message.keys():
        raise UnparseableMail("the message has no headers")
    from_name, from_address = parseaddr(_header(message, "From"))
    if not from_address or "@" not in from_address:
        raise UnparseableMail("the message has no readable From address")
    from_address = from_address.strip().lower()
    if not _valid_address(from_address):
        raise UnparseableMail("the From address is not valid")
    subject = _header(message, "Subject")[:MAX_SUBJECT_CHARS]
    text, html_body = _bodies(message)
    return ParsedMail(
        from_address=from_address,
        from_name=from_name.strip()[:200],
        subject=subject,
        message_id=_first_message_id(_header(message, "Message-ID")),
        in_reply_to=_first_message_id(_header(message, "In-Reply-To")),
        references=MESSAGE_ID.findall(_header(message, "References"))[-20:],
        recipients=_recipients(message),
        text=text,
        html=html_body,
        is_automatic=_is_automatic(message, subject, envelope_from),
        attachments=_attachments(message),
    )


def _valid_address(address: str) -> bool:
    """An RFC 5322 addr-spec; the local part may be UTF-8 (RFC 6531/6532: SMTPUTF8 mail), which
    the standard library flags as a defect: it is checked as if its letters were ASCII."""
    try:
        address.encode("utf-8")  # no undecodable bytes (surrogates)
        local, at, domain = address.rpartition("@")
        ascii_local = "".join(c if c.isascii() else ("x" if c.isalnum() else "\x00") for c in local)
        Address(addr_spec=ascii_local + at + domain)
    except Exception:
        return False
    return bool(at and local)


def _first_message_id(value: str) -> str:
    match = MESSAGE_ID.search(value)
    return match.group(0) if match else ""


def _recipients(message: Message) -> list[str]:
    values = []
    for name in ("To", "Cc", "Delivered-To", "X-Original-To"):
        values.extend(str(v).replace("\x00", "") for v in message.get_all(name, []))
    addresses = [address.strip().lower() for _, address in getaddresses(values) if "@" in address]
    return list(dict.fromkeys(addresses))


def _is_automatic(message: Message, subject: str, envelope_from: str | None) -> bool:
    """RFC 3834 and the common vendor markers of auto-replies, plus bounces (DSNs)."""
    auto_submitted = _header(message, "Auto-Submitted").lower()
    if auto_submitted and auto_submitted != "no":
        return True
    if any(
        message.get(name) is not None for name in ("X-Autoreply", "X-Autorespond", "X-Auto-Response-Suppress")
    ):
        return True
    if _header(message, "Precedence").lower() in AUTO_PRECEDENCE:
        return True
    if message.get_content_type() == "multipart/report" or envelope_from == "":
        return True
    return bool(AUTO_SUBJECT.match(subject))


def _decode(part: Message) -> str:
    # An unknown charset or a broken transfer encoding: decode by hand below.
    with contextlib.suppress(Exception):
        content = part.get_content()
        if isinstance(content, str):
            return content
    payload = part.get_payload(decode=True) or b""
    charset = part.get_content_charset() or "utf-8"
    try:
        return payload.decode(charset, errors="replace")
    except LookupError:
        return payload.decode("utf-8", errors="replace")


def _bodies(message: EmailMessage) -> tuple[str, str]:
    text_part = message.get_body(preferencelist=("plain",))
    html_part = message.get_body(preferencelist=("html",))
    text = _decode(text_part) if text_part is not None else ""
    html_body = _decode(html_part) if html_part is not None else ""
    if not text and html_body:
        text = html_to_text(html_body)
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", ""), html_body.replace("\x00", "")


def _attachments(message: EmailMessage) -> list[ParsedAttachment]:
    """The files a mail carries: its parts with a name or marked as attachments, and every
    attached mail (message/rfc822) whole, as one .eml file, never its parts one by one (a
    forwarded mail's headers and text would otherwise be lost, or relayed without masking)."""
    found = []
    # Depth first, in the mail's order: a stack, its children pushed last-first (popping the
    # head of a list instead costs a copy of the rest for every part).
    stack = [message]
    while stack:
        part = stack.pop()
        if part is not message and part.get_content_type() == "message/rfc822":
            name = safe_filename(part.get_filename() or "forwarded message")
            name = name if name.lower().endswith(".eml") else safe_filename(f"{name}.eml")
            found.append(ParsedAttachment(name, "message/rfc822", _attached_mail(part)))
            continue
        if part.is_multipart():
            stack.extend(reversed(part.get_payload()))
            continue
        filename = part.get_filename()
        if not filename and part.get_content_disposition() != "attachment":
            continue
        content_type = part.get_content_type()
        found.append(
            ParsedAttachment(
                filename=safe_filename(
                    filename or f"attachment{mimetypes.guess_extension(content_type) or ''}"
                ),
                content_type=content_type,
                content=part.get_payload(decode=True) or b"",
                charset=part.get_content_charset() or "",
            )
        )
    return found


def _attached_mail(part: Message) -> bytes:
    """The bytes of an attached mail (what the parser read of it, written out again)."""
    inner = part.get_payload()
    if isinstance(inner, list) and inner:
        with contextlib.suppress(Exception):  # too broken to write out: an empty file, no leak
            return inner[0].as_bytes(policy=email.policy.default.clone(linesep="\r\n"))
        return b""
    return part.get_payload(decode=True) or b""


def safe_filename(name: str) -> str:
    """A file name safe to store, show and send on: no path (either separator), only letters,
    digits, ``_ - .`` and spaces (control characters, quotes, direction overrides … become
    ``_``), no leading or trailing dot or space (no hidden file, no ``..``), composed Unicode
    (macOS sends names decomposed), at most ``MAX_FILENAME_CHARS`` characters and
    ``MAX_FILENAME_BYTES`` bytes. A long name is cut before its extension, which says what kind
    of file it is."""
    name = unicodedata.normalize("NFC", name).replace("\\", "/").rsplit("/", 1)[-1]
    name = re.sub(r"[^\w.\- ]+", "_", name).strip(" .") or "attachment"
    stem, dot, extension = name.rpartition(".")
    if not stem or len(extension) > 10:
        stem, dot, extension = name, "", ""
    ending = dot + extension
    room = MAX_FILENAME_BYTES - len(ending.encode())
    stem = stem[: MAX_FILENAME_CHARS - len(ending)]
    while len(stem.encode()) > room:  # a character at a time: never half of one
        stem = stem[:-1]
    return (stem.rstrip(" .") or "attachment") + ending


def html_to_text(markup: str) -> str:
    """A readable text version of an HTML body: tags dropped, entities decoded."""
    markup = re.sub(r"(?is)<(script|style)\b.*?</\1\s*>", "", markup)
    markup = re.sub(r"(?i)<br\s*/?>|</p\s*>|</div\s*>|</li\s*>|</tr\s*>", "\n", markup)
    text = html.unescape(re.sub(r"<[^>]+>", "", markup))
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def sanitise_html(markup: str) -> str:
    """Allow-list HTML (nh3): no script, no event handlers, no javascript: links, no styles."""
    if not markup:
        return ""
    return nh3.clean(
        markup,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )


def replace_addresses(text: str, replacements: dict[str, str]) -> str:
    """Put each real address's masked one in its place, however it is written.

    Matches any letter case and the ``@`` as written in HTML entities or URL encoding,
    so a real address survives neither in quoted text nor in a ``mailto:`` link.
    """
    for real, masked in replacements.items():
        if not real or "@" not in real:
            continue
        local, domain = real.rsplit("@", 1)
        at = r"(?:@|&#0*64;?|&#x0*40;?|%40|=40|&commat;)"  # =40: quoted-printable (vCard 2.1)
        # Whole addresses only: not the tail of "xbob@…" nor the head of "…example.com.au".
        pattern = re.compile(
            r"(?<![\w.+%-])" + re.escape(local) + at + re.escape(domain) + r"(?![\w-]|\.\w)", re.I
        )
        text = pattern.sub(masked, text)
    return text


def still_shows(markup: str, real_addresses) -> bool:
    """Whether an HTML body still shows a real address once tags, entities and URL escapes go."""
    from urllib.parse import unquote

    visible = unquote(html.unescape(html_to_text(markup) + " " + markup)).lower()
    visible = re.sub(r"\s+", "", visible)
    return any(address and address.lower() in visible for address in real_addresses)
