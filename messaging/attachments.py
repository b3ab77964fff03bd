"""Real addresses inside attachments: masked where the file can be masked, else withheld.

An attachment is relayed as it is stored, so it is stored masked, as a body is (``masking.py``,
the same replacements). By its kind (``policy.ATTACHMENT_KINDS``): text files are masked in
their own charset; an attached mail (.eml) part by part, headers included; images, PDFs and
office documents, which a replacement would break, are searched (inside their compressed
streams and archives too). Every result is checked again, however an address may be written
(escaped, split by markup or across lines). A file in which one still shows, or that cannot be
read for sure (an unknown charset, a damaged archive), is withheld, with a note in the message
(``with_notes``). docs/messaging.md, Attachments, says more.
"""

from __future__ import annotations

import base64
import codecs
import email
import email.policy
import html
import io
import logging
import mimetypes
import quopri
import re
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from email.message import EmailMessage
from pathlib import PurePosixPath
from urllib.parse import unquote

from . import mime, policy

logger = logging.getLogger(__name__)
SHOWS_ADDRESS = "it shows an e-mail address that could not be masked"
UNREADABLE = "it could not be read to check it for e-mail addresses"
TOO_BIG_TO_CHECK = "it unpacks to more than can be checked for e-mail addresses"
NOT_ACCEPTED_INSIDE = "it carries a file of a kind that is not accepted"
CARD_TYPES = {"text/vcard", "text/x-vcard", "text/directory", "text/calendar"}
# An @ however a file may write it: entities, URL and quoted-printable escapes, PDF's octal.
_AT = rb"(?:@|&\#0{0,4}64;?|&\#x0{0,4}40;?|%40|=40|&commat;|\\100)"
_TAG = re.compile(rb"<[^<>]{0,1000}>")
_PDF_STREAM = re.compile(rb"(?<!end)stream\r?\n")
_PDF_KERNING = re.compile(rb"\)\s{0,20}-?[\d.]{1,20}\s{0,20}\(")  # "(luca.de) -20 (pasqua@…" in a TJ array


@dataclass(frozen=True)
class _Finder:
    """One way a real address is written in bytes: found by its longest literal piece (a fast
    ``bytes.find``), then its whole ``pattern`` looked for around each place it is."""

    piece: bytes
    pattern: re.Pattern[bytes]
    reach: int  # how far the whole address may stretch either side of the piece


def _finders(addresses: list[str]) -> list[_Finder]:
    finders = []
    for address in addresses:
        local, _, domain = address.rpartition("@")
        # As written in UTF-8 or any ASCII-based charset, with the @ however a file writes it;
        # and in UTF-16 either way round, as Word and Excel files and PDF strings write text.
        forms = [(local.encode(), _AT, domain.encode())]
        forms += [
            (local.encode(e), re.escape("@".encode(e)), domain.encode(e)) for e in ("utf-16-le", "utf-16-be")
        ]
        for head, at, tail in forms:
            pattern = re.compile(re.escape(head) + at + re.escape(tail))
            finders.append(_Finder(max(head, tail, key=len), pattern, len(head) + len(tail) + 24))
    return finders


class _Withheld(Exception):
    """An attachment that is not passed on; the message says why."""


@dataclass(frozen=True)
class Screened:
    kept: list[mime.ParsedAttachment]  # masked, or found without a real address
    notes: list[str]  # one sentence per withheld file


def screen_attachments(attachments: list[mime.ParsedAttachment], masking: dict[str, str]) -> Screened:
    """Each attachment masked, or withheld with a note; ``masking`` is real → masked address."""
    screen = _Screen(masking)
    kept, notes = [], []
    for attachment in attachments:
        filename = screen.mask_filename(attachment.filename)
        try:
            content = screen.masked(attachment)
        except _Withheld as why:
            notes.append(f'The attachment "{filename}" was withheld: {why}.')
        except Exception:  # a file we failed to read: withheld, the mail still taken
            logger.exception("attachment %r could not be screened", filename)
            notes.append(f'The attachment "{filename}" was withheld: {UNREADABLE}.')
        else:
            kept.append(replace(attachment, filename=filename, content=content))
    return Screened(kept=kept, notes=notes)


def with_notes(text: str, markup: str, notes: list[str]) -> tuple[str, str]:
    """The message's text and HTML with the notes of its withheld files after them."""
    if not notes:
        return text, markup
    text = "\n\n".join([text.rstrip(), *(f"[{note}]" for note in notes)]).lstrip()
    if markup:
        markup += "".join(f"<p><em>{html.escape(note)}</em></p>" for note in notes)
    return text, markup


