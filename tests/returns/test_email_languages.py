"""Each e-mail of a return or a claim is written in its reader's language: the buyer's (their
choice, else their marketplace's), each seller user's (their choice), never the language of
whoever made the change. The strings asserted are those the catalogues already translate."""

from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core import mail
from django.utils import timezone, translation

from commerce import services as commerce
from commerce.models import SellerMembership
from returns import automation, services

from .. import factories

pytestmark = pytest.mark.django_db
SELLER_MAIL = "returns@test-uk-seller.example.net"  # the returns conftest's seller user
SECOND_MAIL = "second@test-uk-seller.example.net"


def _to(address: str):
    [sent] = [m for m in mail.outbox if m.to == [address]]
    return sent


def _body(sent) -> str:
    return sent.body + sent.alternatives[0][0]


def _language(sent) -> str:
    return sent.extra_headers["Content-Language"]


def _seller_reads(user, language: str) -> None:
    commerce.choose_seller_language(membership=SellerMembership.objects.get(user=user), language=language)


@pytest.fixture
def second_seller_user(seller):
    """A colleague who never chose a language: English in e-mails (no browser behind them)."""
    return factories.seller_user(seller, email=SECOND_MAIL)


def test_each_seller_user_reads_a_return_request_in_their_own_language(
    order, customer, card, seller_account_user, second_seller_user, on_commit
):
    _seller_reads(seller_account_user, "fr")
    customer.marketplace = factories.marketplace("de")
    customer.save()
    mail.outbox.clear()
    item = services.RequestedItem(order_item_id=card.pk, quantity=1, reason="missing_parts")
    with translation.override("it"):  # whatever language the buyer's request came in
        on_commit(services.request_return, order=order, customer=customer, items=[item])
    french, english, buyer = _to(SELLER_MAIL), _to(SECOND_MAIL), _to(customer.email)
    assert _language(french) == "fr" and "Pièces ou accessoires manquants" in _body(french)
    assert _language(english) == "en-gb" and "Missing parts or accessories" in _body(english)
    assert _language(buyer) == "de"
    assert buyer.subject == f"Rücksendung angefordert für Bestellung {order.order_id}"
    assert "Ihre Rücksendungen verwalten" in _body(buyer) and "Fehlende Teile oder Zubehör" in _body(buyer)


def test_the_buyers_own_choice_beats_their_marketplace_and_the_sellers_language(
    make_request, customer, seller_account_user, on_commit
):
    customer.marketplace = factories.marketplace("fr")
    customer.save()
    commerce.choose_buyer_language(customer=customer, language="de")
    _seller_reads(seller_account_user, "it")
    request = make_request()
    mail.outbox.clear()
    with translation.override("it"):  # the Italian seller's page
        on_commit(services.authorise_return, return_request=request, actor=seller_account_user)
    buyer = _to(customer.email)
    assert _language(buyer) == "de" and buyer.subject.startswith("Rücksendung genehmigt für Bestellung")


def test_a_german_seller_denying_a_return_writes_to_the_french_buyer_in_french(
    make_request, customer, seller_account_user, on_commit
):
    customer.marketplace = factories.marketplace("fr")
    customer.save()
    _seller_reads(seller_account_user, "de")
    request = make_request()
    mail.outbox.clear()
    with translation.override("de"):
        on_commit(
            services.deny_return,
            return_request=request,
            actor=seller_account_user,
            reason="other",
            message="Opened and used.",
        )
    buyer = _to(customer.email)
    assert _language(buyer) == "fr" and "Opened and used." in buyer.body


def test_the_reminder_sweep_writes_to_the_seller_in_the_sellers_language(
    make_request, seller_account_user, second_seller_user, on_commit
):
    _seller_reads(seller_account_user, "es")
    make_request()
    mail.outbox.clear()
    with time_machine.travel(timezone.now() + timedelta(hours=24, seconds=1)):
        assert on_commit(automation.send_reminders) == 1  # as the beat's worker runs it
    spanish, english = _to(SELLER_MAIL), _to(SECOND_MAIL)
    assert _language(spanish) == "es" and "Faltan piezas o accesorios" in _body(spanish)
    assert _language(english) == "en-gb" and "Missing parts or accessories" in _body(english)


def test_a_claims_e_mails_write_money_the_way_each_reader_does(
    order, customer, seller_account_user, on_commit
):
    claim = services.file_claim(order=order, customer=customer, reason="not_received", body="Never came.")
    commerce.choose_buyer_language(customer=customer, language="de")
    _seller_reads(seller_account_user, "fr")
    staff = factories.UserFactory(is_staff=True)
    mail.outbox.clear()
    with translation.override("it"):
        on_commit(services.grant_claim, claim=claim, staff=staff, note="No proof of delivery.")
    buyer, seller = _to(customer.email), _to(SELLER_MAIL)
    assert order.total == Decimal("21.97")
    assert _language(buyer) == "de" and "21,97\u00a0£" in buyer.body
    assert _language(seller) == "fr" and "21,97\u00a0£" in seller.body and "£21.97" not in seller.body
