"""A mail's body is stored once: the masked text and HTML in the message row, its source as a
file for staff, its attachments as files; the relayed copy is rendered from the message when
it is sent. Reading a big mail does not hold copies of it all at once (docs/messaging.md)."""

import os
import tracemalloc
from email.message import EmailMessage

import pytest
from django.core import mail
from django.test import Client

from messaging import mime, services
from messaging.models import Message, OutboundEmail

from .. import factories
from ..mailauth import genuine
from .conftest import BUYER_REAL, SELLER_REAL, plain_mail

pytestmark = pytest.mark.django_db


def _receive(raw: bytes, to: str) -> Message:
    [message] = services.receive_inbound_email(raw=raw, verdict=genuine(raw), recipients=[to]).messages
    return message


def test_the_relayed_copy_is_rendered_from_the_stored_message_when_sent(order, on_commit, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    first = on_commit(services.contact_seller, order=order, subject="enquiry", body="Is it Class 10?")
    mail.outbox.clear()
    to = first.thread.seller_alias.address
    body = f"Long story, and you can write to me at {BUYER_REAL}. " * 200
    raw = plain_mail(sender=BUYER_REAL, to=to, subject=f"Re: {order.order_id}", body=body).as_bytes()
    message = on_commit(_receive, raw, to)
    outbound = OutboundEmail.objects.get(message=message)
    assert (outbound.body_text, outbound.body_html) == ("", "")  # the body lives in the message only
    assert message.source.read() == raw  # the source as received, a file of its own
    assert bytes(message.raw) == b""
    [relayed] = mail.outbox
    assert relayed.to == [SELLER_REAL]
    assert message.body_text.strip() in relayed.body  # masked: the buyer's address is not in it
    assert first.thread.buyer_alias.address in relayed.body and BUYER_REAL not in relayed.body
    assert relayed.extra_headers["In-Reply-To"] == first.relay_message_id
    assert relayed.extra_headers["References"] == first.relay_message_id
    assert relayed.extra_headers["Message-ID"] == message.relay_message_id


def test_staff_see_a_relayed_copys_text_in_the_outbox(order):
    services.contact_seller(order=order, subject="enquiry", body="Is it Class 10?")
    outbound = OutboundEmail.objects.get()
    client = Client()
    client.force_login(factories.UserFactory(is_staff=True, is_superuser=True))
    page = client.get(f"/admin/messaging/outboundemail/{outbound.pk}/change/").content.decode()
    assert "Is it Class 10?" in page and "Begin message" in page


def test_a_copy_queued_with_its_body_before_is_sent_as_written(order):
    services.contact_seller(order=order, subject="enquiry", body="hello")
    message = Message.objects.get()
    mail.outbox.clear()
    outbound = OutboundEmail.objects.create(
        dedupe_key="relay:old",
        message=message,
        from_address="Luca <a@marketplace.uk.sellercentral.test>",
        to_address=SELLER_REAL,
        subject="Old row",
        body_text="Rendered when it was queued",
        headers={"Message-ID": "<old@x>", "In-Reply-To": "<earlier@x>"},
        next_attempt_at=message.sent_at,
        created_at=message.sent_at,
    )
    assert services.deliver_outbound_email(outbound_id=outbound.pk) is True
    [sent] = mail.outbox
    assert sent.body == "Rendered when it was queued"
    assert sent.extra_headers["In-Reply-To"] == "<earlier@x>"


def test_staff_still_see_the_source_of_a_message_stored_in_its_row(order):
    services.contact_seller(order=order, subject="enquiry", body="hello")
    message = Message.objects.get()
    Message.objects.filter(pk=message.pk).update(raw=b"Subject: kept <in> the row\r\n\r\nbody")
    client = Client()
    client.force_login(factories.UserFactory(is_staff=True, is_superuser=True))
    page = client.get(f"/admin/messaging/message/{message.pk}/change/").content.decode()
    assert "kept &lt;in&gt; the row" in page


def _big_mail(text_bytes: int, attachment_bytes: int) -> bytes:
    message = EmailMessage()
    message["From"], message["Subject"] = BUYER_REAL, "big"
    line = "Here is the long description of the problem with my order, line after line.\n"
    message.set_content(line * (text_bytes // len(line)))
    message.add_attachment(
        os.urandom(attachment_bytes), maintype="application", subtype="octet-stream", filename="a.bin"
    )
    return message.as_bytes()


def test_reading_a_big_mail_holds_a_few_copies_of_it_at_most():
    """The standard library's message_from_bytes peaks near seven times the mail's size (a
    StringIO of it holds four bytes a character); reading it in pieces stays under four."""
    raw = _big_mail(3_000_000, 1_000_000)
    tracemalloc.start()
    try:
        parsed = mime.parse(raw)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(parsed.text) > 2_900_000 and len(parsed.attachments[0].content) == 1_000_000
    assert peak < 4 * len(raw), f"{peak / len(raw):.1f} times the mail's size"
