"""Masking: a real e-mail address is neither stored with a message nor relayed.

Each message is stored with both parties' real addresses replaced by their masked ones
(``<token>@<relay domain>``), wherever they show: the sender's name, the subject, the text
and the HTML (however an address is written there: see ``mime.replace_addresses``). What is
relayed is rendered from the stored, masked message.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from . import mime
from .models import Message, Thread

SENDER_NAME_CHARS = Message._meta.get_field("sender_name").max_length
SUBJECT_CHARS = Message._meta.get_field("subject").max_length
_ANY_ADDRESS = re.compile(r"<?[^\s<>@]+@[^\s<>@]+>?")


def without_addresses(text: str) -> str:
    """A mail server's words with every address it names replaced by "[address]": what it says
    about a failed delivery reaches the sender, who must not learn a real address from it."""
    return _ANY_ADDRESS.sub("[address]", text)


def real_to_masked(thread: Thread, seller_real: Iterable[str]) -> dict[str, str]:
    """Real address → masked address, for both parties of the thread: the buyer's address, and
    every address the seller may write from (``seller_real``, its users' and alternates')."""
    replacements = {thread.customer.email.lower(): thread.buyer_alias.address}
    for address in seller_real:
        replacements[address] = thread.seller_alias.address
    return replacements


def masked_html(html: str, masking: dict[str, str]) -> str:
    """Sanitised HTML with real addresses masked; dropped (text only) if one still shows,
    e.g. split by markup, so the relay never passes a real address on."""
    if not html:
        return ""
    cleaned = mime.replace_addresses(mime.sanitise_html(mime.replace_addresses(html, masking)), masking)
    return "" if mime.still_shows(cleaned, masking) else cleaned


@dataclass(frozen=True)
class MaskedContent:
    """What a message shows, masked and cut to its columns, ready to be stored."""

    sender_name: str
    subject: str
    text: str
    html: str


def mask_content(
    *, sender_name: str, subject: str, text: str, html: str, masking: dict[str, str]
) -> MaskedContent:
    return MaskedContent(
        sender_name=mime.replace_addresses(sender_name, masking)[:SENDER_NAME_CHARS],
        subject=mime.replace_addresses(subject, masking)[:SUBJECT_CHARS],
        text=mime.replace_addresses(text, masking),
        html=masked_html(html, masking),
    )
