"""Demo returns like the seed's screens, in every state, and the sellers' return addresses;
and the demo seller's 90 days of returns and A-to-z claims, each state reached the way the
product reaches it (the seller's decisions, the buyer's cancellation, the return timers)."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction

from commerce.demo import DemoWorld
from commerce.demo_history import Step
from commerce.models import Order

from . import automation, locks, services
from .models import Claim, DenyReason, ReturnReason, ReturnRequest
from .states import Event

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


HISTORY_SEED = 3117
RETURN_SHARE = 0.07  # of delivered orders
REASONS = [
    ReturnReason.DEFECTIVE, ReturnReason.UNWANTED, ReturnReason.INCOMPATIBLE, ReturnReason.QUALITY,
    ReturnReason.MISSING_PARTS, ReturnReason.WRONG_ITEM, ReturnReason.ACCIDENTAL_ORDER,
]  # fmt: skip
COMMENTS = {
    ReturnReason.DEFECTIVE: "Stopped working after two days.",
    ReturnReason.INCOMPATIBLE: "Does not work with my laptop.",
    ReturnReason.MISSING_PARTS: "The cable was missing from the box.",
    ReturnReason.WRONG_ITEM: "I received the black one, I ordered grey.",
}
# What the seller did, and how often: decided within the day, as a good seller does.
OUTCOMES = [("refund", 50), ("authorise", 25), ("cancel", 15), ("deny_late_request", 10)]
LATE_ONE_DAYS = 20  # the one refund the seller was late with, about this many days ago


def history_steps(world: DemoWorld) -> list[Step]:
    """Returns of the history's orders, and four A-to-z claims (open, answered, granted,
    denied); none if the history has returns already."""
    delivered = [o for o in world.history if o.delivered_at is not None]
    if not delivered or ReturnRequest.objects.filter(order__in=delivered).exists():
        return []
    rng = random.Random(HISTORY_SEED)
    seller_user = world.sellers["seller"].users.order_by("pk").first()
    now = world.now
    steps = _stale_request(world, delivered[0])
    recent = [o for o in delivered[1:] if o.delivered_at < now - timedelta(days=2)]
    claimed = _claim_orders(world, delivered[1:])
    today = [
        o
        for o in recent
        if o not in claimed and now - timedelta(days=25) < o.placed_at < now - timedelta(days=8)
    ][-2:]
    late_done = False
    for order in recent:
        if order in claimed or order in today or rng.random() >= RETURN_SHARE:
            continue
        outcome = rng.choices([o for o, _ in OUTCOMES], [w for _, w in OUTCOMES])[0]
        if (
            outcome == "refund"
            and not late_done
            and order.placed_at > now - timedelta(days=LATE_ONE_DAYS + 7)
        ):
            outcome, late_done = "late_refund", True
        # A late request comes after the 30-day window; the others within days of delivery.
        after = (
            timedelta(days=rng.randint(31, 36))
            if outcome == "deny_late_request"
            else timedelta(days=rng.randint(1, 6))
        )
        requested_at = order.delivered_at + after + timedelta(hours=rng.randint(0, 10))
        if requested_at > now - timedelta(hours=30):
            continue
        steps += _return_steps(rng, world, order, requested_at, outcome, seller_user)
    steps += _waiting_requests(world, today)
    steps += _claim_steps(world, claimed, seller_user)
    return steps


def _request(world: DemoWorld, order: Order, reason: str, comment: str = ""):
    item = order.items.all()[0]
    return services.request_return(
        order=order,
        customer=order.customer,
        items=[services.RequestedItem(order_item_id=item.pk, quantity=1, reason=reason, comment=comment)],
    )[0]


def _latest(order: Order) -> ReturnRequest:
    return ReturnRequest.objects.filter(order=order).latest("requested_at")


def _return_steps(rng, world, order, requested_at: datetime, outcome: str, seller_user) -> list[Step]:
    reason = rng.choice(REASONS)
    decided_at = requested_at + timedelta(hours=rng.randint(2, 20), minutes=rng.randint(0, 59))
    steps = [Step(requested_at, lambda: _request(world, order, reason, COMMENTS.get(reason, "")))]
    if outcome == "cancel":
        steps.append(
            Step(
                decided_at,
                lambda: services.cancel_return(return_request=_latest(order), actor=order.customer.user),
            )
        )
    elif outcome == "deny_late_request":
        steps.append(
            Step(
                decided_at,
                lambda: services.deny_return(
                    return_request=_latest(order),
                    actor=seller_user,
                    reason=DenyReason.OUTSIDE_WINDOW,
                    message="Sorry, our return window is 30 days from the order date and it has passed.",
                ),
            )
        )
    else:
        if outcome == "late_refund":  # one that waited over the weekend: a late response
            decided_at = requested_at + timedelta(hours=rng.randint(50, 70))
        if decided_at >= world.now:
            return steps  # still waiting for the seller (and late, by now)
        steps.append(
            Step(
                decided_at,
                lambda: services.authorise_return(return_request=_latest(order), actor=seller_user),
            )
        )
        if outcome in {"refund", "late_refund"}:
            refunded_at = decided_at + timedelta(days=rng.randint(3, 9), hours=rng.randint(0, 8))
            if refunded_at < world.now:
                steps.append(Step(refunded_at, lambda: _refund(order, seller_user)))
    return steps


def _refund(order: Order, seller_user) -> None:
    return_request = _latest(order)
    item = return_request.items.select_related("order_item").get()
    services.issue_refund(
        return_request=return_request,
        actor=seller_user,
        idempotency_key=f"demo-{return_request.pk}",
        amount=Decimal(item.order_item.unit_price),
    )


def _stale_request(world: DemoWorld, order: Order) -> list[Step]:
    """The one request nobody answered: the timers close it 50 days later (before the 90 days)."""
    if order.placed_at > world.now - timedelta(days=100):
        return []
    return [
        Step(order.delivered_at + timedelta(days=3), lambda: _request(world, order, ReturnReason.UNWANTED))
    ]


def _waiting_requests(world: DemoWorld, orders: list[Order]) -> list[Step]:
    """Two of today's requests: one waiting for the seller, one an automatic rule found
    outside the policy (Not authorised), still for the seller to decide."""
    if len(orders) < 2:
        return []
    outside, waiting = orders

    def find_outside_policy() -> None:
        with transaction.atomic():
            locked = locks.lock_order_and_return_request(_latest(outside))
            services.transition_by_system(locked, Event.FIND_OUTSIDE_POLICY, note="Outside the return policy")

    return [
        Step(
            world.now - timedelta(hours=7),
            lambda: _request(world, waiting, ReturnReason.INCOMPATIBLE, "Too big for my desk."),
        ),
        Step(world.now - timedelta(hours=5), lambda: _request(world, outside, ReturnReason.UNWANTED)),
        Step(world.now - timedelta(hours=5, minutes=-1), find_outside_policy),
    ]


def _claim_orders(world: DemoWorld, orders: list[Order]) -> dict[Order, str]:
    """An order for each kind of claim: granted (over 60 days ago), denied, answered, open."""
    now = world.now

    def placed_between(newest: int, oldest: int) -> Order | None:
        return next(
            (o for o in orders if now - timedelta(days=oldest) < o.placed_at < now - timedelta(days=newest)),
            None,
        )

    picked = {
        placed_between(70, 85): "granted",
        placed_between(35, 45): "denied",
        placed_between(8, 14): "answered",
        placed_between(4, 7): "open",
    }
    return {order: kind for order, kind in picked.items() if order is not None}


CLAIMS = {
    # kind: (reason, buyer's words, seller's answer)
    "granted": (Claim.Reason.NOT_AS_DESCRIBED, "The hub only has 5 ports, the listing says 7.", "We are sorry: the listing was corrected."),
    "denied": (Claim.Reason.NOT_RECEIVED, "My parcel never arrived.", "The tracking shows it delivered and signed for on the day."),
    "answered": (Claim.Reason.RETURN_NOT_REFUNDED, "I sent the item back two weeks ago and have no refund.", "We have not received the parcel yet; we refund as soon as it arrives."),
    "open": (Claim.Reason.NOT_RECEIVED, "The order never arrived and the tracking has not moved.", ""),
}  # fmt: skip


def _claim_steps(world: DemoWorld, claimed: dict[Order, str], seller_user) -> list[Step]:
    staff = get_user_model().objects.filter(is_staff=True, is_active=True).order_by("pk").first()
    steps = []
    for order, kind in claimed.items():
        reason, words, answer = CLAIMS[kind]
        filed_at = (
            world.now - timedelta(hours=6) if kind == "open" else order.placed_at + timedelta(days=6, hours=3)
        )
        if kind == "answered":
            filed_at = world.now - timedelta(days=3)
        steps.append(
            Step(
                filed_at,
                lambda o=order, r=reason, w=words: services.file_claim(
                    order=o, customer=o.customer, reason=r, body=w
                ),
            )
        )
        if answer:
            steps.append(
                Step(
                    filed_at + timedelta(hours=9),
                    lambda o=order, a=answer: services.respond_to_claim(
                        claim=o.claims.get(), response=a, actor=seller_user
                    ),
                )
            )
        if kind in {"granted", "denied"}:
            steps.append(
                Step(
                    filed_at + timedelta(days=4),
                    lambda o=order, granted=kind == "granted": services.decide_claim(
                        claim=o.claims.get(),
                        staff=staff,
                        granted=granted,
                        note="Decided on the evidence of both parties.",
                    ),
                )
            )
    return steps


def timers_sweep() -> None:
    """The return timers, as beat runs them (at the step's moment)."""
    automation.run_return_timers()
