"""Generations (commerce/generations.py): every committed write to what a cached page shows
replaces its seller's token; nothing else does (docs/decisions.md, "Cached pages")."""

import pytest
from django.core.cache import cache
from django.db import transaction

from commerce import generations
from messaging.models import Alias, Message
from metrics.models import OrderFeedback
from returns.models import Claim, ReturnRequest

from .. import factories

pytestmark = pytest.mark.django_db


def token(scope, seller):
    return generations.tokens([scope], seller.pk)


def test_a_token_stays_the_same_until_a_write(seller):
    assert token("messaging", seller) == token("messaging", seller)


def test_a_lost_token_is_created_afresh_never_the_old_one(seller):
    before = token("messaging", seller)
    cache.clear()  # a flushed or evicted cache
    assert token("messaging", seller) != before


def test_reset_replaces_every_sellers_tokens(seller):
    other = factories.SellerAccountFactory()
    before = token("messaging", seller), token("returns", other)
    generations.reset()
    assert token("messaging", seller) != before[0] and token("returns", other) != before[1]


def test_a_committed_write_replaces_only_its_sellers_token_of_its_scope(
    seller, django_capture_on_commit_callbacks
):
    other = factories.SellerAccountFactory()
    with django_capture_on_commit_callbacks(execute=True):
        message = factories.BuyerMessageFactory(order=factories.order_with_items(seller=seller))
    mine, theirs, returns = token("messaging", seller), token("messaging", other), token("returns", seller)
    with django_capture_on_commit_callbacks(execute=True) as bumped:
        message.subject = "Changed"
        message.save(update_fields=["subject"])
    assert len(bumped) == 1
    assert token("messaging", seller) != mine
    assert (token("messaging", other), token("returns", seller)) == (theirs, returns)


