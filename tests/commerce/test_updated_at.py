"""An order's ``updated_at`` moves when it is dispatched or delivered (what the orders lists
show changes), so an integrator who syncs with ``updated_after`` sees it."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from commerce import services
from commerce.models import Order

from .. import factories

pytestmark = pytest.mark.django_db

PLACED = datetime(2025, 3, 1, 9, tzinfo=UTC)


def updated_at(order: Order) -> datetime:
    return Order.objects.values_list("updated_at", flat=True).get(pk=order.pk)


def test_dispatch_and_delivery_move_an_order():
    with time_machine.travel(PLACED, tick=False):
        order = factories.OrderFactory(status=Order.Status.PLACED, dispatched_at=None, delivered_at=None)
    assert updated_at(order) == PLACED
    dispatched = PLACED + timedelta(hours=20)
    with time_machine.travel(dispatched, tick=False):
        services.mark_order_dispatched(order=order, at=dispatched, tracking_number="TRK1")
    assert updated_at(order) == dispatched
    delivered = dispatched + timedelta(days=2)
    with time_machine.travel(delivered, tick=False):
        services.mark_order_delivered(order=order, at=delivered)
    assert updated_at(order) == delivered


def test_a_save_of_no_fields_writes_nothing():
    with time_machine.travel(PLACED, tick=False):
        order = factories.OrderFactory()
    with time_machine.travel(PLACED + timedelta(days=1), tick=False):
        order.save(update_fields=[])
    assert updated_at(order) == PLACED
