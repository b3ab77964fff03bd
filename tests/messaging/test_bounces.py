"""Bounces: every mail the product sends names its outbox row in a signed envelope sender
(VERP), so a bounce finds the row it is about and nobody can forge one for another row."""

import email
import email.policy

import pytest
from django.core import mail

from messaging import services, verp
from messaging.models import Alias, Message, OutboundEmail
from messaging.services.bounces import NOTICE_SUBJECT

from .. import factories
from .conftest import BUYER_REAL, SELLER_REAL

pytestmark = pytest.mark.django_db

UK = "marketplace.uk.sellercentral.test"


def test_a_relayed_copy_goes_out_from_a_signed_bounce_address_of_its_marketplace(order, on_commit):
    # Given a buyer writing to the seller
    # When the relayed copy is sent
    on_commit(services.contact_seller, order=order, subject="enquiry", body="hello")
    # Then its envelope sender is bounce+<token>@<the marketplace's relay domain>
    [relayed] = mail.outbox
    outbound = OutboundEmail.objects.get()
    local, _, domain = relayed.from_email.partition("@")
    assert local.startswith("bounce+") and local == local.lower()
    assert domain == UK == order.marketplace.relay_domain
    # and it names the outbox row
    assert verp.outbound_id_of(relayed.from_email) == outbound.pk
    # while the From: header is still the buyer's masked address
    buyer_alias = Alias.objects.get(kind="buyer")
    assert relayed.message()["From"] == f"Luca de Pasqua <{buyer_alias.address}>"
    # and no real address is in the envelope
    assert BUYER_REAL not in relayed.from_email and SELLER_REAL not in relayed.from_email


def test_the_smarthost_sees_the_bounce_address_as_the_envelope_sender(order, on_commit, smarthost):
    # Given a real smarthost
    host = smarthost("250 OK")
    # When the buyer writes
    on_commit(services.contact_seller, order=order, subject="enquiry", body="hello")
    # Then MAIL FROM is the row's bounce address, the From: header the masked address
    [envelope] = host.received
    outbound = OutboundEmail.objects.get()
    assert verp.outbound_id_of(envelope.mail_from) == outbound.pk
    assert envelope.mail_from.endswith(f"@{UK}")
    sent = email.message_from_bytes(envelope.content, policy=email.policy.default)
    assert sent["From"].addresses[0].addr_spec == Alias.objects.get(kind="buyer").address
    assert BUYER_REAL.encode() not in envelope.content


def test_a_notification_goes_out_from_a_bounce_address_of_the_base_relay_domain(db, on_commit):
    # When the product sends a notification from its no-reply address
    on_commit(
        services.send_notification,
        key="test",
        to=["someone@example.org"],
        subject="Hello",
        template="notification",
        context={"lines": ["Hello"]},
    )
    # Then its envelope sender is a bounce address of the base relay domain
    [sent] = mail.outbox
    assert sent.from_email.endswith("@sellercentral.test") and sent.from_email.startswith("bounce+")
    assert verp.outbound_id_of(sent.from_email) == OutboundEmail.objects.get().pk
    assert "no-reply@" in sent.message()["From"]


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(lambda a: a.replace("bounce+", "bounce+1", 1), id="another row's id"),
        pytest.param(
            lambda a: a[: -len(UK) - 2] + ("0" if a[-len(UK) - 2] != "0" else "1") + a[-len(UK) - 1 :],
            id="an edited signature",
        ),
        pytest.param(lambda a: a.replace(UK, "evil.example"), id="a foreign domain"),
        pytest.param(lambda a: a.split("-")[0] + "@" + UK, id="no signature"),
        pytest.param(lambda a: "bounce+zz-" + "0" * 20 + "@" + UK, id="a made-up token"),
    ],
)
def test_a_forged_or_edited_bounce_address_names_no_row(edit):
    # Given the bounce address of row 42
    genuine = verp.bounce_address(42, from_address=f"Luca <abc@{UK}>")
    assert verp.outbound_id_of(genuine) == 42
    # When it is edited
    # Then it names no row
    assert verp.outbound_id_of(edit(genuine)) is None


def test_a_bounce_address_survives_case_folding():
    genuine = verp.bounce_address(1234567, from_address=f"<abc@{UK}>")
    assert verp.outbound_id_of(genuine.upper()) == 1234567
    assert verp.outbound_id_of(f"<{genuine}>") == 1234567


