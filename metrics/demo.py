"""Demo feedback: a few ratings for each seller, one negative to address; and the demo
seller's 90 days of feedback, mostly positive, the few negative ones from before the Order
Defect Rate's 60 days."""

from __future__ import annotations

import random
from datetime import timedelta

from django.db import transaction

from commerce.demo import DemoWorld
from commerce.demo_history import Step

from . import services
from .models import OrderFeedback
from .policy import ODR_WINDOW_DAYS

FEEDBACK = [
    ("202-5854079-6316359", "luca", 5, "Fast delivery, card works perfectly."),
    ("203-4841771-0925113", "luca", 2, "Headphones arrived with a silent ear cup."),
    ("204-0618835-3321907", "jan", 4, "Good cables."),
    ("026-7381554-4012298", "jan", 5, "Lovely mugs, well packed."),
    ("302-5527713-6608841", "jan", 3, "OK, slow delivery."),
]


@transaction.atomic
def seed_feedback(world: DemoWorld) -> None:
    if OrderFeedback.objects.filter(order__order_id__in=[f[0] for f in FEEDBACK]).exists():
        return
    for order_id, buyer, rating, comment in FEEDBACK:
        services.leave_feedback(
            order=world.orders[order_id], customer=world.customers[buyer], rating=rating, comment=comment
        )


HISTORY_SEED = 4501
FEEDBACK_SHARE = 0.25  # of delivered orders
COMMENTS = {
    5: [
        "Fast delivery, exactly as described.",
        "Great seller, would buy again.",
        "Well packed and quick.",
        "",
    ],
    4: ["Good product, delivery took a day longer than expected.", "Works well.", ""],
    3: ["OK, but the box was damaged.", "Average: does the job."],
    2: ["Item arrived late and the seller was slow to reply."],
    1: ["Never again: the item was faulty and the replacement took weeks."],
}


def history_steps(world: DemoWorld) -> list[Step]:
    """Feedback on about a third of the history's delivered orders; none if there is some."""
    delivered = [o for o in world.history if o.delivered_at is not None]
    if not delivered or OrderFeedback.objects.filter(order__in=delivered).exists():
        return []
    rng = random.Random(HISTORY_SEED)
    defect_window_start = world.now - timedelta(days=ODR_WINDOW_DAYS + 1)
    steps = []
    for order in delivered:
        if rng.random() >= FEEDBACK_SHARE:
            continue
        rating = rng.choices([5, 4, 3, 2, 1], [70, 18, 6, 4, 2])[0]
        if rating <= 2 and order.placed_at > defect_window_start:
            rating = 5  # the demo's recent negative feedback is the fixtures' one to answer
        left_at = order.delivered_at + timedelta(days=rng.randint(0, 6), hours=rng.randint(1, 12))
        if left_at >= world.now:
            continue
        comment = rng.choice(COMMENTS[rating])
        steps.append(
            Step(
                left_at,
                lambda o=order, r=rating, c=comment: services.leave_feedback(
                    order=o, customer=o.customer, rating=r, comment=c
                ),
            )
        )
    return steps