class _Screen:
    def __init__(self, masking: dict[str, str]) -> None:
        self.masking = masking
        self.addresses = [real.lower() for real in masking if "@" in real]
        self.locals = {address.rpartition("@")[0] for address in self.addresses}
        self.finders = _finders(self.addresses)
        # What may still be unpacked, for all the message's files together (a small archive
        # can unpack to gigabytes, and a mail can carry many).
        self.unpack_left = policy.ATTACHMENT_UNPACK_LIMIT

    def unpacking(self, size: int) -> None:
        self.unpack_left -= size
        if self.unpack_left < 0:
            raise _Withheld(TOO_BIG_TO_CHECK)

    # --- Names and bytes ----------------------------------------------------------------------
    def mask_filename(self, name: str) -> str:
        """Masked, the @ written as ``mime.safe_filename`` leaves it (an underscore) too."""
        for real, masked in self.masking.items():
            for at in ("@", "_"):
                name = re.sub(re.escape(real.replace("@", at)), masked.replace("@", at), name, flags=re.I)
        return mime.safe_filename(name)

    def shows(self, data: bytes, *, markup: bool = False) -> bool:
        """Whether a real address shows in bytes, in any letter case; with ``markup`` (XML,
        HTML) also once the tags are taken out (Word splits text into runs)."""
        lowered = data.lower()  # ASCII letters only, as addresses are matched
        views = [lowered, _TAG.sub(b"", lowered)] if markup and b"<" in lowered else [lowered]
        return any(_found(finder, view) for finder in self.finders for view in views)

    def text_shows(self, text: str) -> bool:
        """Whether a real address shows in text once every space and line break is gone (an
        address split across lines counts), and its entities, URL escapes and markup."""
        plain = "".join(text.lower().split())
        forms = [plain]
        if "&" in plain or "%" in plain:
            forms.append(unquote(html.unescape(plain)))
        if "<" in plain:
            forms.append(unquote(html.unescape(re.sub(r"<[^<>]{0,1000}>", "", plain))))
        return any(address in form for address in self.addresses for form in forms)

    def masking_for(self, text: str) -> dict[str, str]:
        """The replacements that may apply to ``text``: an ASCII text without an address's local
        part cannot show it (a quick look saves a slow case-blind search of a big file)."""
        if not text.isascii():
            return self.masking
        lowered = text.lower()
        present = {local for local in self.locals if local in lowered}
        return {real: masked for real, masked in self.masking.items() if real.rpartition("@")[0] in present}

    # --- By kind ------------------------------------------------------------------------------
    def masked(self, attachment: mime.ParsedAttachment) -> bytes:
        """The attachment's bytes to pass on, or ``_Withheld``."""
        kind = policy.attachment_kind(attachment.filename, attachment.content_type)
        if kind is None:  # the doors refuse these; never passed on whatever the caller
            raise _Withheld("files of its kind are not accepted")
        content = attachment.content
        if kind.how in ("text", "card"):
            return self.masked_text(content, attachment.charset, unfold=kind.how == "card")
        if kind.how == "email":
            return self.masked_mail(content)
        if kind.how == "pdf":
            found = any(self.shows(part) for part in _pdf_views(content, self.unpacking))
        elif kind.how == "zip":
            found = any(
                self.shows(data, markup=name.endswith((".xml", ".rels")))
                for name, data in _zip_members(content, self.unpacking)
            )
        else:  # images and the older office formats: their text is in their bytes
            found = self.shows(content)
        if found:
            raise _Withheld(SHOWS_ADDRESS)
        return content

    def masked_text(self, content: bytes, charset: str, *, unfold: bool = False) -> bytes:
        codec = _codec(content, charset)
        try:
            text = content.decode(codec)
            encode = codec
        except (UnicodeError, ValueError):
            if not _ascii_compatible(codec):
                raise _Withheld(UNREADABLE) from None
            # Undecodable bytes in an ASCII-based charset: masked byte for byte, the rest kept.
            text, encode = content.decode("latin-1"), "latin-1"
        masked = mime.replace_addresses(text, self.masking_for(text))
        if unfold and self.text_shows(masked):
            # vCard and iCalendar fold long lines ("\r\n " goes on the line before): unfolded.
            unfolded = re.sub(r"\r?\n[ \t]", "", text)
            masked = mime.replace_addresses(unfolded, self.masking_for(unfolded))
        try:
            out = masked.encode(encode)
        except (UnicodeError, ValueError):
            raise _Withheld(UNREADABLE) from None
        views = [out.decode(encode)]
        if encode != "latin-1" and not out.isascii():
            views.append(out.decode("latin-1"))  # stray bytes an ASCII-based charset may hold
        if b"=" in out:
            views.append(quopri.decodestring(out).decode("utf-8", "replace"))  # vCard 2.1's
        if any(self.text_shows(view) for view in views):
            raise _Withheld(SHOWS_ADDRESS)
        return out

    def masked_mail(self, content: bytes) -> bytes:
        try:
            mail = email.message_from_bytes(content, policy=email.policy.default)
            for part in mail.walk():
                self._mask_headers(part)
                if not part.is_multipart():
                    self._mask_part(part)
            out = mail.as_bytes()
            shows = self._mail_shows(out)
        except _Withheld:
            raise
        except Exception as exc:  # the parser and generator fail in many ways on odd mail
            raise _Withheld(UNREADABLE) from exc
        if shows:
            raise _Withheld(SHOWS_ADDRESS)
        return out

    def _mask_headers(self, part: EmailMessage) -> None:
        items = [(name, str(value)) for name, value in part.items()]  # decoded (RFC 2047)
        masked = [(name, mime.replace_addresses(value, self.masking)) for name, value in items]
        if masked == items:
            return
        for name in {name.lower() for name, _ in items}:
            del part[name]
        for name, value in masked:  # in their order
            part[name] = value

    def _mask_part(self, part: EmailMessage) -> None:
        content_type = part.get_content_type()
        payload = part.get_payload(decode=True) or b""
        charset = part.get_content_charset() or ""
        if part.get_content_maintype() == "text":
            masked = self.masked_text(payload, charset, unfold=content_type in CARD_TYPES)
        else:  # a file of the attached mail: as if attached on its own
            name = part.get_filename() or ""
            if not PurePosixPath(name).suffix:
                name += mimetypes.guess_extension(content_type) or ""
            if policy.attachment_kind(name, content_type) is None:
                raise _Withheld(NOT_ACCEPTED_INSIDE)
            masked = self.masked(mime.ParsedAttachment(name, content_type, payload, charset))
        if masked != payload:
            _set_payload(part, masked)

    def _mail_shows(self, out: bytes) -> bool:
        """The masked mail read again: any header of any part, any part's content."""
        if self.shows(out) or self.text_shows(out.decode("latin-1")):
            return True
        mail = email.message_from_bytes(out, policy=email.policy.default)
        for part in mail.walk():
            if any(self.text_shows(str(value)) for value in part.values()):
                return True
            if not part.is_multipart():
                payload = part.get_payload(decode=True) or b""
                if self.shows(payload, markup=True) or self.text_shows(payload.decode("utf-8", "replace")):
                    return True
        return False


