"""A buyer who opted out of unsolicited messages, through the real relay SMTP server: the
seller's unsolicited mail is refused with a 550 that says why and what may still be sent;
answers in the buyer's conversation and "[Important]" mail go through (docs/messaging.md)."""

import smtplib

import pytest
from django.core import mail

from commerce import services as commerce_services
from messaging import policy, services
from messaging.models import Message, Thread

from .conftest import BUYER_REAL, SELLER_REAL
from .conftest import plain_mail as _mail

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def opted_out(order):
    commerce_services.set_communication_preferences(
        customer=order.customer, opted_out_of_unsolicited_messages=True
    )
    return order


def _buyer_address(order) -> str:
    return services.buyer_alias(
        customer=order.customer, seller=order.seller, marketplace=order.marketplace
    ).address


def test_the_sellers_unsolicited_mail_is_refused_with_what_they_may_still_send(opted_out, smtp):
    with pytest.raises(smtplib.SMTPDataError) as refused:
        smtp.send_message(
            _mail(
                sender=SELLER_REAL, to=_buyer_address(opted_out), subject="Our summer sale", body="20% off!"
            )
        )
    assert refused.value.smtp_code == 550
    text = refused.value.smtp_error.decode()
    assert text.startswith("5.7.1 This buyer has opted out of unsolicited messages from sellers")
    assert "reply to a message the buyer sent you" in text and "[Important] in the subject" in text
    assert not Message.objects.exists() and not Thread.objects.exists()
    assert mail.outbox == []


def test_naming_the_order_in_a_thread_the_seller_started_is_still_unsolicited(opted_out, smtp):
    critical = services.contact_buyer(order=opted_out, reason="additional_information", body="Which colour?")
    mail.outbox.clear()
    with pytest.raises(smtplib.SMTPDataError) as refused:
        smtp.send_message(
            _mail(
                sender=SELLER_REAL,
                to=_buyer_address(opted_out),
                subject=f"Leave us feedback for {opted_out.order_id}",
            )
        )
    assert refused.value.smtp_code == 550
    assert list(Message.objects.values_list("pk", flat=True)) == [critical.pk]


def test_the_seller_answers_the_buyers_own_mail(opted_out, smtp):
    asked = services.contact_seller(order=opted_out, subject="order_delivery", body="Where is it?")
    [to_seller] = mail.outbox
    mail.outbox.clear()
    smtp.send_message(
        _mail(
            sender=SELLER_REAL,
            to=to_seller.extra_headers["Reply-To"],
            body="It left today.",
            In_Reply_To=to_seller.extra_headers["Message-ID"],
        )
    )
    answer = Message.objects.get(direction="sent")
    assert answer.thread_id == asked.thread_id
    [to_buyer] = mail.outbox
    assert to_buyer.to == [BUYER_REAL]


def test_an_important_mail_reaches_the_buyer(opted_out, smtp):
    smtp.send_message(
        _mail(
            sender=SELLER_REAL,
            to=_buyer_address(opted_out),
            subject=f"[Important] Delivery address needed for {opted_out.order_id}",
            body="The courier cannot find your house number.",
        )
    )
    stored = Message.objects.get()
    assert (stored.direction, stored.thread.order) == ("sent", opted_out)
    [to_buyer] = mail.outbox
    assert to_buyer.to == [BUYER_REAL]


def test_the_seller_answers_the_buyers_reply_to_a_critical_message(opted_out, smtp):
    services.contact_buyer(order=opted_out, reason="additional_information", body="Which colour?")
    [to_buyer] = mail.outbox
    mail.outbox.clear()
    smtp.send_message(
        _mail(
            sender=BUYER_REAL,
            to=to_buyer.extra_headers["Reply-To"],
            body="Blue, please.",
            In_Reply_To=to_buyer.extra_headers["Message-ID"],
        )
    )
    [to_seller] = mail.outbox
    mail.outbox.clear()
    smtp.send_message(
        _mail(
            sender=SELLER_REAL,
            to=to_seller.extra_headers["Reply-To"],
            subject="Thanks",  # no mark: an answer in a conversation the buyer wrote in
            body="Blue it is.",
            In_Reply_To=to_seller.extra_headers["Message-ID"],
        )
    )
    assert Message.objects.filter(direction="sent").count() == 2
    assert len(mail.outbox) == 1


def test_a_buyer_who_did_not_opt_out_gets_the_sellers_first_mail(order, smtp):
    smtp.send_message(_mail(sender=SELLER_REAL, to=_buyer_address(order), subject="Thank you for your order"))
    assert Message.objects.get().direction == "sent"
    assert policy.UNSOLICITED_REFUSED_SMTP.isascii()
