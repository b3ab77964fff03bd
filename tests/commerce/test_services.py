import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from commerce import policy, services
from commerce.models import Order, OrderItem

from .. import factories

pytestmark = pytest.mark.django_db


def _order_fields(seller, customer, **overrides):
    product = factories.ProductFactory(seller=seller)
    fields = {
        "seller": seller,
        "customer": customer,
        "marketplace": factories.marketplace("uk"),
        "lines": [services.OrderLine(product, 2, Decimal("6.49"))],
        "placed_at": timezone.now() - timedelta(days=1),
    }
    return {**fields, **overrides}


def test_place_order_totals_its_lines_in_the_marketplace_currency(seller, customer):
    order = services.place_order(**_order_fields(seller, customer, order_id="202-0697275-2144321"))
    order = Order.objects.get(pk=order.pk)
    assert (order.order_id, order.total, order.currency, order.status) == (
        "202-0697275-2144321",
        Decimal("12.98"),
        "GBP",
        Order.Status.PLACED,
    )
    assert order.recipient_name == customer.name
    assert list(order.items.values_list("quantity", "unit_price")) == [(2, Decimal("6.49"))]


def test_a_generated_order_id_has_the_marketplace_format(seller, customer):
    order = services.place_order(**_order_fields(seller, customer))
    assert order.order_id.startswith("202-")
    assert [len(part) for part in order.order_id.split("-")] == [3, 7, 7]


def test_an_order_is_refused_for_another_sellers_product(seller, customer):
    fields = _order_fields(seller, customer)
    fields["lines"] = [services.OrderLine(factories.ProductFactory(), 1, Decimal("1.00"))]
    with pytest.raises(ValueError, match="is not sold by"):
        services.place_order(**fields)
    assert not Order.objects.exists()


def test_an_order_is_refused_on_a_marketplace_the_seller_does_not_sell_on(seller, customer):
    with pytest.raises(ValueError, match=r"does not sell on Amazon\.de"):
        services.place_order(**_order_fields(seller, customer, marketplace=factories.marketplace("de")))


def test_a_badly_formed_order_id_is_refused_before_the_database(seller, customer):
    with pytest.raises(ValidationError, match="202-0697275-2144321"):
        services.place_order(**_order_fields(seller, customer, order_id="12345"))


def test_place_orders_writes_any_number_of_orders_in_constant_queries(
    seller, customer, django_assert_num_queries
):
    batch = [services.NewOrder(**_order_fields(seller, customer)) for _ in range(20)]
    # 1 marketplaces of the sellers, 1 INSERT orders, 1 INSERT items (+ savepoint pair)
    with django_assert_num_queries(5):
        services.place_orders(batch)
    assert Order.objects.count() == 20
    assert OrderItem.objects.count() == 20


def test_dispatch_and_delivery_move_the_status(seller, customer):
    order = services.place_order(**_order_fields(seller, customer))
    now = timezone.now()
    services.mark_order_dispatched(order=order, at=now, tracking_number="QH417362385GB")
    services.mark_order_delivered(order=order, at=now + timedelta(days=2))
    order = Order.objects.get(pk=order.pk)
    assert order.status == Order.Status.DELIVERED
    assert order.tracking_number == "QH417362385GB"


def test_an_order_bought_as_a_gift_gets_a_gift_receipt_number_for_its_packing_slip(seller, customer):
    orders = services.place_orders(
        [
            services.NewOrder(**_order_fields(seller, customer, is_gift=True, recipient_name="Jan Smit")),
            services.NewOrder(**_order_fields(seller, customer)),
        ]
    )
    gift, plain = (Order.objects.get(pk=order.pk) for order in orders)
    assert gift.is_gift and re.match(policy.GIFT_RECEIPT_PATTERN, gift.gift_receipt_number)
    assert gift.recipient_name == "Jan Smit"
    assert (plain.is_gift, plain.gift_receipt_number) == (False, "")


@pytest.mark.parametrize(
    ("typed", "matches"),
    [
        ("GR7K-M4QD-9XWP", True),
        ("gr7k m4qd 9xwp", True),
        ("GR7KM4QD9XWP", True),
        ("GR7K-M4QD-9XWQ", False),
        ("GR7K-M4QD", False),
        ("", False),
    ],
)
def test_a_gift_receipt_number_matches_as_the_recipient_types_it(typed, matches):
    assert policy.same_gift_receipt_number("GR7K-M4QD-9XWP", typed) is matches
    assert policy.same_gift_receipt_number("", typed) is False  # a non-gift order matches nothing