def _codec(content: bytes, charset: str) -> str:
    """The codec a text file is written in: its byte-order mark's, else its declared
    charset's, else UTF-8. ``_Withheld`` when the charset is one we cannot read."""
    for bom, name in [
        (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"),
    ]:  # fmt: skip
        if content.startswith(bom):
            return name
    name = (charset or "utf-8").strip().lower()
    try:
        info = codecs.lookup(name)
        b"".decode(info.name)  # a text encoding, not base64 or rot13
    except (LookupError, TypeError):
        raise _Withheld(f"it is written in a character set that could not be read ({name[:40]})") from None
    return info.name


def _ascii_compatible(codec: str) -> bool:
    """Whether ``codec`` writes an address's characters as ASCII does (not UTF-16, UTF-7 …)."""
    sample = "azAZ09@.-_+%=&#;<>"
    try:
        return sample.encode(codec) == sample.encode("ascii")
    except (UnicodeError, LookupError):
        return False


def _set_payload(part: EmailMessage, data: bytes) -> None:
    """A part's new content, in the transfer encoding it had (its headers are kept as they are)."""
    encoding = str(part.get("Content-Transfer-Encoding", "7bit")).strip().lower()
    if encoding == "base64":
        part.set_payload(base64.encodebytes(data).decode("ascii"))
    elif encoding == "quoted-printable":
        part.set_payload(quopri.encodestring(data).decode("ascii"))
    else:  # 7bit, 8bit, binary: as the parser keeps raw bytes
        part.set_payload(data.decode("ascii", "surrogateescape"))


def _pdf_streams(content: bytes) -> Iterator[bytes]:
    """The bytes between each ``stream`` and its ``endstream`` (found in one pass, however the
    file is made)."""
    position = 0
    while (start := _PDF_STREAM.search(content, position)) is not None:
        end = content.find(b"endstream", start.end())
        if end == -1:
            return
        yield content[start.end() : end]
        position = end + len(b"endstream")


def _pdf_views(content: bytes, unpacking: Callable[[int], None]) -> list[bytes]:
    """A PDF's bytes, and each of its streams inflated, kerned text joined up. ``unpacking``
    is told each stream's size (and stops it all when there is too much)."""
    views = [content]
    for stream in _pdf_streams(content):
        try:
            inflated = zlib.decompressobj().decompress(stream, policy.ATTACHMENT_UNPACK_LIMIT + 1)
        except zlib.error:
            continue  # not compressed (searched as it is, above) or not with Flate
        unpacking(len(inflated))
        views.append(inflated)
    return views + [_PDF_KERNING.sub(b"", view) for view in views if b"(" in view]


def _zip_members(content: bytes, unpacking: Callable[[int], None]) -> list[tuple[str, bytes]]:
    """Every file of an Office Open XML or OpenDocument file (a zip archive), unpacked, by name."""
    members = []
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            for info in archive.infolist():
                unpacking(info.file_size)  # a member never unpacks to more than it declares
                members.append((info.filename.lower(), archive.read(info)))
    except _Withheld:
        raise
    except Exception as exc:  # damaged, encrypted, an unknown compression
        raise _Withheld(UNREADABLE) from exc
    return members


def _found(finder: _Finder, data: bytes) -> bool:
    at = data.find(finder.piece)
    while at != -1:
        if finder.pattern.search(data, max(0, at - finder.reach), at + len(finder.piece) + finder.reach):
            return True
        at = data.find(finder.piece, at + 1)
    return False