def test_the_writer_reads_its_own_uncommitted_writes_afresh(seller, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        message = factories.BuyerMessageFactory(order=factories.order_with_items(seller=seller))
    before = token("messaging", seller)
    with django_capture_on_commit_callbacks(execute=False) as pending:
        Message.objects.filter(pk=message.pk).update(subject="Changed")
        # Not committed yet: never the token a cached value may be stored under.
        assert token("messaging", seller) != before
        assert token("messaging", seller) != token("messaging", seller)
    assert len(pending) == 1


def test_a_rolled_back_write_replaces_no_token(seller, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        message = factories.BuyerMessageFactory(order=factories.order_with_items(seller=seller))
    stored = cache.get(f"{generations.PREFIX}:messaging:{seller.pk}")
    with (
        django_capture_on_commit_callbacks(execute=True) as after_commit,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        Message.objects.filter(pk=message.pk).update(subject="Never")
        raise RuntimeError
    assert not any(generations.is_bump(callback) for callback in after_commit)
    assert cache.get(f"{generations.PREFIX}:messaging:{seller.pk}") == stored is not None


# --- Every way a tracked model is written ---------------------------------------------------
def _message(seller):
    return factories.BuyerMessageFactory(order=factories.order_with_items(seller=seller))


def _feedback(seller):
    return factories.OrderFeedbackFactory(order=factories.order_with_items(seller=seller), rating=1)


def _request(seller):
    return factories.ReturnRequestFactory(order=factories.order_with_items(seller=seller))


def _claim(seller):
    return factories.ClaimFactory(order=factories.order_with_items(seller=seller))


TRACKED = {
    "message": (_message, "messaging", lambda row: row),
    "thread": (_message, "messaging", lambda row: row.thread),
    "alias": (_message, "messaging", lambda row: row.thread.buyer_alias),
    "return request": (_request, "returns", lambda row: row),
    "claim": (_claim, "returns", lambda row: row),
    "feedback": (_feedback, "metrics", lambda row: row),
}


@pytest.fixture(params=TRACKED.values(), ids=TRACKED.keys())
def tracked(request, seller, django_capture_on_commit_callbacks):
    """(a committed row, its scope) for each model a cached page shows."""
    make, scope, pick = request.param
    with django_capture_on_commit_callbacks(execute=True):
        row = pick(make(seller))
    return row, scope


def _bumps(seller, scope, django_capture_on_commit_callbacks, write) -> bool:
    before = token(scope, seller)
    with django_capture_on_commit_callbacks(execute=True):
        write()
    return token(scope, seller) != before


def test_save_bumps(seller, tracked, django_capture_on_commit_callbacks):
    row, scope = tracked
    assert _bumps(seller, scope, django_capture_on_commit_callbacks, lambda: row.save())


def test_queryset_update_bumps_with_and_without_the_seller_in_the_filter(
    seller, tracked, django_capture_on_commit_callbacks
):
    row, scope = tracked
    model = type(row)
    write = lambda **pinned: model.objects.filter(pk=row.pk, **pinned).update(seller=seller)  # noqa: E731
    assert _bumps(seller, scope, django_capture_on_commit_callbacks, write)
    assert _bumps(seller, scope, django_capture_on_commit_callbacks, lambda: write(seller=seller))


def test_bulk_update_bumps(seller, tracked, django_capture_on_commit_callbacks):
    row, scope = tracked
    manager = type(row).objects
    assert _bumps(
        seller, scope, django_capture_on_commit_callbacks, lambda: manager.bulk_update([row], ["seller"])
    )


def test_queryset_delete_bumps(seller, tracked, django_capture_on_commit_callbacks):
    row, scope = tracked
    if isinstance(row, Alias):
        return  # never deleted: its threads protect it, and a buyer's alias outlives them
    delete = type(row).objects.filter(pk=row.pk).delete
    assert _bumps(seller, scope, django_capture_on_commit_callbacks, delete)


def test_deleting_a_row_bumps(seller, django_capture_on_commit_callbacks):
    message = _message(seller)
    assert _bumps(seller, "messaging", django_capture_on_commit_callbacks, message.delete)


def test_bulk_create_bumps(seller, django_capture_on_commit_callbacks):
    order = factories.order_with_items(seller=seller)
    thread = factories.BuyerMessageFactory(order=order).thread
    copy = factories.BuyerMessageFactory.build(thread=thread, seller=seller)
    assert _bumps(
        seller, "messaging", django_capture_on_commit_callbacks, lambda: Message.objects.bulk_create([copy])
    )
    feedback = factories.OrderFeedbackFactory.build(order=factories.order_with_items(seller=seller))
    assert _bumps(
        seller,
        "metrics",
        django_capture_on_commit_callbacks,
        lambda: OrderFeedback.objects.bulk_create([feedback]),
    )
    claim = factories.ClaimFactory.build(order=factories.order_with_items(seller=seller))
    assert _bumps(
        seller, "returns", django_capture_on_commit_callbacks, lambda: Claim.objects.bulk_create([claim])
    )
    request = factories.ReturnRequestFactory.build(order=factories.order_with_items(seller=seller))
    assert _bumps(
        seller,
        "returns",
        django_capture_on_commit_callbacks,
        lambda: ReturnRequest.objects.bulk_create([request]),
    )


def test_deleting_an_order_bumps_its_threads_seller(seller, django_capture_on_commit_callbacks):
    order = factories.order_with_items(seller=seller)
    factories.BuyerMessageFactory(order=order)
    order.items.all().delete()
    assert _bumps(seller, "messaging", django_capture_on_commit_callbacks, order.delete)


def test_an_update_not_filtered_by_seller_bumps_every_seller_it_touches(
    seller, django_capture_on_commit_callbacks
):
    other = factories.SellerAccountFactory()
    ids = [_message(seller).pk, _message(other).pk]
    before = token("messaging", seller), token("messaging", other)
    with django_capture_on_commit_callbacks(execute=True):
        Message.objects.filter(pk__in=ids).update(subject="Both")
    assert token("messaging", seller) != before[0] and token("messaging", other) != before[1]
