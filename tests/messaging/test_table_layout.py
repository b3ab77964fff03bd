"""The Sent tab's table fits its box: order ids on one line, masked addresses allowed to break,
anything still too wide scrolling inside the table's box (checked in a browser by the e2e
stories; here, the markup and the rules the layout rests on)."""

import re

import pytest
from django.conf import settings
from django.urls import reverse

from messaging import services as messaging

from .. import factories

pytestmark = pytest.mark.django_db

CSS = (settings.BASE_DIR / "static" / "css" / "app.css").read_text()


def _rule(selector: str) -> str:
    found = re.search(re.escape(selector) + r"\s*\{([^}]*)\}", CSS)
    assert found, selector
    return found.group(1)


def test_the_layout_rules_exist():
    assert "white-space: nowrap" in _rule(".order-id")
    assert "overflow-wrap: anywhere" in _rule(".table .address")
    assert "overflow-x: auto" in _rule(".table-wrap")


def test_the_sent_tab_marks_order_ids_and_addresses(seller, seller_client, customer):
    order = factories.OrderFactory(seller=seller, customer=customer, order_id="202-0697275-2144321")
    factories.OrderItemFactory(order=order)
    first = messaging.contact_seller(order=order, subject="enquiry", body="Where is it?")
    messaging.reply_to_thread(thread=first.thread, body="On its way.")
    html = seller_client.get(reverse("messaging:inbox"), {"direction": "sent"}).content.decode()
    assert '<div class="table-wrap">' in html
    assert f'class="order-id" href="/seller/orders/{order.order_id}/"' in html
    assert '<td class="address">' in html
