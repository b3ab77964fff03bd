"""The product's own messages in an order's thread (a return denied, a refund issued, a claim)
are written once and read by the buyer and each seller user in their own language: stored as
sentences to translate, rendered when read. What people typed inside them stays as typed,
and masked like any message."""

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from rest_framework.test import APIClient

from commerce import services as commerce
from commerce.models import SellerMembership
from messaging.models import Message
from messaging.notices import Notice, ThreadNotice, amount, label, on_day
from returns import services as returns

from .. import factories

pytestmark = pytest.mark.django_db


def _in(language: str, msgid: str, **values) -> str:
    with translation.override(language):
        return gettext(msgid) % values


@pytest.fixture
def denied(seller, customer, on_commit):
    """A German seller denies a French buyer's return, in German."""
    user = factories.seller_user(seller, email="returns@test-uk-seller.example.net")
    commerce.choose_seller_language(membership=SellerMembership.objects.get(user=user), language="de")
    customer.marketplace = factories.marketplace("fr")
    customer.save()
    order = factories.order_with_items(seller=seller, customer=customer)
    factories.return_address(seller)
    item = order.items.get()
    request, _ = returns.request_return(
        order=order, customer=customer, items=[returns.RequestedItem(item.pk, 1, "missing_parts", "")]
    )
    with translation.override("de"):
        on_commit(
            returns.deny_return,
            return_request=request,
            actor=user,
            reason="other",
            message=f"Geöffnet; schreiben Sie an {customer.email}",
        )
    return Message.objects.get(thread__order=order, subject__startswith="Return denied")


def test_a_denial_reads_in_french_to_the_buyer_and_in_german_to_the_seller(denied, customer, seller):
    order_id = denied.thread.order.order_id
    french = _in("fr", "Return denied (order %(order_id)s)", order_id=order_id)
    german = _in("de", "Return denied (order %(order_id)s)", order_id=order_id)
    assert len({french, german, f"Return denied (order {order_id})"}) == 3  # the catalogues translate it
    buyer = Client()
    buyer.force_login(customer.user)
    page = buyer.get(reverse("messaging:order_messages", args=[order_id])).content.decode()
    assert french in page and _in("fr", "Other") in page and german not in page

    seller_user = SellerMembership.objects.get(seller=seller, language="de").user
    seller_client = Client()
    seller_client.force_login(seller_user)
    page = seller_client.get(reverse("messaging:thread", args=[denied.thread_id])).content.decode()
    assert german in page and french not in page
    # Stored once, in the default language, for search and the admin.
    assert denied.subject == f"Return denied (order {order_id})"


def test_what_the_seller_typed_stays_as_typed_and_masked(denied, customer):
    stored = str(denied.notice)
    assert "Geöffnet; schreiben Sie an" in stored
    assert customer.email not in stored and denied.thread.buyer_alias.address in stored
    with translation.override("fr"):
        assert denied.thread.buyer_alias.address in denied.text_for_reader


def test_the_api_gives_a_system_message_in_the_callers_language(denied, seller):
    user = SellerMembership.objects.get(seller=seller, language="de").user
    client = APIClient(HTTP_ACCEPT_LANGUAGE="it")
    client.force_authenticate(user)
    path = f"/api/v1/seller/threads/{denied.thread_id}/"

    def system_subject(response) -> str:
        assert response.status_code == 200, response.content
        [said] = [m["subject"] for m in response.json()["messages"] if m["id"] == denied.pk]
        return said

    order_id = denied.thread.order.order_id
    italian = _in("it", "Return denied (order %(order_id)s)", order_id=order_id)
    assert system_subject(client.get(path)) == italian != denied.subject
    english = APIClient()  # no language asked for: the contract's English
    english.force_authenticate(user)
    assert system_subject(english.get(path)) == denied.subject


def test_a_notice_writes_dates_money_and_labels_in_the_readers_format():
    from datetime import date

    notice = ThreadNotice(
        Notice("Refund issued (order %(order_id)s)", {"order_id": "202-1"}),
        [
            Notice("%(amount)s to the original payment method", {"amount": amount(Decimal("4.5"), "EUR")}),
            Notice("Not returned by %(day)s.", {"day": on_day(date(2026, 12, 24))}),
            Notice("%(reason)s", {"reason": label("Other")}),
        ],
    )
    restored = ThreadNotice.from_json(notice.as_json())
    with translation.override("de"):
        body = restored.render_body()
        assert "4,50\u00a0€" in body and "24." in body and gettext("Other") in body
    with translation.override("en-gb"):
        assert restored.render_body().startswith("€4.50 to the original payment method")
