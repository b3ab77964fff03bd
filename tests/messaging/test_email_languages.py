"""The response-deadline warning, sent by the beat's sweep, reaches each of the seller's users
in the language they chose (English for one who never did): no browser is behind a sweep."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone, translation

from commerce import services as commerce
from commerce.formats import day
from commerce.models import SellerMembership
from messaging import services as messaging
from messaging.tasks import run_response_timers

from .. import factories

pytestmark = pytest.mark.django_db
FRENCH, ENGLISH = "fr-user@shop.example", "en-user@shop.example"


def test_the_deadline_warning_reaches_each_seller_user_in_their_language(seller, customer, on_commit):
    french = factories.seller_user(seller, email=FRENCH)
    factories.seller_user(seller, email=ENGLISH)
    commerce.choose_seller_language(membership=SellerMembership.objects.get(user=french), language="fr")
    order = factories.order_with_items(seller=seller, customer=customer, status="delivered")
    with translation.override("de"):  # the buyer's storefront language plays no part
        message = messaging.contact_seller(order=order, subject="enquiry", body="Hello?")
    mail.outbox.clear()
    with time_machine.travel(timezone.now() + timedelta(hours=20, minutes=1)):
        on_commit(run_response_timers)  # the beat's task, as a worker runs it
    by_reader = {sent.to[0]: sent for sent in mail.outbox}
    assert set(by_reader) == {FRENCH, ENGLISH}
    deadline = timezone.localtime(message.response_deadline)
    with translation.override("fr"):
        french_day = day(deadline)  # "1 déc. 2026": the month from Django's French catalogue
    english_day = day(deadline)
    assert french_day != english_day
    assert by_reader[FRENCH].extra_headers["Content-Language"] == "fr"
    assert french_day in by_reader[FRENCH].body and english_day not in by_reader[FRENCH].body
    assert by_reader[ENGLISH].extra_headers["Content-Language"] == "en-gb"
    assert english_day in by_reader[ENGLISH].body
    assert by_reader[ENGLISH].subject.startswith("Reply within 4 hours: ")
