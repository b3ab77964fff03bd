"""Receiving bounces: a DSN or a plain bounce to a sent mail's VERP address marks the row
bounced, stops its retries and tells the sender in the thread, by SMTP or the webhook."""

import smtplib
from email.message import EmailMessage

import pytest
from django.core import mail
from django.test import Client

from messaging import services, verp
from messaging.models import Message, OutboundEmail
from messaging.services.bounces import NOTICE_SUBJECT

from .conftest import BUYER_REAL, SELLER_REAL

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def dsn(*, to: str, status="5.1.1", action="failed", about_a_report=False) -> bytes:
    """A delivery-status report (RFC 3464) as Postfix writes one, about the seller's mailbox."""
    returned = (
        'Content-Type: multipart/report; report-type=delivery-status; boundary="inner"\n\n--inner--\n'
        if about_a_report
        else "Subject: Enquiry\n\nhello\n"
    )
    return f"""From: MAILER-DAEMON@mx.test-uk-seller.example.net
To: {to}
Subject: Undelivered Mail Returned to Sender
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="b1"

--b1
Content-Type: text/plain

Your message could not be delivered to {SELLER_REAL}.

--b1
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.test-uk-seller.example.net

Final-Recipient: rfc822; {SELLER_REAL}
Action: {action}
Status: {status}
Diagnostic-Code: smtp; 550 {status} <{SELLER_REAL}>: Recipient address rejected: User unknown

--b1
Content-Type: message/rfc822

{returned}
--b1--
""".replace("\n", "\r\n").encode()


@pytest.fixture
def relayed(order, on_commit):
    """Given the buyer wrote to the seller and the relayed copy went out."""
    on_commit(services.contact_seller, order=order, subject="enquiry", body="hello")
    mail.outbox.clear()
    return OutboundEmail.objects.get()


def _bounce_address(outbound):
    return verp.bounce_address(outbound.pk, from_address=outbound.from_address)


def _assert_bounced_and_told(outbound):
    outbound.refresh_from_db()
    assert outbound.status == "bounced"
    assert "5.1.1" in outbound.last_error and SELLER_REAL not in outbound.last_error
    message = outbound.message
    assert "relay_bounced" in message.events.values_list("event", flat=True)
    [notice] = Message.objects.filter(thread=message.thread, is_system=True)
    assert notice.subject == NOTICE_SUBJECT
    assert "5.1.1" in notice.body_text
    assert SELLER_REAL not in notice.body_text and BUYER_REAL not in notice.body_text
    assert (notice.needs_response, notice.channel) == (False, "system")
    assert not notice.outbound_emails.exists()  # never relayed
    assert services.due_outbound_email_ids() == []  # and the bounced copy is never retried
    assert mail.outbox == []  # nothing goes back to the bouncer


def test_a_dsn_through_smtp_marks_the_copy_bounced_and_tells_the_sender(relayed, smtp):
    # When the seller's mail server's DSN comes back to the VERP address, from <>
    address = _bounce_address(relayed)
    smtp.sendmail("", [address], dsn(to=address))
    # Then the copy is bounced, the thread says so, and nothing is sent
    _assert_bounced_and_told(relayed)


def test_a_dsn_through_the_webhook_does_the_same(relayed, settings):
    settings.INBOUND_EMAIL_SECRET = "hook-secret"
    address = _bounce_address(relayed)
    # When the mail provider posts the DSN (no authentication verdict: a bounce needs none)
    response = Client().post(
        "/api/v1/inbound-email/",
        dsn(to=address),
        content_type="message/rfc822",
        HTTP_X_INBOUND_SECRET="hook-secret",
    )
    assert response.status_code == 202
    _assert_bounced_and_told(relayed)


def test_a_forged_bounce_address_is_refused_at_rcpt_time(relayed, smtp):
    # Given the bounce address of the copy, its signature edited
    address = _bounce_address(relayed)
    local, domain = address.split("@")
    forged = f"{local[:-1]}{'0' if local[-1] != '0' else '1'}@{domain}"
    # When a bounce is sent to it
    smtp.ehlo()
    smtp.mail("")
    code, _ = smtp.rcpt(forged)
    # Then it is refused like any unknown address, and the copy stays sent
    assert code == 550
    smtp.rset()
    with pytest.raises(smtplib.SMTPRecipientsRefused):
        smtp.sendmail("", [forged], dsn(to=forged))
    relayed.refresh_from_db()
    assert relayed.status == "sent"


def test_a_delay_notice_and_a_report_about_a_report_change_nothing(relayed, smtp):
    address = _bounce_address(relayed)
    smtp.sendmail("", [address], dsn(to=address, status="4.4.1", action="delayed"))
    smtp.sendmail("", [address], dsn(to=address, about_a_report=True))
    relayed.refresh_from_db()
    assert relayed.status == "sent"
    assert not Message.objects.filter(is_system=True).exists()


def test_a_plain_bounce_counts_and_a_second_bounce_of_the_same_copy_is_ignored(relayed, smtp):
    address = _bounce_address(relayed)
    plain = EmailMessage()
    plain["From"], plain["To"], plain["Subject"] = "postmaster@example.net", address, "Undeliverable"
    plain.set_content(f"Delivery to {SELLER_REAL} failed permanently: 550 5.1.1 no such user")
    smtp.sendmail("", [address], plain.as_bytes())
    smtp.sendmail("", [address], dsn(to=address))
    _assert_bounced_and_told(relayed)


def test_an_out_of_office_to_the_bounce_address_is_not_a_bounce(relayed, smtp):
    # RFC 3834 answers the envelope sender, which is the copy's bounce address.
    address = _bounce_address(relayed)
    away = EmailMessage()
    away["From"], away["To"], away["Subject"] = SELLER_REAL, address, "Out of Office: back on Monday"
    away["Auto-Submitted"] = "auto-replied"
    away.set_content("I am away until Monday.")
    smtp.sendmail("", [address], away.as_bytes())
    relayed.refresh_from_db()
    assert relayed.status == OutboundEmail.Status.SENT
    assert not Message.objects.filter(subject=NOTICE_SUBJECT).exists()
