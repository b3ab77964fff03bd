"""Buyer-Seller Messaging's numbers and predicates: the one place each is written.

Contact Response Time (metrics), the 24-hour timer, the inbox filter, forms and the API all
read these; none keeps a copy. The product rules behind them are described in
``docs/messaging.md``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import PurePosixPath

from django.conf import settings
from django.db.models import Q
from django.utils.formats import number_format
from django.utils.functional import lazy
from django.utils.translation import gettext, gettext_lazy, gettext_noop

# A seller writing first has its own module (``contacting``); its rules are read from here too.
from .contacting import (  # noqa: F401
    CONTACT_REASONS,
    CRITICAL_REASONS,
    IMPORTANT_MARK,
    REASON_NOT_OFFERED,
    UNSOLICITED_REFUSED,
    UNSOLICITED_REFUSED_SMTP,
    ContactReason,
    OrderStage,
    contact_reasons,
    is_critical,
    order_stage,
    refuses_unsolicited,
)

# --- The 24-hour response window ---------------------------------------------------------------
# A buyer message is answered in time when the seller replies within this long of it.
RESPONSE_WINDOW = timedelta(hours=24)
# The sweeps of the timer take due messages this many at a time.
DEADLINE_BATCH = 500

# --- What a message may be ------------------------------------------------------------------
MAX_BODY_CHARS = 4000


def _body_too_long() -> str:
    return gettext("Please limit your text to less than %(limit)s characters.") % {
        "limit": number_format(MAX_BODY_CHARS, force_grouping=True)  # "4.000" in German
    }


# Lazy: read in the language of whoever is told (a page's or the API's), not the one at import.
BODY_TOO_LONG = lazy(_body_too_long, str)()
MAX_ATTACHMENTS_BYTES = 10 * 1024 * 1024
# One inbound mail may go to at most this many masked addresses.
MAX_RELAY_RECIPIENTS = 20
# The subjects of the buyer's "Contact seller" form: key → what the seller reads.
# Marked, not translated: the thread's subject stays in the seller's English; the buyer's form
# translates the labels itself.
CONTACT_SUBJECTS = {
    "enquiry": gettext_noop("Enquiry"),
    "order_delivery": gettext_noop("Order delivery inquiry"),
    "order_cancellation": gettext_noop("Order cancellation request"),
    "return_policy": gettext_noop("Return policy enquiry"),
    "other": gettext_noop("Other"),
}


# An order id written in a mail's subject ties the mail to that order's conversation.
ORDER_ID_IN_TEXT = re.compile(r"\b(\d{3}-\d{7}-\d{7})\b")

# --- Masked addresses ------------------------------------------------------------------------
# A token is pronounceable syllables (a consonant, then a vowel) in groups joined by dots:
# "kobe.mari.tulo.deni.vasu.pole.ri". Random letters ("q7xk2v…") look like a spammer's
# throw-away address to filters (SpamAssassin's HK_RANDOM_FROM fires on five consonants or
# five vowels in a row); alternating syllables never make such a run. Each syllable is one of
# 16 * 5 = 80, so 13 of them carry 13 * log2(80), about 82 bits: unguessable.
ALIAS_CONSONANTS = "bdfghjklmnprstvz"
ALIAS_VOWELS = "aeiou"
ALIAS_SYLLABLES = 13
ALIAS_GROUP = 2  # syllables between separators
# Hyphens, not dots: three dot-separated words before the @ fire SpamAssassin's
# AC_FROM_MANY_DOTS (1.0) on a thread's first relayed copy.
ALIAS_SEPARATOR = "-"


# --- Attachments ------------------------------------------------------------------------------
# The kinds of file a message may carry: images, PDF, text and office documents (the types and
# extensions within each are our choice). A file is taken when its content type AND its name's
# extension belong to one kind: "photo.png" sent as image/png, not "invoice.pdf" sent as
# text/html, nor anything sent as application/octet-stream (a type that says nothing).
# ``how`` says what is done about real addresses inside it (``messaging.attachments``):
# "text" is masked like a body, "card" too once lines folded inside an address are unfolded
# (vCard, iCalendar), "email" is masked part by part; the others are searched, and withheld
# when one shows ("pdf" and "zip" are unpacked first: their text is compressed).
@dataclass(frozen=True)
class AttachmentKind:
    how: str  # "text", "card", "email", "image", "pdf", "zip" or "document"
    content_types: frozenset[str]
    extensions: frozenset[str]


def _kind(how: str, content_types: str, extensions: str) -> AttachmentKind:
    return AttachmentKind(how, frozenset(content_types.split()), frozenset(extensions.split()))


_OOXML = "application/vnd.openxmlformats-officedocument."
_ODF = "application/vnd.oasis.opendocument."
ATTACHMENT_KINDS = [
    # Images
    _kind("image", "image/jpeg image/jpg image/pjpeg", ".jpg .jpeg .jpe .jfif"),
    _kind("image", "image/png image/x-png", ".png"),
    _kind("image", "image/gif", ".gif"),
    _kind("image", "image/bmp image/x-bmp image/x-ms-bmp", ".bmp"),
    _kind("image", "image/tiff", ".tif .tiff"),
    _kind("image", "image/webp", ".webp"),
    _kind("image", "image/heic image/heif", ".heic .heif"),
    # PDF
    _kind("pdf", "application/pdf application/x-pdf", ".pdf"),
    # Text
    _kind("text", "text/plain", ".txt .text .log"),
    # Windows names a .csv file by the program that opens it.
    _kind("text", "text/csv text/comma-separated-values application/csv application/vnd.ms-excel", ".csv"),
    _kind("text", "text/html", ".html .htm"),
    _kind("card", "text/vcard text/x-vcard text/directory", ".vcf .vcard"),
    _kind("card", "text/calendar", ".ics"),
    _kind("email", "message/rfc822", ".eml"),
    # Office documents
    _kind("document", "application/msword", ".doc"),
    _kind("zip", f"{_OOXML}wordprocessingml.document", ".docx"),
    _kind("document", "application/vnd.ms-excel", ".xls"),
    _kind("zip", f"{_OOXML}spreadsheetml.sheet", ".xlsx"),
    _kind("document", "application/vnd.ms-powerpoint", ".ppt"),
    _kind("zip", f"{_OOXML}presentationml.presentation", ".pptx"),
    _kind("zip", f"{_ODF}text {_ODF}spreadsheet {_ODF}presentation", ".odt .ods .odp"),
    _kind("document", "application/rtf text/rtf", ".rtf"),
]  # fmt: skip
# Marked, not translated: an SMTP refusal quotes it and must stay ASCII; pages translate it.
ATTACHMENTS_ALLOWED = gettext_noop(
    "images (JPEG, PNG, GIF, BMP, TIFF, WebP, HEIC), PDF, text (.txt, .csv, .html, .vcf, .ics, .eml) "
    "and office documents (Word, Excel, PowerPoint, OpenDocument, RTF)"
)
ATTACHMENTS_TOO_BIG = gettext_lazy("Attachments may be at most 10 MB in all.")
# PDFs' streams and office documents' archives are unpacked to be searched for real addresses,
# at most this much for all of a message's files: a file past it is withheld, not searched.
ATTACHMENT_UNPACK_LIMIT = 50 * 1024 * 1024
# The name the product signs its own messages with ("Return denied", "Refund issued" …).
SYSTEM_SENDER_NAME = "Seller Central"


def attachment_kind(filename: str, content_type: str) -> AttachmentKind | None:
    """The kind of file an attachment is, or None when it is not one a message may carry."""
    extension = PurePosixPath(filename.lower()).suffix
    content_type = content_type.lower()
    for kind in ATTACHMENT_KINDS:
        if content_type in kind.content_types and extension in kind.extensions:
            return kind
    return None


def attachment_refusal(filename: str, content_type: str) -> str | None:
    """Why an attachment is refused (a sentence for the sender, ASCII for an SMTP reply), or
    None when its kind is allowed."""
    if attachment_kind(filename, content_type) is not None:
        return None
    name, content_type = (v.encode("ascii", "replace").decode()[:80] for v in (filename, content_type))
    extension = PurePosixPath(name.lower()).suffix
    known_type = any(content_type.lower() in kind.content_types for kind in ATTACHMENT_KINDS)
    known_extension = any(extension in kind.extensions for kind in ATTACHMENT_KINDS)
    if known_type and known_extension:
        why = gettext("its type (%(type)s) does not match its name") % {"type": content_type}
    else:
        kind = f"{content_type} ({extension})" if extension else content_type
        why = gettext("files of type %(type)s are not accepted") % {"type": kind}
    said = gettext('The attachment "%(name)s" cannot be sent: %(why)s. Accepted: %(accepted)s.')
    return said % {"name": name, "why": why, "accepted": ATTACHMENTS_ALLOWED}


@dataclass(frozen=True)
class FilesRefusal:
    """Why a message's files are refused, whole: ``reason`` is a sentence for the sender (ASCII,
    so an SMTP reply can carry it); ``too_big`` tells a door which of its answers to give."""

    reason: str
    too_big: bool = False


def files_refusal(files: Iterable[tuple[str, str]], *, total_bytes: int) -> FilesRefusal | None:
    """The one rule every door refuses a message's files by (the pages and the API, inbound
    mail): more than ``MAX_ATTACHMENTS_BYTES`` in all, else the first file (``(filename,
    content_type)``) of a kind a message may not carry names itself; None when they may go.
    The size is given apart, so that an upload is refused before it is read."""
    if total_bytes > MAX_ATTACHMENTS_BYTES:
        return FilesRefusal(ATTACHMENTS_TOO_BIG, too_big=True)
    for filename, content_type in files:
        why = attachment_refusal(filename, content_type)
        if why is not None:
            return FilesRefusal(why)
    return None


# --- The outbox -------------------------------------------------------------------------------
# Wait 1, 2, 4 … minutes between attempts (``retry_delay``), then give up after this many.
MAX_SEND_ATTEMPTS = 8
# The outbox sweep sends at most this many due mails a run.
OUTBOX_SWEEP_BATCH = 500
# A relayed copy names this many earlier messages of its thread in ``References``.
REFERENCES_KEPT = 10
# An inbound reply is matched to its conversation by In-Reply-To and the last references
# before it, this many in all: the newest are the closest ancestors, and ours list ten.
REFERENCES_MATCHED = 12


# After this many hard bounces (5xx, failed DSNs) an address is undeliverable: sent nothing more.
UNDELIVERABLE_AFTER_BOUNCES = 3


def is_permanent_smtp_failure(code: int) -> bool:
    """A mail server's 5xx reply refuses a mail for good: it is not tried again (4xx and a
    lost connection are temporary and retried with ``retry_delay``)."""
    return 500 <= code < 600


def retry_delay(attempts: int) -> timedelta:
    """How long after its ``attempts``-th failed try an outbox mail is tried again."""
    return timedelta(minutes=2 ** (attempts - 1))


# --- Who must answer what, and by when --------------------------------------------------------
def needs_response(*, direction: str, is_auto_reply: bool, sender_unverified: bool = False) -> bool:
    """A buyer's own message: not an automatic reply, not a message the product wrote (its
    direction is "system", never "received"), and not mail whose sender could not be
    authenticated (anyone could have sent it to hurt the seller's response time)."""
    return direction == "received" and not is_auto_reply and not sender_unverified


def answers_buyer(*, direction: str, is_auto_reply: bool) -> bool:
    """A seller's own message (never a system one, whose direction is "system") answers every
    earlier unanswered buyer message of its thread."""
    return direction == "sent" and not is_auto_reply


def response_deadline(received_at: datetime) -> datetime:
    """When the seller's 24 hours to answer a buyer message run out (stored on the message)."""
    return received_at + RESPONSE_WINDOW


def warning_lead() -> timedelta:
    """How long before its deadline the seller is warned of an unanswered message (a setting)."""
    return timedelta(hours=settings.RESPONSE_WARNING_HOURS)


def counts_for_response_time() -> Q:
    """A buyer's own message that needs an answer: not automatic, not a system message (both
    never get ``needs_response``), not marked "no response needed"."""
    return Q(direction="received", needs_response=True, no_response_needed=False)


def awaiting_response() -> Q:
    """Counted and not answered yet (the inbox's "Awaiting response")."""
    return counts_for_response_time() & Q(responded_at__isnull=True)


def is_awaiting_response(message) -> bool:
    """``awaiting_response()`` for a message in hand. ``needs_response`` is only ever set on a
    buyer's message (a constraint), so the direction is not read: an inbox row loads only the
    columns it shows."""
    return message.needs_response and not message.no_response_needed and message.responded_at is None


def shown_to_buyer() -> Q:
    """What the buyer's order page shows of a conversation: all but the seller's automatic
    replies (an out-of-office), which are never relayed (no loops), so the buyer never got them."""
    return ~Q(direction="sent", is_auto_reply=True)


def unanswered() -> Q:
    """What a seller's reply answers: the thread's buyer messages that need an answer and have
    none yet, marked "no response needed" or not (a reply still answers those)."""
    return Q(direction="received", needs_response=True, responded_at__isnull=True)


def deadline_running() -> Q:
    """Awaiting a response and not yet overdue: what the 24-hour sweeps look at (the partial
    index ``message_open_deadline_idx`` holds these rows)."""
    return awaiting_response() & Q(overdue_at__isnull=True)


# --- The relay's rate limits (settings RELAY_RATE_PER_SENDER / RELAY_RATE_PER_ALIAS) -------------
# At most this many mails per envelope sender, and to one masked address, in a window of this
# many seconds; over it the relay answers 451 4.7.1 (the sending server tries again later). A
# seller has one masked address per marketplace, which every buyer writes to: more room there.
SENDER_RATE = (60, 3600)
ALIAS_RATE = (300, 3600)


def sender_rate() -> tuple[int, int]:
    return settings.RELAY_RATE_PER_SENDER or SENDER_RATE


def alias_rate() -> tuple[int, int]:
    return settings.RELAY_RATE_PER_ALIAS or ALIAS_RATE


# --- Reply templates --------------------------------------------------------------------------
# A seller's frequent answers, filled in for a thread (``messaging.selectors.template_choices``).
# A template's body has a message's limit (MAX_BODY_CHARS); its name is short, to fit a picker.
MAX_TEMPLATES_PER_SELLER = 200
MAX_TEMPLATE_NAME_CHARS = 80
# What a template may ask for, each filled from the thread's order (docs/messaging.md).
TEMPLATE_PLACEHOLDERS = ("buyer_name", "order_id", "rma")
# ``{name}``: braces around anything but braces; any other brace is a mistake.
PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


def placeholders_in(body: str) -> set[str]:
    """The placeholder names a template's body uses (well formed or not)."""
    return {found.group(1) for found in PLACEHOLDER.finditer(body)}


def placeholder_problems(body: str) -> list[str]:
    """What is wrong with a body's placeholders, as sentences (none: it may be saved). A lone or
    doubled brace is refused rather than guessed at: a seller's text has no other use for one."""
    known = ", ".join(f"{{{name}}}" for name in TEMPLATE_PLACEHOLDERS)
    problems, outside = [], PLACEHOLDER.sub("", body)
    if "{" in outside or "}" in outside:
        problems.append(
            gettext("Braces are only for placeholders, one pair around each: %(known)s.") % {"known": known}
        )
    for name in sorted(placeholders_in(body) - set(TEMPLATE_PLACEHOLDERS)):
        problems.append(
            gettext("Unknown placeholder {%(name)s}: use %(known)s.") % {"name": name, "known": known}
        )
    return problems


def fill_placeholders(body: str, values: dict[str, str]) -> str:
    """The body with each placeholder replaced by its value (every one must have one)."""
    return PLACEHOLDER.sub(lambda found: values[found.group(1)], body)
