"""Demo returns like the seed's screens, in every state, and the sellers' return addresses."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction

from commerce.demo import DemoWorld

from . import services
from .models import ReturnRequest

SEED_ADDRESS = {
    "name": "Test1", "line1": "Test1", "city": "London", "postcode": "WC2A 2HD",
    "country": "United Kingdom", "phone": "020 1234 5678",
}  # fmt: skip
SELLER2_ADDRESS = {
    "name": "Riverside Media Returns", "line1": "12 Riverside Way", "city": "Manchester", "postcode": "M1 2AB",
    "country": "United Kingdom", "phone": "0161 496 0000",
}  # fmt: skip
# (order id, buyer, reason, comment, what the seller did)
RETURNS = [
    ("202-0697275-2144321", "luca", "missing_parts", "comment", None),
    ("203-4841771-0925113", "luca", "defective", "Left ear cup is silent.", "authorise"),
    ("202-5854079-6316359", "luca", "unwanted", "", "refund"),
    ("204-0618835-3321907", "jan", "accidental_order", "Ordered three instead of one.", "deny"),
    ("302-2264109-8830156", "jan", "better_price", "", "cancel"),
]


@transaction.atomic
def seed_returns(world: DemoWorld) -> None:
    for username, address in [("seller", SEED_ADDRESS), ("seller2", SELLER2_ADDRESS)]:
        if not world.sellers[username].return_addresses.exists():
            services.save_return_address(seller=world.sellers[username], marketplace=None, data=address)
    if ReturnRequest.objects.filter(order__order_id__in=[r[0] for r in RETURNS]).exists():
        return
    for order_id, buyer, reason, comment, action in RETURNS:
        order = world.orders[order_id]
        item = order.items.first()
        return_request, _ = services.request_return(
            order=order,
            customer=world.customers[buyer],
            items=[services.RequestedItem(order_item_id=item.pk, quantity=1, reason=reason, comment=comment)],
        )
        seller_user = order.seller.users.first()
        if action in {"authorise", "refund"}:
            services.authorise_return(return_request=return_request, actor=seller_user)
        if action == "refund":
            services.issue_refund(
                return_request=return_request,
                actor=seller_user,
                idempotency_key="demo",
                amount=Decimal(item.unit_price),
            )
        if action == "deny":
            services.deny_return(
                return_request=return_request,
                actor=seller_user,
                reason="other",
                message="Sorry, we cannot take back cables once the bag is opened.",
            )
        if action == "cancel":
            services.cancel_return(return_request=return_request, actor=world.customers[buyer].user)