def test_the_seller_message_list_shows_each_messages_delivery_status(order, on_commit, smarthost):
    from rest_framework.test import APIClient

    # Given three buyer messages whose relayed copies were refused for good, sent, and deferred
    host = smarthost("550 5.1.1 Mailbox does not exist")
    bounced = on_commit(services.contact_seller, order=order, subject="enquiry", body="one")
    host.rcpt_reply = "250 OK"
    sent = on_commit(services.contact_seller, order=order, subject="enquiry", body="two")
    host.rcpt_reply = "451 4.7.1 Greylisted"
    pending = on_commit(services.contact_seller, order=order, subject="enquiry", body="three")
    # and a system message, never relayed
    system = services.post_system_message(order=order, notice=factories.notice("Return requested", "-"))
    # When the seller lists its messages through the API
    client = APIClient()
    client.force_authenticate(order.seller.users.get())
    rows = client.get("/api/v1/seller/messages/", {"direction": "all"}).json()["results"]
    # Then each row says how its relayed copy fared (the bounce's notice in the thread
    # and the system message were never relayed)
    notice = Message.objects.get(subject=NOTICE_SUBJECT)
    assert {row["id"]: row["delivery_status"] for row in rows} == {
        bounced.pk: "bounced",
        notice.pk: None,
        sent.pk: "sent",
        pending.pk: "pending",
        system.pk: None,
    }


def test_the_delivery_status_is_in_the_api_schema(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    field = schema["components"]["schemas"]["Message"]["properties"]["delivery_status"]
    assert field["readOnly"] is True
    enum = schema["components"]["schemas"]["DeliveryStatusEnum"]["enum"]
    assert enum == ["bounced", "failed", "pending", "sent"]


def test_three_hard_bounces_make_an_address_undeliverable_and_it_is_sent_nothing_more(
    order, on_commit, smarthost
):
    from messaging.models import UndeliverableAddress
    from messaging.policy import UNDELIVERABLE_AFTER_BOUNCES

    # Given a seller mailbox the smarthost refuses for good
    host = smarthost("550 5.1.1 Mailbox does not exist")
    for n in range(UNDELIVERABLE_AFTER_BOUNCES - 1):
        on_commit(services.contact_seller, order=order, subject="enquiry", body=f"message {n}")
    # (two bounces are not enough)
    assert not UndeliverableAddress.objects.exists()
    # When it bounces a third time
    on_commit(services.contact_seller, order=order, subject="enquiry", body="third")
    # Then the address is undeliverable
    undeliverable = UndeliverableAddress.objects.get()
    assert (undeliverable.email, undeliverable.hard_bounces) == (SELLER_REAL, 3)
    # and a later copy to it bounces at once, even though the smarthost would now take it
    host.rcpt_reply = "250 OK"
    later = on_commit(services.contact_seller, order=order, subject="enquiry", body="fourth")
    outbound = later.outbound_emails.get()
    assert (outbound.status, outbound.attempts) == ("bounced", 1)
    assert outbound.last_error.startswith("Undeliverable address")
    assert SELLER_REAL not in outbound.last_error
    # and the buyer is told in the thread, once per message (four notices for four copies)
    notices = Message.objects.filter(thread=later.thread, subject=NOTICE_SUBJECT)
    assert notices.count() == 4 and "refused mail for good too often" in notices.last().body_text
    assert host.received == []


def test_bounces_count_in_a_row_so_a_mailbox_that_came_back_is_not_marked_by_one_more(
    order, on_commit, smarthost
):
    from messaging.models import UndeliverableAddress
    from messaging.policy import UNDELIVERABLE_AFTER_BOUNCES

    # Given an address made undeliverable, which staff then allow again
    host = smarthost("550 5.1.1 Mailbox does not exist")
    for n in range(UNDELIVERABLE_AFTER_BOUNCES):
        on_commit(services.contact_seller, order=order, subject="enquiry", body=f"message {n}")
    services.allow_delivery_again(emails=[SELLER_REAL])
    # When one more bounces before any delivery, the address is marked again at once
    on_commit(services.contact_seller, order=order, subject="enquiry", body="still gone")
    assert UndeliverableAddress.objects.filter(email=SELLER_REAL).exists()
    services.allow_delivery_again(emails=[SELLER_REAL])
    # But once a mail is delivered, a single later bounce is only one in a row
    host.rcpt_reply = "250 OK"
    on_commit(services.contact_seller, order=order, subject="enquiry", body="back again")
    host.rcpt_reply = "550 5.1.1 Mailbox does not exist"
    on_commit(services.contact_seller, order=order, subject="enquiry", body="a glitch")
    assert not UndeliverableAddress.objects.exists()
