"""factory_boy factories for every model; tests build their world with these."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from commerce.models import Customer, Marketplace, Order, OrderItem, Product, SellerAccount, SellerMembership
from commerce.policy import new_gift_receipt_number

PASSWORD = "correct horse battery staple"


def marketplace(code: str = "uk") -> Marketplace:
    """The five marketplaces exist from the data migration: fetch, never create."""
    return Marketplace.objects.get(code=code)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save(update_fields=["password"])


class SellerAccountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SellerAccount
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Test Seller {n}")

    @factory.post_generation
    def marketplaces(obj, create, extracted, **kwargs):
        if create:
            obj.marketplaces.set(extracted if extracted is not None else [marketplace("uk")])


class SellerMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SellerMembership

    seller = factory.SubFactory(SellerAccountFactory)
    user = factory.SubFactory(UserFactory)


class CustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Customer

    user = factory.SubFactory(UserFactory)
    name = factory.Faker("name", locale="en_GB")
    email = factory.Sequence(lambda n: f"buyer{n}@buyers.example.com")


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product

    seller = factory.SubFactory(SellerAccountFactory)
    asin = factory.Sequence(lambda n: f"B{n:09d}")
    sku = factory.Sequence(lambda n: f"SKU-{n}")
    title = factory.Sequence(lambda n: f"Flash memory card {n} - 8 GB - SDHC")
    brand = "Kingston"
    category = "Electronics"
    is_returnable = True


class OrderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Order

    order_id = factory.Sequence(lambda n: f"202-{n:07d}-{(n * 7919) % 10**7:07d}")
    marketplace = factory.LazyFunction(lambda: marketplace("uk"))
    seller = factory.SubFactory(SellerAccountFactory)
    customer = factory.SubFactory(CustomerFactory)
    recipient_name = factory.SelfAttribute("customer.name")
    status = Order.Status.DELIVERED
    placed_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=5))
    dispatched_at = factory.LazyAttribute(lambda o: o.placed_at + timedelta(hours=20))
    delivered_at = factory.LazyAttribute(lambda o: o.placed_at + timedelta(days=2))
    delivery_estimate_start = factory.LazyAttribute(lambda o: (o.placed_at + timedelta(days=2)).date())
    delivery_estimate_end = factory.LazyAttribute(lambda o: (o.placed_at + timedelta(days=4)).date())
    currency = factory.SelfAttribute("marketplace.currency")
    total = Decimal("0.00")

    class Params:
        # ``OrderFactory(gift=True)``: bought as a gift, with a gift receipt number.
        gift = factory.Trait(is_gift=True, gift_receipt_number=factory.LazyFunction(new_gift_receipt_number))


class OrderItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrderItem

    order = factory.SubFactory(OrderFactory)
    product = factory.SubFactory(ProductFactory, seller=factory.SelfAttribute("..order.seller"))
    quantity = 1
    unit_price = Decimal("6.49")


def order_with_items(*, items: int = 1, **order_fields) -> Order:
    """An order whose total is the sum of its items, as ``place_orders`` records them."""
    order = OrderFactory(**order_fields)
    lines = OrderItemFactory.create_batch(items, order=order)
    order.total = sum(line.line_total for line in lines)
    order.save(update_fields=["total"])
    return order


def seller_user(seller: SellerAccount | None = None, **user_fields):
    """A user working for ``seller`` (a new seller account if none)."""
    membership = SellerMembershipFactory(
        seller=seller or SellerAccountFactory(), user=UserFactory(**user_fields)
    )
    return membership.user


RETURN_ADDRESS = {
    "name": "Test1", "line1": "Test1", "city": "London", "postcode": "WC2A 2HD",
    "country": "United Kingdom", "phone": "020 1234 5678",
}  # fmt: skip


def return_address(seller: SellerAccount, **fields):
    """The seller's default return address (the seed's), through the returns service."""
    from returns import services

    return services.save_return_address(seller=seller, marketplace=None, data={**RETURN_ADDRESS, **fields})


# --- What waits for the seller (the home's to-dos) ------------------------------------------
class ReturnRequestFactory(factory.django.DjangoModelFactory):
    """A return request as the buyer leaves it: waiting for the seller's authorisation."""

    class Meta:
        model = "returns.ReturnRequest"

    order = factory.SubFactory(OrderFactory)
    seller = factory.SelfAttribute("order.seller")
    customer = factory.SelfAttribute("order.customer")
    marketplace = factory.SelfAttribute("order.marketplace")
    requested_at = factory.LazyFunction(timezone.now)


class ClaimFactory(factory.django.DjangoModelFactory):
    """An open A-to-z claim the seller has not answered."""

    class Meta:
        model = "returns.Claim"

    order = factory.SubFactory(OrderFactory)
    seller = factory.SelfAttribute("order.seller")
    customer = factory.SelfAttribute("order.customer")
    reason = "not_received"
    body = "It never came."
    filed_at = factory.LazyFunction(timezone.now)


class OrderFeedbackFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "metrics.OrderFeedback"

    order = factory.SubFactory(OrderFactory)
    seller = factory.SelfAttribute("order.seller")
    customer = factory.SelfAttribute("order.customer")
    rating = 5
    left_at = factory.LazyFunction(timezone.now)
    updated_at = factory.SelfAttribute("left_at")


def _response_deadline(sent_at):
    from messaging.policy import response_deadline

    return response_deadline(sent_at)


def _order_thread(order: Order):
    from messaging import services

    return services.open_thread_for_order(order=order)


class BuyerMessageFactory(factory.django.DjangoModelFactory):
    """A buyer's message in its order's conversation, waiting for the seller's answer."""

    class Meta:
        model = "messaging.Message"

    class Params:
        order = factory.SubFactory(OrderFactory)

    thread = factory.LazyAttribute(lambda m: _order_thread(m.order))
    seller = factory.SelfAttribute("thread.seller")
    direction = "received"
    channel = "email"
    sender_name = "Buyer"
    subject = "Where is my order?"
    message_id = factory.Sequence(lambda n: f"<buyer{n}@example.com>")
    relay_message_id = factory.Sequence(lambda n: f"<relay{n}@example.com>")
    sent_at = factory.LazyFunction(timezone.now)
    needs_response = True
    response_deadline = factory.LazyAttribute(lambda m: _response_deadline(m.sent_at))


def notice(subject: str, body: str = ""):
    """A system message's words as typed text (what returns' notices render to, in English)."""
    from messaging.notices import Notice, ThreadNotice

    return ThreadNotice(Notice.typed(subject), [Notice.typed(body)] if body else [])
