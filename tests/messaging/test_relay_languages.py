"""A relayed copy's own words (the "You have received a message" frame, the warning, the way
to reply) are in its reader's language: each seller user's, and the buyer's; the message
itself is as its author wrote it."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import translation
from django.utils.translation import gettext

from commerce import services as commerce
from commerce.models import SellerMembership
from messaging import services

from .. import factories
from .conftest import BUYER_REAL, SELLER_REAL

pytestmark = pytest.mark.django_db
GERMAN_COLLEAGUE = "lager@test-uk-seller.example.net"


def _in(language: str, msgid: str) -> str:
    with translation.override(language):
        return gettext(msgid)


def _sent_to(address: str):
    [sent] = [m for m in mail.outbox if m.to == [address]]
    return sent


def test_each_reader_gets_the_relayed_frame_in_their_language(order, on_commit):
    colleague = factories.seller_user(order.seller, email=GERMAN_COLLEAGUE)
    commerce.choose_seller_language(membership=SellerMembership.objects.get(user=colleague), language="de")
    order.customer.marketplace = factories.marketplace("fr")
    order.customer.save()
    mail.outbox.clear()
    with translation.override("it"):  # whatever the language of the page the buyer wrote on
        asked = on_commit(services.contact_seller, order=order, subject="enquiry", body="Où est ma carte ?")

    german, english = _sent_to(GERMAN_COLLEAGUE), _sent_to(SELLER_REAL)
    assert german.extra_headers["Content-Language"] == "de"
    assert _in("de", "Begin message") in german.body and "Begin message" not in german.body
    assert english.extra_headers["Content-Language"] == "en-gb" and "Begin message" in english.body
    assert "Où est ma carte ?" in german.body and "Où est ma carte ?" in english.body  # as written
    # The subject the product wrote for the buyer's message, in each reader's words.
    with translation.override("de"):
        said = gettext("%(subject)s from customer %(name)s (Order: %(order_id)s)")
        values = {"subject": gettext("Enquiry"), "name": order.customer.name, "order_id": order.order_id}
        assert german.subject == said % values != asked.subject
    assert (
        english.subject == asked.subject == f"Enquiry from customer Luca de Pasqua (Order: {order.order_id})"
    )

    mail.outbox.clear()
    on_commit(services.reply_to_thread, thread=asked.thread, body="Expédiée aujourd'hui")
    buyer = _sent_to(BUYER_REAL)
    assert buyer.extra_headers["Content-Language"] == "fr"
    french = _in("fr", "Begin message")
    assert french != "Begin message" and french in buyer.body
    html = buyer.alternatives[0][0]  # the HTML part too
    assert '<html lang="fr">' in html and "your reply goes through" not in html


def test_a_reply_to_a_subject_the_product_wrote_reads_in_the_buyers_language(order, on_commit):
    order.customer.marketplace = factories.marketplace("fr")
    order.customer.save()
    asked = on_commit(services.contact_seller, order=order, subject="enquiry", body="Où est ma carte ?")
    mail.outbox.clear()

    reply = on_commit(services.reply_to_thread, thread=asked.thread, body="Expédiée aujourd'hui")

    with translation.override("fr"):
        said = gettext("%(subject)s from customer %(name)s (Order: %(order_id)s)")
        values = {"subject": gettext("Enquiry"), "name": order.customer.name, "order_id": order.order_id}
        # "Re:" is the mail programs' reply prefix, the same in every language.
        assert _sent_to(BUYER_REAL).subject == "Re: " + said % values
    assert reply.subject == f"Re: {asked.subject}"  # stored in the default language, for search
    with translation.override("fr"):
        assert reply.subject_for_reader == "Re: " + said % values


def test_a_reply_to_a_subject_a_person_typed_keeps_it_as_typed(order, on_commit):
    thread = on_commit(services.contact_seller, order=order, subject="enquiry", body="where?").thread
    type(thread).objects.filter(pk=thread.pk).update(subject="Ma carte", subject_notice=None)
    thread.refresh_from_db()
    mail.outbox.clear()

    reply = on_commit(services.reply_to_thread, thread=thread, body="demain")

    assert reply.subject == reply.subject_for_reader == "Re: Ma carte" == _sent_to(BUYER_REAL).subject


def test_the_deadline_warning_names_the_buyers_subject_in_each_readers_language(order, on_commit):
    colleague = factories.seller_user(order.seller, email=GERMAN_COLLEAGUE)
    commerce.choose_seller_language(membership=SellerMembership.objects.get(user=colleague), language="de")
    asked = on_commit(services.contact_seller, order=order, subject="enquiry", body="Hello?")
    mail.outbox.clear()

    on_commit(services.warn_before_deadlines, now=asked.response_deadline - timedelta(hours=1))

    german = _sent_to(GERMAN_COLLEAGUE)
    with translation.override("de"):
        assert german.subject.endswith(": " + asked.subject_for_reader)
        assert gettext("Enquiry") in german.subject != asked.subject
    assert _sent_to(SELLER_REAL).subject.endswith(": " + asked.subject)  # English, as stored
