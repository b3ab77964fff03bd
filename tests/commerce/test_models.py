"""The database itself refuses bad commerce rows (docs/product.md), whoever writes them."""

from decimal import Decimal

import pytest
from django.db import DataError, IntegrityError, transaction

from commerce.models import Marketplace

from .. import factories

pytestmark = pytest.mark.django_db


def test_the_five_marketplaces_exist_with_their_currency_and_relay_domain():
    rows = {m.code: (m.name, m.currency, m.relay_domain) for m in Marketplace.objects.all()}
    assert rows == {
        "uk": ("Amazon.co.uk", "GBP", "marketplace.uk.sellercentral.test"),
        "fr": ("Amazon.fr", "EUR", "marketplace.fr.sellercentral.test"),
        "de": ("Amazon.de", "EUR", "marketplace.de.sellercentral.test"),
        "it": ("Amazon.it", "EUR", "marketplace.it.sellercentral.test"),
        "es": ("Amazon.es", "EUR", "marketplace.es.sellercentral.test"),
    }


def test_order_ids_are_unique():
    factories.OrderFactory(order_id="202-0697275-2144321")
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.OrderFactory(order_id="202-0697275-2144321")


@pytest.mark.parametrize(
    "bad_id", ["202-0697275", "2020697275214432", "ABC-0697275-2144321", "202-0697275-21443210"]
)
def test_order_ids_must_have_the_marketplace_format(bad_id):
    # PostgreSQL refuses the over-long one as too long for the column (DataError).
    with pytest.raises((IntegrityError, DataError)), transaction.atomic():
        factories.OrderFactory(order_id=bad_id)


@pytest.mark.parametrize("quantity", [0, -1])
def test_order_item_quantities_are_positive(quantity):
    order = factories.OrderFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.OrderItemFactory(order=order, quantity=quantity)


def test_prices_and_totals_are_never_negative():
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.OrderFactory(total=Decimal("-0.01"))
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.OrderItemFactory(unit_price=Decimal("-1.00"))


def test_money_keeps_exact_pence():
    order = factories.order_with_items(items=3)
    order.refresh_from_db()
    assert order.total == Decimal("19.47")
    assert isinstance(order.total, Decimal)


def test_a_user_works_for_one_seller_account_only():
    user = factories.seller_user()
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.SellerMembershipFactory(user=user)


def test_a_seller_lists_a_sku_once():
    product = factories.ProductFactory(sku="Sku1")
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.ProductFactory(seller=product.seller, sku="Sku1")


def test_asins_have_ten_capitals_or_digits():
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.ProductFactory(asin="b0000f2f36")


@pytest.mark.parametrize(
    ("is_gift", "number"), [(True, ""), (True, "not-a-number"), (False, "GR7K-M4QD-9XWP")]
)
def test_a_gift_order_and_only_a_gift_order_has_a_gift_receipt_number(is_gift, number):
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.OrderFactory(is_gift=is_gift, gift_receipt_number=number)


def test_a_gift_order_is_stored_with_its_gift_receipt_number():
    order = factories.OrderFactory(gift=True)
    order.refresh_from_db()
    assert order.is_gift and len(order.gift_receipt_number) == 14
