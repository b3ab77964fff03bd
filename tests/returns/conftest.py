from decimal import Decimal

import pytest

from returns import services

from .. import factories

ADDRESS = factories.RETURN_ADDRESS


@pytest.fixture
def seller_account_user(seller):
    return factories.seller_user(seller, email="returns@test-uk-seller.example.net")


@pytest.fixture
def order(seller, customer, seller_account_user):
    """Luca's order: 2 Kingston cards at 6.49 and one cable at 8.99; a default return address."""
    order = factories.OrderFactory(seller=seller, customer=customer, order_id="202-0697275-2144321")
    factories.OrderItemFactory(
        order=order, quantity=2, unit_price=Decimal("6.49"), product__asin="B0000F2F36"
    )
    factories.OrderItemFactory(order=order, quantity=1, unit_price=Decimal("8.99"))
    order.total = Decimal("21.97")
    order.save()
    factories.return_address(seller)
    return order


@pytest.fixture
def card(order):
    return order.items.get(product__asin="B0000F2F36")


@pytest.fixture
def make_request(order, customer, card):
    def make(quantity: int = 1, reason: str = "missing_parts", comment: str = "comment"):
        request, _ = services.request_return(
            order=order,
            customer=customer,
            items=[
                services.RequestedItem(
                    order_item_id=card.pk, quantity=quantity, reason=reason, comment=comment
                )
            ],
        )
        return request

    return make
