"""Two people acting at once end in exactly one transition (threads on the real database)."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from returns import services
from returns.models import ReturnEvent, ReturnRequest

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _race(*actions):
    barrier = threading.Barrier(len(actions))
    outcomes = [None] * len(actions)

    def run(n, action):
        try:
            barrier.wait()
            action()
            outcomes[n] = "done"
        except (services.TransitionRefused, ValidationError):
            outcomes[n] = "refused"
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(n, a)) for n, a in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return outcomes


def test_seller_authorises_while_the_buyer_cancels(make_request, seller_account_user, customer):
    for _ in range(3):
        request = make_request()
        outcomes = _race(
            lambda r=request: services.authorise_return(return_request=r, actor=seller_account_user),
            lambda r=request: services.cancel_return(return_request=r, actor=customer.user),
        )
        assert sorted(outcomes) == ["done", "refused"]
        final = ReturnRequest.objects.get(pk=request.pk)
        assert final.status in {"authorised", "closed"}
        assert ReturnEvent.objects.filter(return_request=request).exclude(event="requested").count() == 1
        ReturnRequest.objects.filter(pk=request.pk).update(
            status="closed", close_reason="expired", rma=None, authorised_at=None
        )


def test_two_seller_tabs_authorise_once(make_request, seller_account_user):
    request = make_request()
    outcomes = _race(
        *[lambda: services.authorise_return(return_request=request, actor=seller_account_user)] * 2
    )
    assert sorted(outcomes) == ["done", "refused"]
    assert ReturnEvent.objects.filter(return_request=request, event="authorise").count() == 1


def test_two_clicks_on_refund_with_one_key_refund_once(make_request, seller_account_user):
    request = make_request()
    refund = lambda: services.issue_refund(  # noqa: E731
        return_request=request, actor=seller_account_user, idempotency_key="double-click", amount="6.49"
    )
    assert _race(refund, refund) == ["done", "done"]
    assert ReturnRequest.objects.get(pk=request.pk).refunds.count() == 1


def test_eight_people_racing_on_one_request_make_exactly_one_transition(
    make_request, seller_account_user, customer, seller
):
    from returns import automation

    services.update_return_settings(
        seller=seller, email_quick_links=False, return_window_days=30, rules={"uk": "all"}
    )
    request = make_request()  # its rule task waits for a commit the race will beat
    actions = [
        lambda: services.authorise_return(return_request=request, actor=seller_account_user),
        lambda: services.deny_return(
            return_request=request, actor=seller_account_user, reason="other", message="No"
        ),
        lambda: services.cancel_return(return_request=request, actor=customer.user),
        lambda: automation.apply_return_rule(return_request_id=request.pk),
    ] * 2
    outcomes = _race(*actions)
    events = ReturnEvent.objects.filter(return_request=request).exclude(event="requested")
    assert events.count() == 1, list(events.values_list("event", flat=True))
    assert outcomes.count("refused") >= 5


def test_two_refunds_racing_never_pass_the_paid_amount(make_request, seller_account_user):
    request = make_request(quantity=2)  # 12.98 paid

    def refund(key):
        return lambda: services.issue_refund(
            return_request=request, actor=seller_account_user, idempotency_key=key, amount="10.00"
        )

    _race(refund("first"), refund("second"))
    request = ReturnRequest.objects.get(pk=request.pk)
    assert request.refunds.count() == 1 and request.refunded_total <= request.items.get().paid


def test_two_staff_granting_one_claim_at_once_refund_once(order, customer):
    from returns.models import Claim, Refund

    from .. import factories

    claim = services.file_claim(order=order, customer=customer, reason="not_received", body="Never came.")
    staff = [factories.UserFactory(is_staff=True) for _ in range(2)]
    outcomes = _race(*[lambda user=user: services.grant_claim(claim=claim, staff=user) for user in staff])
    assert sorted(outcomes) == ["done", "refused"]
    assert Refund.objects.filter(claim=claim).count() == 1
    assert Claim.objects.get(pk=claim.pk).refund_amount == Refund.objects.get(claim=claim).amount


def test_a_grant_racing_a_return_refund_never_passes_what_the_order_cost(
    order, customer, make_request, seller_account_user
):
    from django.db.models import Sum

    from returns.models import Refund

    from .. import factories

    request = make_request()
    claim = services.file_claim(order=order, customer=customer, reason="not_received", body="Never came.")
    _race(
        lambda: services.grant_claim(claim=claim, staff=factories.UserFactory(is_staff=True)),
        lambda: services.issue_refund(
            return_request=request, actor=seller_account_user, idempotency_key="k", amount="6.49"
        ),
    )
    paid = sum(item.line_total for item in order.items.all())
    assert Refund.objects.aggregate(total=Sum("amount"))["total"] == paid
