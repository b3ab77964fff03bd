"""Manage Returns and the claims list sorted by ``?sort=``: whitelisted orders, the current one
marked, filters and search kept, pages in constant queries."""

import re
from datetime import date, timedelta

import pytest
from django.utils import timezone

from returns import selectors, services
from returns.models import Claim, ReturnRequest

from .. import factories
from ..commerce.test_sorting import assert_ordered_by_an_index

pytestmark = pytest.mark.django_db


@pytest.fixture
def requests(seller):
    """Three requests of the last days; two authorised with different return-by dates."""
    now = timezone.now()

    def make(days_ago: int, **fields) -> ReturnRequest:
        return factories.ReturnRequestFactory(
            order__seller=seller, requested_at=now - timedelta(days=days_ago), currency="GBP", **fields
        )

    authorised = {"status": "authorised", "authorised_at": now}
    return {
        "newest": make(1),
        "oldest_due_late": make(
            5, return_by=date.today() + timedelta(days=20), rma="AAAAAAAARRMA", **authorised
        ),
        "middle_due_soon": make(
            3, return_by=date.today() + timedelta(days=2), rma="BBBBBBBBRRMA", **authorised
        ),
    }


def listed(html: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'<article class="card return-card" id="return-(\d+)"', html)]


@pytest.mark.parametrize(
    "sort, expected",
    [
        (None, ["newest", "middle_due_soon", "oldest_due_late"]),
        ("-requested", ["newest", "middle_due_soon", "oldest_due_late"]),
        ("requested", ["oldest_due_late", "middle_due_soon", "newest"]),
        ("return_by", ["middle_due_soon", "oldest_due_late", "newest"]),  # none yet: last
        ("-return_by", ["newest", "middle_due_soon", "oldest_due_late"]),  # one way only: ignored
        ("rma", ["newest", "middle_due_soon", "oldest_due_late"]),  # unknown: ignored
    ],
)
def test_manage_returns_sorts_by_each_whitelisted_order(seller_client, requests, sort, expected):
    response = seller_client.get("/seller/returns/", {"sort": sort} if sort else {})
    assert response.status_code == 200
    assert listed(response.content.decode()) == [requests[name].pk for name in expected]


def test_manage_returns_marks_the_order_and_keeps_the_filters(seller_client, requests):
    html = seller_client.get(
        "/seller/returns/", {"status": "authorised", "q": "Luca", "sort": "requested"}
    ).content.decode()
    assert '<nav class="sort-options" aria-label="Sort return requests">' in html
    assert (
        '<a href="?status=authorised&amp;q=Luca&amp;sort=-requested" aria-current="true">Request date'
        ' <span aria-hidden="true">▲</span><span class="visually-hidden">(sorted ascending)</span></a>'
    ) in html
    assert '<a href="?status=authorised&amp;q=Luca&amp;sort=return_by">Return-by date</a>' in html
    # The status filters and the search box keep the order too
    assert '&amp;sort=requested" aria-current="page">Authorised' in html
    assert '<input type="hidden" name="sort" value="requested">' in html


def test_manage_returns_pages_keep_the_sort_in_constant_queries(
    order, customer, card, seller_client, django_assert_max_num_queries
):
    def add(n):
        for _ in range(n):
            services.request_return(
                order=order, customer=customer, items=[services.RequestedItem(card.pk, 1, "unwanted")]
            )

    add(2)
    # session, user, seller, counts by status, page, items, history, the menu's to-do badges
    with django_assert_max_num_queries(8):
        seller_client.get("/seller/returns/", {"sort": "requested"})
    add(20)
    with django_assert_max_num_queries(8):
        first = seller_client.get("/seller/returns/", {"sort": "requested"}).content.decode()
    with django_assert_max_num_queries(8):
        second = seller_client.get("/seller/returns/", {"sort": "requested", "page": 2}).content.decode()
    assert len(listed(first)) == 20 and len(listed(second)) == 2
    assert listed(first) == sorted(listed(first)) and max(listed(first)) < min(listed(second))
    assert "sort=requested&amp;page=2" in first


# --- Claims -------------------------------------------------------------------------------------
@pytest.fixture
def claims(seller):
    now = timezone.now()

    def make(days_ago: int, status: str) -> Claim:
        return factories.ClaimFactory(
            order__seller=seller, filed_at=now - timedelta(days=days_ago), status=status
        )

    return {"open_new": make(1, "open"), "granted_old": make(9, "granted"), "denied_mid": make(4, "denied")}


def claims_listed(html: str) -> list[str]:
    return re.findall(r'order <a href="/seller/orders/([0-9-]+)/"', html)


@pytest.mark.parametrize(
    "sort, expected",
    [
        (None, ["open_new", "denied_mid", "granted_old"]),
        ("filed", ["granted_old", "denied_mid", "open_new"]),
        ("status", ["denied_mid", "granted_old", "open_new"]),
        ("-status", ["open_new", "granted_old", "denied_mid"]),
        ("body", ["open_new", "denied_mid", "granted_old"]),  # unknown: ignored
    ],
)
def test_the_claims_list_sorts_by_each_whitelisted_order(seller_client, claims, sort, expected):
    html = seller_client.get("/seller/returns/claims/", {"sort": sort} if sort else {}).content.decode()
    assert claims_listed(html) == [claims[name].order.order_id for name in expected]


def test_the_claims_list_marks_the_order_and_keeps_the_tab(seller_client, claims):
    html = seller_client.get(
        "/seller/returns/claims/", {"show": "to_answer", "sort": "filed"}
    ).content.decode()
    assert '<a href="?show=to_answer&amp;sort=-filed" aria-current="true">Date filed' in html
    assert claims_listed(html) == [claims["open_new"].order.order_id]


def test_the_claims_list_runs_in_constant_queries(seller, seller_client, django_assert_max_num_queries):
    factories.ClaimFactory.create_batch(2, order__seller=seller)
    # session, user, seller, count, page (joined), the menu's to-do badges
    with django_assert_max_num_queries(6):
        seller_client.get("/seller/returns/claims/", {"sort": "status"})
    factories.ClaimFactory.create_batch(20, order__seller=seller)
    with django_assert_max_num_queries(6):
        html = seller_client.get("/seller/returns/claims/", {"sort": "status"}).content.decode()
    assert len(claims_listed(html)) == 20


def sorts(sorting) -> list[str]:
    return [f"{d}{c.key}" for c in sorting.columns for d in ("", "-") if c.allows(d == "-")]


@pytest.mark.parametrize("status", ["all", "authorisation_required"])
@pytest.mark.parametrize("sort", sorts(selectors.RETURN_SORTING))
def test_every_sort_of_manage_returns_is_read_from_an_index(seller, sort, status):
    now = timezone.now()
    since, until = now - timedelta(days=30), now
    requests = selectors.returns_for_seller(seller, status=status, since=since, until=until, sort=sort)
    assert_ordered_by_an_index(requests[:20])


@pytest.mark.parametrize("to_answer", [False, True])
@pytest.mark.parametrize("sort", sorts(selectors.CLAIM_SORTING))
def test_every_sort_of_the_claims_list_is_read_from_an_index(seller, sort, to_answer):
    assert_ordered_by_an_index(selectors.claims_for_seller(seller, to_answer=to_answer, sort=sort)[:20])
