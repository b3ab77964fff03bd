"""A return's and a claim's ``updated_at`` move on every write of them, so an integrator who
syncs with ``updated_after`` sees each change: the seller's decisions and refunds (saved
rows), the reminder and the late mark (the sweeps' bulk updates), a claim's answer and
decision. One test per path that writes it."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine

from returns import automation, services
from returns.models import Claim, ReturnRequest

from .. import factories

pytestmark = pytest.mark.django_db

ASKED = datetime(2025, 3, 1, 9, tzinfo=UTC)


def updated_at(row) -> datetime:
    return type(row).objects.values_list("updated_at", flat=True).get(pk=row.pk)


@pytest.fixture
def asked(make_request) -> ReturnRequest:
    with time_machine.travel(ASKED, tick=False):
        return make_request()


def test_a_new_request_was_updated_when_it_was_made(asked):
    assert updated_at(asked) == asked.requested_at == ASKED


def test_the_sellers_decision_and_refund_move_it(asked, seller_account_user):
    authorised = ASKED + timedelta(hours=2)
    with time_machine.travel(authorised, tick=False):
        services.authorise_return(return_request=asked, actor=seller_account_user)
    assert updated_at(asked) == authorised
    refunded = authorised + timedelta(days=3)
    with time_machine.travel(refunded, tick=False):
        services.issue_refund(
            return_request=ReturnRequest.objects.get(pk=asked.pk),
            actor=seller_account_user,
            amount=Decimal("6.49"),
            idempotency_key="refund-1",
        )
    assert updated_at(asked) == refunded


def test_the_24_hour_reminder_moves_it(asked, on_commit):
    reminded = ASKED + timedelta(hours=24, seconds=1)
    with time_machine.travel(reminded, tick=False):
        assert on_commit(automation.send_reminders) == 1
    assert updated_at(asked) == reminded


def test_the_late_mark_moves_it(asked):
    marked = ASKED + timedelta(hours=48, minutes=1)
    with time_machine.travel(marked, tick=False):
        assert automation.mark_late_responses() == 1
    assert updated_at(asked) == marked


def test_a_claims_answer_and_decision_move_it(seller):
    with time_machine.travel(ASKED, tick=False):
        claim = factories.ClaimFactory(order__seller=seller)
    answered = ASKED + timedelta(hours=5)
    with time_machine.travel(answered, tick=False):
        services.respond_to_claim(claim=claim, response="Delivered to the porter.")
    assert updated_at(claim) == answered
    decided = answered + timedelta(days=1)
    with time_machine.travel(decided, tick=False):
        services.deny_claim(
            claim=Claim.objects.get(pk=claim.pk),
            staff=factories.UserFactory(is_staff=True),
            note="Proof of delivery.",
        )
    assert updated_at(claim) == decided


def test_a_decision_moves_its_order_whose_returnable_quantities_changed(asked, order, seller_account_user):
    authorised = ASKED + timedelta(hours=2)
    with time_machine.travel(authorised, tick=False):
        services.authorise_return(return_request=asked, actor=seller_account_user)
    assert updated_at(order) == authorised
