"""Bulk decisions on the real database: a transaction per request, committed one by one."""

import threading

import pytest
from django.core import mail
from django.db import connection

from returns import services
from returns.models import ReturnEvent, ReturnRequest
from returns.services import BulkAction, BulkOutcome

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_each_decision_commits_and_mails_on_its_own(make_request, seller, seller_account_user):
    # Two requests for both units of the card: the second cannot be authorised too
    first, second = make_request(quantity=2), make_request(quantity=2)
    mail.outbox.clear()
    results = services.decide_in_bulk(
        seller=seller, actor=seller_account_user, ids=[first.pk, second.pk], action=BulkAction.AUTHORISE
    )
    assert [r.outcome for r in results] == [BulkOutcome.AUTHORISED, BulkOutcome.REFUSED]
    # The first was committed (its e-mail left on commit), whatever became of the second
    authorised = ReturnRequest.objects.get(pk=first.pk)
    assert authorised.status == "authorised"
    assert any(authorised.rma in message.body for message in mail.outbox)
    assert ReturnRequest.objects.get(pk=second.pk).status == "authorisation_required"


def test_two_tabs_authorising_the_same_selection_decide_each_request_once(
    order, card, customer, seller, seller_account_user
):
    cable = order.items.exclude(pk=card.pk).get()
    requests = [
        services.request_return(
            order=order, customer=customer, items=[services.RequestedItem(line.pk, 1, "unwanted")]
        )[0]
        for line in (card, cable)
    ]
    ids = [r.pk for r in requests]
    barrier = threading.Barrier(2)
    outcomes: list[list[BulkOutcome]] = [[], []]

    def run(n):
        try:
            barrier.wait()
            results = services.decide_in_bulk(
                seller=seller, actor=seller_account_user, ids=ids, action=BulkAction.AUTHORISE
            )
            outcomes[n] = [r.outcome for r in results]
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    # Each request was authorised by exactly one of the tabs and refused by the other
    for position in range(len(ids)):
        assert sorted([outcomes[0][position], outcomes[1][position]]) == ["authorised", "refused"]
    assert ReturnEvent.objects.filter(return_request__in=ids, event="authorise").count() == len(ids)
