"""Demo feedback: a few ratings for each seller, one negative to address."""

from __future__ import annotations

from django.db import transaction

from commerce.demo import DemoWorld

from . import services
from .models import OrderFeedback

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
